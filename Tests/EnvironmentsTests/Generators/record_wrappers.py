"""Records Gymnasium's wrappers and OpenCV's INTER_AREA resize for WrapperTests.swift.

Writes Fixtures/wrappers_gymnasium.json with:
- `resize`: cv2.resize(..., interpolation=cv2.INTER_AREA) of pseudo-random images (the
  pixels come from the LCG below, which the Swift test reproduces), including the Atari
  case 210x160 -> 84x84 and integer-factor cases that take OpenCV's fast path;
- `atari`: observations, rewards and flags of gymnasium.wrappers.AtariPreprocessing over a
  fake Atari environment (frames from the same LCG, a fake `ale` whose grayscale screen is
  ALE's palette formula round(0.2989 r + 0.5870 g + 0.1140 b)); the Swift test builds the
  same fake environment;
- `normalize`: NormalizeObservation and NormalizeReward over a small deterministic
  environment, with the statistics frozen part-way.

Needs gymnasium and opencv-python-headless. Run from the repository root:

    python Tests/EnvironmentsTests/Generators/record_wrappers.py
"""

import json
import math
import os

import cv2
import gymnasium as gym
import numpy as np
from gymnasium.spaces import Box, Discrete
from gymnasium.wrappers import AtariPreprocessing, NormalizeObservation, NormalizeReward

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Fixtures", "wrappers_gymnasium.json")


def lcg_bytes(seed, count):
    """The byte stream WrapperTests.swift reproduces (glibc-style LCG, bits 16...23)."""
    out = np.empty(count, dtype=np.uint8)
    s = seed & 0x7FFFFFFF
    for i in range(count):
        s = (s * 1103515245 + 12345) & 0x7FFFFFFF
        out[i] = (s >> 16) & 0xFF
    return out


def resize_cases():
    cases = []
    for seed, (h, w, c), (dh, dw) in [
        (1, (210, 160, 1), (84, 84)),
        (2, (50, 40, 3), (21, 17)),
        (3, (8, 8, 1), (4, 4)),
        (4, (9, 12, 1), (3, 4)),
        (5, (12, 8, 3), (4, 4)),
        (6, (7, 5, 1), (3, 2)),
        (7, (10, 10, 1), (10, 4)),
    ]:
        pixels = lcg_bytes(seed, h * w * c).reshape((h, w, c) if c > 1 else (h, w))
        out = cv2.resize(pixels, (dw, dh), interpolation=cv2.INTER_AREA)
        cases.append({"seed": seed, "height": h, "width": w, "channels": c,
                      "to_height": dh, "to_width": dw, "output": out.reshape(-1).tolist()})
    return cases


def ale_gray(frame):
    f = frame.astype(np.float64)
    return np.round(f[..., 0] * 0.2989 + f[..., 1] * 0.5870 + f[..., 2] * 0.1140).astype(np.uint8)


class FakeALE:
    def __init__(self, env):
        self.env = env

    def lives(self):
        return self.env.lives

    def getScreenRGB(self, out):
        out[...] = self.env.frame

    def getScreenGrayscale(self, out):
        out[...] = ale_gray(self.env.frame)


class FakeAtari(gym.Env):
    """42x32 RGB frames from the LCG seeded by (t, action); a life lost every 5 frames,
    game over when the 3 lives are gone; reward = action + (1 on every third frame)."""

    H, W = 42, 32

    def __init__(self):
        self.observation_space = Box(0, 255, (self.H, self.W, 3), np.uint8)
        self.action_space = Discrete(3)
        self._frameskip = 1
        self.ale = FakeALE(self)

    def get_action_meanings(self):
        return ["NOOP", "FIRE", "LEFT"]

    def make_frame(self, t, a):
        return lcg_bytes(t * 1000 + a * 7 + 1, self.H * self.W * 3).reshape(self.H, self.W, 3)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.t, self.lives = 0, 3
        self.frame = self.make_frame(0, 0)
        return self.frame.copy(), {"lives": self.lives}

    def step(self, a):
        a = int(a)
        self.t += 1
        self.frame = self.make_frame(self.t, a)
        if self.t % 5 == 0:
            self.lives -= 1
        reward = float(a) + (1.0 if self.t % 3 == 0 else 0.0)
        return self.frame.copy(), reward, self.lives == 0, False, {"lives": self.lives}


