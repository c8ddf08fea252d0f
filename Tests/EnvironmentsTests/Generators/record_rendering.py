"""Records Gymnasium's classic-control rgb_array frames for RenderingTests.

Each frame is stored as a run-length string of colour labels: every pixel that has exactly
one of the renderers' flat colours gets that colour's letter, anti-aliased edge pixels get
'.'. The Swift test renders the same states and compares the labels.

Run: python Tests/EnvironmentsTests/Generators/record_rendering.py
(writes Tests/EnvironmentsTests/Fixtures/rendering_gymnasium_frames.json; needs gymnasium, pygame)
"""
import json
import os

import gymnasium as gym
import numpy as np

COLOURS = {
    "w": (255, 255, 255), "k": (0, 0, 0), "p": (202, 152, 101), "a": (129, 132, 203),
    "g": (128, 128, 128), "y": (204, 204, 0), "c": (0, 204, 204), "r": (204, 77, 77),
}

CASES = [
    ("CartPole-v1", [0, 0, 0, 0], None), ("CartPole-v1", [1.0, 0, 0.2, 0], None),
    ("CartPole-v1", [-2.0, 0, -0.18, 0], None), ("CartPole-v1", [2.3, 0, 0.05, 0], None),
    ("MountainCar-v0", [-0.5, 0], None), ("MountainCar-v0", [0.3, 0], None), ("MountainCar-v0", [-1.15, 0], None),
    ("MountainCarContinuous-v0", [-0.9, 0], None), ("MountainCarContinuous-v0", [0.4, 0], None),
    ("Acrobot-v1", [0, 0, 0, 0], None), ("Acrobot-v1", [1.0, 0.5, 0, 0], None),
    ("Acrobot-v1", [-2.0, 1.5, 0, 0], None), ("Acrobot-v1", [3.0, -2.5, 0, 0], None),
    ("Pendulum-v1", [1.0, 0], None), ("Pendulum-v1", [-0.5, 0], [1.5]),
    ("Pendulum-v1", [2.5, 0], [-2.0]), ("Pendulum-v1", [0.0, 0], [0.3]),
]


def labels(frame):
    h, w, _ = frame.shape
    out = np.full((h, w), ".", dtype="<U1")
    for letter, colour in COLOURS.items():
        out[(frame == np.array(colour, dtype=np.uint8)).all(axis=2)] = letter
    flat = out.reshape(-1)
    runs, start = [], 0
    for i in range(1, len(flat) + 1):
        if i == len(flat) or flat[i] != flat[start]:
            runs.append(f"{i - start}{flat[start]}")
            start = i
    return "".join(runs)


def main():
    records = []
    for env_id, state, action in CASES:
        env = gym.make(env_id, render_mode="rgb_array")
        env.reset(seed=0)
        # The state before the optional step; Pendulum draws the last torque as an arrow.
        env.unwrapped.state = np.array(state, dtype=np.float64)
        if action is not None:
            env.step(np.array(action, dtype=np.float32))
        frame = env.render()
        records.append({"id": env_id, "state": state, "action": action, "height": int(frame.shape[0]),
                        "width": int(frame.shape[1]), "labels": labels(frame)})
        env.close()
    path = os.path.join(os.path.dirname(__file__), "..", "Fixtures", "rendering_gymnasium_frames.json")
    with open(path, "w") as f:
        json.dump({"gymnasium": gym.__version__, "colours": {k: list(v) for k, v in COLOURS.items()},
                   "frames": records}, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
