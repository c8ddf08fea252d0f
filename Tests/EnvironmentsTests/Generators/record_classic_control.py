"""Records Gymnasium's classic-control trajectories for ClassicControlTests.swift.

For each of CartPole-v0, CartPole-v1, MountainCar-v0, MountainCarContinuous-v0, Acrobot-v1
and Pendulum-v1, writes Fixtures/classic_control_<id>.json with about twenty episodes. Each
episode is made with `gymnasium.make(id, **kwargs)` (so the TimeLimit applies), reset with
a seed, and then given an explicit initial state through `env.unwrapped.state` (our reset
draws from a different generator, so the tests start from the same state by `setState`).
Start states come from seeded resets (with default and widened bounds) and from hand-picked
states near the termination boundaries, walls, velocity bounds and angle wrap-arounds.
Actions are random or scripted (constant, alternating, energy pumping, a stabilising
controller that reaches the time limit).

Every action is recorded; per-step records (observation, reward, terminated, truncated)
are kept for the first HEAD steps and the last TAIL steps of each episode, which keeps
the files small while still checking the flags of episodes that reach the time limit.
Observations are Gymnasium's float32 values written in their shortest round-trip form;
rewards are exact float64 values. Continuous actions are multiples of 1/4096, exact in
both float32 and decimal.

Run from anywhere with a Python that has gymnasium installed:

    python Tests/EnvironmentsTests/Generators/record_classic_control.py
"""

import json
import math
import os

import gymnasium as gym
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "Fixtures")
HEAD = 50
TAIL = 5


def f32(x):
    """A float32 value as the shortest decimal that reads back to it."""
    return float(str(np.float32(x)))


def continuous_action(value):
    return np.array([np.float32(round(float(value) * 4096) / 4096)], dtype=np.float32)


def run_episode(env_id, kwargs, options, seed, reset_options, initial_state, policy, limit):
    """Runs one episode; `policy(observation, step, rng)` gives the action."""
    kwargs = dict(kwargs)
    # CartPoleEnv takes the integrator as an attribute, not a constructor argument.
    integrator = kwargs.pop("kinematics_integrator", None)
    env = gym.make(env_id, **kwargs)
    if integrator is not None:
        env.unwrapped.kinematics_integrator = integrator
    env.reset(seed=seed, options=reset_options)
    unwrapped = env.unwrapped
    if initial_state is None:
        initial_state = [float(v) for v in np.asarray(unwrapped.state, dtype=np.float64)]
    unwrapped.state = np.array(initial_state, dtype=np.float64)
    if hasattr(unwrapped, "_get_obs"):
        observation = unwrapped._get_obs()
    elif hasattr(unwrapped, "_get_ob"):
        observation = unwrapped._get_ob()
    else:
        observation = np.array(initial_state, dtype=np.float32)
    rng = np.random.default_rng(seed + 1000)
    actions, steps = [], []
    t = 0
    while True:
        action = policy(observation, t, rng)
        observation, reward, terminated, truncated, _ = env.step(action)
        actions.append(int(action) if np.ndim(action) == 0 else float(action[0]))
        steps.append((t, [f32(v) for v in np.asarray(observation)], float(reward), bool(terminated), bool(truncated)))
        t += 1
        if terminated or truncated or t >= limit:
            break
    env.close()
    kept = [s for s in steps if s[0] < HEAD or s[0] >= len(steps) - TAIL]
    return {
        "options": options,
        "initial_state": initial_state,
        "actions": actions,
        "steps": [s[0] for s in kept],
        "observations": [s[1] for s in kept],
        "rewards": [s[2] for s in kept],
        "terminated": [s[3] for s in kept],
        "truncated": [s[4] for s in kept],
        "length": len(steps),
    }


# Policies: functions of (observation, step, rng).
def random_discrete(n):
    return lambda o, t, rng: int(rng.integers(n))


def constant(a):
    return lambda o, t, rng: a


