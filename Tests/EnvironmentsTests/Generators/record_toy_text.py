"""Records Gymnasium's toy-text worlds for ToyTextTests.swift.

Writes Fixtures/toy_text_gymnasium.json: for FrozenLake and CliffWalking under several
options, the full transition table `env.unwrapped.P` (each outcome as
[probability, next_state, reward, terminated as 0/1]), the initial-state distribution,
and, for the deterministic (non-slippery) variants, rollouts of fixed action sequences
with every observation, reward, termination flag, `info["prob"]` and ANSI render.

Run from the repository root with a Python that has gymnasium installed:

    python Tests/EnvironmentsTests/Generators/record_toy_text.py
"""

import json
import os

import gymnasium as gym

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Fixtures", "toy_text_gymnasium.json")

# (id, our string options, Gymnasium kwargs, rollouts as action lists)
CASES = [
    ("FrozenLake-v1", {}, {}, []),
    ("FrozenLake-v1", {"is_slippery": "false"}, {"is_slippery": False},
     [[3, 2, 2, 1, 1, 1, 2], [1, 2], [0, 0, 3, 2, 1, 1, 2, 2, 3]]),
    ("FrozenLake8x8-v1", {}, {}, []),
    ("FrozenLake8x8-v1", {"is_slippery": "false"}, {"is_slippery": False},
     [[2] * 7 + [1] * 7, [1, 1, 2, 2, 2]]),
    ("FrozenLake-v1", {"map_name": "8x8", "success_rate": "0.75", "reward_schedule": "2,-1,0"},
     {"map_name": "8x8", "success_rate": 0.75, "reward_schedule": (2, -1, 0)}, []),
    ("FrozenLake-v1", {"desc": "SFH,FFG,HFF", "is_slippery": "false"},
     {"desc": ["SFH", "FFG", "HFF"], "is_slippery": False}, [[1, 2, 2], [2, 2]]),
    ("CliffWalking-v1", {}, {},
     [[0, 1, 1, 2, 1, 0, 3, 2], [0] + [1] * 11 + [2]]),
    ("CliffWalkingSlippery-v1", {}, {}, []),
]


def table(env):
    u = env.unwrapped
    n_states, n_actions = u.observation_space.n, u.action_space.n
    return [[[[float(p), int(s), float(r), 1 if t else 0] for (p, s, r, t) in u.P[s0][a]]
             for a in range(n_actions)] for s0 in range(n_states)]


def rollout(env_id, kwargs, actions):
    env = gym.make(env_id, render_mode="ansi", **kwargs)
    obs, info = env.reset(seed=0)
    record = {"actions": actions, "observations": [int(obs)], "rewards": [], "terminated": [],
              "probs": [float(info["prob"])], "renders": [env.render()]}
    for a in actions:
        obs, reward, terminated, truncated, info = env.step(a)
        record["observations"].append(int(obs))
        record["rewards"].append(float(reward))
        record["terminated"].append(bool(terminated))
        record["probs"].append(float(info["prob"]))
        record["renders"].append(env.render())
        if terminated or truncated:
            break
    return record


def main():
    cases = []
    for env_id, options, kwargs, rollouts in CASES:
        env = gym.make(env_id, **kwargs)
        u = env.unwrapped
        cases.append({
            "id": env_id,
            "options": options,
            "stateCount": int(u.observation_space.n),
            "actionCount": int(u.action_space.n),
            "initialStateDistribution": [float(x) for x in u.initial_state_distrib],
            "maxEpisodeSteps": env.spec.max_episode_steps,
            "rewardThreshold": env.spec.reward_threshold,
            "P": table(env),
            "rollouts": [rollout(env_id, kwargs, actions) for actions in rollouts],
        })
    with open(OUT, "w") as f:
        json.dump({"gymnasium": gym.__version__, "cases": cases}, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