ATARI_ACTIONS = [1, 2, 0, 1, 2, 1, 1, 2]


def flat(obs):
    obs = np.asarray(obs)
    values = obs.reshape(-1).tolist()
    # Scaled observations are float32 k/255: 7 decimals keep them exact to 1e-7 in half the bytes.
    return [round(v, 7) for v in values] if obs.dtype == np.float32 else values


def atari_cases():
    configs = [
        dict(noop_max=1, frame_skip=4, screen_size=16),
        dict(noop_max=0, frame_skip=3, screen_size=16, terminal_on_life_loss=True,
             grayscale_obs=False, scale_obs=True),
        dict(noop_max=0, frame_skip=1, screen_size=12, grayscale_newaxis=True),
    ]
    cases = []
    for config in configs:
        env = AtariPreprocessing(FakeAtari(), **config)
        obs, _ = env.reset(seed=0)
        record = {"config": config, "reset": flat(obs),
                  "shape": list(np.asarray(obs).shape), "steps": []}
        for a in ATARI_ACTIONS:
            obs, reward, terminated, truncated, info = env.step(a)
            record["steps"].append({"action": a, "observation": flat(obs),
                                    "reward": float(reward), "terminated": bool(terminated),
                                    "truncated": bool(truncated), "lives": int(info["lives"])})
            if terminated or truncated:
                obs, _ = env.reset()
                record["steps"][-1]["reset"] = flat(obs)
        cases.append(record)
    return cases


class Wavy(gym.Env):
    """obs_t = [sin(t), 0.5 t, (t mod 3) - 1]; reward = cos(t) + 0.1 t; terminates every 7 steps."""

    def __init__(self):
        self.observation_space = Box(-np.inf, np.inf, (3,), np.float32)
        self.action_space = Discrete(2)

    def obs(self):
        t = self.t
        return np.array([math.sin(t), 0.5 * t, (t % 3) - 1], dtype=np.float32)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.t = 0
        return self.obs(), {}

    def step(self, a):
        self.t += 1
        return self.obs(), math.cos(self.t) + 0.1 * self.t, self.t % 7 == 0, False, {}


def normalize_case():
    obs_env = NormalizeObservation(Wavy())
    rew_env = NormalizeReward(Wavy(), gamma=0.99)
    observations, rewards = [], []
    o, _ = obs_env.reset(seed=0)
    rew_env.reset(seed=0)
    observations.append(o.tolist())
    for i in range(30):
        if i == 20:
            obs_env.update_running_mean = False
            rew_env.update_running_mean = False
        o, _, term, _, _ = obs_env.step(0)
        _, r, _, _, _ = rew_env.step(0)
        observations.append(o.tolist())
        rewards.append(float(r))
        if term:
            o, _ = obs_env.reset()
            rew_env.reset()
            observations.append(o.tolist())
    return {"observations": observations, "rewards": rewards,
            "obs_mean": obs_env.obs_rms.mean.tolist(), "obs_var": obs_env.obs_rms.var.tolist(),
            "obs_count": obs_env.obs_rms.count, "return_mean": float(rew_env.return_rms.mean),
            "return_var": float(rew_env.return_rms.var), "return_count": rew_env.return_rms.count}


if __name__ == "__main__":
    data = {"gymnasium": gym.__version__, "opencv": cv2.__version__,
            "resize": resize_cases(), "atari": atari_cases(), "normalize": normalize_case()}
    with open(OUT, "w") as f:
        json.dump(data, f, separators=(",", ":"))
    print("wrote", OUT, os.path.getsize(OUT), "bytes")