def alternating(period, n=2):
    return lambda o, t, rng: (t // period) % n


def random_continuous(bound):
    return lambda o, t, rng: continuous_action(rng.uniform(-bound, bound))


def constant_continuous(a):
    return lambda o, t, rng: continuous_action(a)


def cartpole_leaning(o, t, rng):
    return 0 if o[2] < 0 else 1


def cartpole_stabilising(o, t, rng):
    x, x_dot, theta, theta_dot = o
    return int(theta + 0.5 * theta_dot + 0.05 * x + 0.2 * x_dot > 0)


def mountain_car_pumping(o, t, rng):
    return 2 if o[1] >= 0 else 0


def mountain_car_continuous_pumping(scale):
    return lambda o, t, rng: continuous_action(scale if o[1] >= 0 else -scale)


def acrobot_pumping(o, t, rng):
    # Torque along the elbow's motion pumps energy in; the tip clears the line in ~100 steps.
    return 2 if o[5] >= 0 else 0


def acrobot_against_shoulder(o, t, rng):
    return 0 if o[4] >= 0 else 2


def pendulum_swing(o, t, rng):
    # Push along the angular velocity, saturating: swings the pendulum up.
    return continuous_action(2.0 if o[2] >= 0 else -2.0)


def cartpole_episodes(env_id, limit_steps):
    kwargs_sb = {"sutton_barto_reward": True}
    options_sb = {"sutton_barto_reward": "true"}
    semi = {"kinematics_integrator": "semi-implicit euler"}
    episodes = []
    for seed in range(6):
        episodes.append(((env_id, {}, {}, seed, None, None, random_discrete(2), 200)))
    episodes += [
        (env_id, {}, {}, 10, {"low": -0.2, "high": 0.2}, None, random_discrete(2), 200),
        (env_id, {}, {}, 11, {"low": -0.2, "high": 0.2}, None, cartpole_leaning, 200),
        (env_id, {}, {}, 12, None, None, cartpole_leaning, 200),
        (env_id, {}, {}, 13, None, None, constant(0), 200),
        (env_id, {}, {}, 14, None, None, constant(1), 200),
        (env_id, {}, {}, 15, None, None, alternating(3), 200),
        (env_id, {}, {}, 16, None, [2.39, 0.5, 0.0, 0.0], constant(1), 200),
        (env_id, {}, {}, 17, None, [-2.395, -0.2, 0.01, 0.1], random_discrete(2), 200),
        (env_id, {}, {}, 18, None, [0.0, 0.0, 0.2, 0.3], constant(0), 200),
        (env_id, {}, {}, 19, None, [0.1, -0.3, -0.209, -0.01], random_discrete(2), 200),
        (env_id, {}, {}, 20, None, [1.0, 1.5, -0.1, 1.0], cartpole_stabilising, 200),
        (env_id, kwargs_sb, options_sb, 21, None, None, random_discrete(2), 200),
        (env_id, {}, {}, 22, None, None, cartpole_stabilising, limit_steps + 1),
        (env_id, kwargs_sb, options_sb, 23, None, None, cartpole_stabilising, limit_steps + 1),
    ]
    if env_id == "CartPole-v1":
        episodes.append((env_id, semi, semi, 24, None, None, random_discrete(2), 200))
        episodes.append((env_id, semi, semi, 25, None, None, cartpole_stabilising, limit_steps + 1))
    return episodes


def mountain_car_episodes():
    e = "MountainCar-v0"
    gv = {"goal_velocity": 0.02}
    gv_options = {"goal_velocity": "0.02"}
    episodes = [(e, {}, {}, seed, None, None, random_discrete(3), 201) for seed in range(6)]
    episodes += [
        (e, {}, {}, 10, None, None, mountain_car_pumping, 201),
        (e, {}, {}, 11, {"low": -1.0, "high": 0.0}, None, mountain_car_pumping, 201),
        (e, {}, {}, 12, None, None, constant(1), 201),
        (e, {}, {}, 13, None, None, alternating(15, 3), 201),
        (e, {}, {}, 14, None, [0.49, 0.01], constant(2), 201),
        (e, {}, {}, 15, None, [0.499, 0.0009], constant(1), 201),
        (e, {}, {}, 16, None, [-1.19, -0.05], constant(0), 201),
        (e, {}, {}, 17, None, [-1.2, 0.0], random_discrete(3), 201),
        (e, {}, {}, 18, None, [0.0, 0.069], constant(2), 201),
        (e, {}, {}, 19, None, [-0.3, -0.0699], constant(0), 201),
        (e, gv, gv_options, 20, None, None, mountain_car_pumping, 201),
        (e, gv, gv_options, 21, None, [0.45, 0.03], constant(2), 201),
        (e, {}, {}, 22, None, None, random_discrete(3), 201),
    ]
    return episodes


def mountain_car_continuous_episodes():
    e = "MountainCarContinuous-v0"
    gv = {"goal_velocity": 0.02}
    gv_options = {"goal_velocity": "0.02"}
    episodes = [(e, {}, {}, seed, None, None, random_continuous(1.0), 200) for seed in range(5)]
    episodes += [
        (e, {}, {}, 10, None, None, mountain_car_continuous_pumping(1.0), 1000),
        (e, {}, {}, 11, None, None, mountain_car_continuous_pumping(0.75), 1000),
        (e, {}, {}, 12, {"low": -1.0, "high": 0.0}, None, mountain_car_continuous_pumping(0.5), 1000),
        (e, {}, {}, 13, None, None, constant_continuous(0.0), 1000),
        (e, {}, {}, 14, None, [0.44, 0.01], constant_continuous(1.0), 1000),
        (e, {}, {}, 15, None, [0.449, 0.0009], constant_continuous(0.0), 1000),
        (e, {}, {}, 16, None, [-1.19, -0.05], constant_continuous(-1.0), 200),
        (e, {}, {}, 17, None, [-1.2, 0.0], random_continuous(1.0), 200),
        (e, {}, {}, 18, None, [0.0, 0.069], constant_continuous(1.0), 200),
        (e, {}, {}, 19, None, [-0.3, -0.0699], constant_continuous(-1.0), 200),
        (e, gv, gv_options, 20, None, None, mountain_car_continuous_pumping(1.0), 1000),
        (e, {}, {}, 21, None, None, random_continuous(0.3), 1000),
    ]
    return episodes


def acrobot_episodes():
    e = "Acrobot-v1"
    episodes = [(e, {}, {}, seed, None, None, random_discrete(3), 200) for seed in range(6)]
    episodes += [
        (e, {}, {}, 10, None, None, acrobot_pumping, 501),
        (e, {}, {}, 11, {"low": -1.0, "high": 1.0}, None, acrobot_pumping, 501),
        (e, {}, {}, 12, None, None, constant(1), 501),
        (e, {}, {}, 13, None, None, alternating(4, 3), 501),
        (e, {}, {}, 20, None, None, acrobot_against_shoulder, 501),
        (e, {}, {}, 14, None, [3.1, 0.05, 0.5, -0.5], random_discrete(3), 200),
        (e, {}, {}, 15, None, [-3.14, 3.14, 12.5, -28.0], random_discrete(3), 200),
        (e, {}, {}, 16, None, [2.0, 1.0, 0.0, 0.0], constant(2), 200),
        (e, {}, {}, 17, None, [0.0, 0.0, 12.56, 28.27], constant(0), 200),
        (e, {}, {}, 18, None, [1.5, -1.5, -5.0, 5.0], acrobot_pumping, 200),
        (e, {}, {}, 19, None, [0.3, 0.0, 0.0, 0.0], constant(1), 501),
    ]
    return episodes


def pendulum_episodes():
    e = "Pendulum-v1"
    g = {"g": 9.81}
    g_options = {"g": "9.81"}
    episodes = [(e, {}, {}, seed, None, None, random_continuous(2.0), 201) for seed in range(6)]
    episodes += [
        (e, {}, {}, 10, {"x_init": 0.5, "y_init": 0.1}, None, random_continuous(2.0), 201),
        (e, {}, {}, 11, None, None, pendulum_swing, 201),
        (e, {}, {}, 12, None, None, constant_continuous(0.0), 201),
        (e, {}, {}, 13, None, None, constant_continuous(2.0), 201),
        (e, {}, {}, 14, None, [math.pi, 0.0], constant_continuous(-2.0), 201),
        (e, {}, {}, 15, None, [-math.pi, 7.9], pendulum_swing, 201),
        (e, {}, {}, 16, None, [20.0, -8.0], random_continuous(2.0), 201),
        (e, {}, {}, 17, None, [0.0, 0.0], constant_continuous(0.25), 201),
        (e, {}, {}, 18, None, [3.0, 0.5], pendulum_swing, 201),
        (e, g, g_options, 19, None, None, random_continuous(2.0), 201),
        (e, g, g_options, 20, None, [2.0, -1.0], pendulum_swing, 201),
    ]
    return episodes


def main():
    suites = {
        "CartPole-v0": cartpole_episodes("CartPole-v0", 200),
        "CartPole-v1": cartpole_episodes("CartPole-v1", 500),
        "MountainCar-v0": mountain_car_episodes(),
        "MountainCarContinuous-v0": mountain_car_continuous_episodes(),
        "Acrobot-v1": acrobot_episodes(),
        "Pendulum-v1": pendulum_episodes(),
    }
    for env_id, cases in suites.items():
        episodes = [run_episode(*case) for case in cases]
        document = {
            "id": env_id,
            "gymnasium_version": gym.__version__,
            "numpy_version": np.__version__,
            "head": HEAD,
            "tail": TAIL,
            "episodes": episodes,
        }
        path = os.path.join(FIXTURES, f"classic_control_{env_id}.json")
        with open(path, "w") as f:
            json.dump(document, f, separators=(",", ":"))
            f.write("\n")
        ends = [("T" if ep["terminated"][-1] else "") + ("t" if ep["truncated"][-1] else "") or "-" for ep in episodes]
        print(f"{env_id}: {len(episodes)} episodes, lengths {[ep['length'] for ep in episodes]}, "
              f"ends {ends}, {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
