"""Records MinAtar trajectories and return statistics from the pip `minatar` package (1.0.15)
for MinAtarTests.swift.

    /tmp/venv-torch/bin/python Tests/EnvironmentsTests/Generators/record_minatar.py

Writes Tests/EnvironmentsTests/Fixtures/minatar_replays.json, minatar_streams.json and
minatar_statistics.json.

Replays (sticky actions off, so the only randomness left is Breakout's starting side, which
is recorded): every step's observation as the FNV-1a 32-bit hash of its 10*10*C bytes
(0/1, row-major), plus the full observation as hex bit-packing for the first episodes, the
reward and the terminal flag. Streams: every game under its defaults (sticky actions on) with the package drawing from a
port of our random generator (`SwiftRandom`), so they replay exactly. Statistics: episode returns and lengths under a uniformly
random policy with the package's defaults (sticky actions 0.1, difficulty ramping on).
"""
import json
import os

import numpy as np
import gymnasium as gym
from minatar.gym import register_envs

register_envs()
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Fixtures")


def fnv1a(obs):
    h = 0x811C9DC5
    for b in obs.astype(np.uint8).reshape(-1).tolist():
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def packed(obs):
    return np.packbits(obs.astype(np.uint8).reshape(-1)).tobytes().hex()


def tracking_breakout(game, rng):
    """Moves the paddle to where the ball will reach row 8 (ignoring bricks), with an
    occasional random action, so episodes last, walls get cleared and rebuilt."""
    env = game.env
    if rng.random() < 0.01:
        return int(rng.integers(6))
    x, y, d = env.ball_x, env.ball_y, env.ball_dir
    if d >= 2:
        dx = -1 if d == 3 else 1
        for _ in range(8 - y):
            x += dx
            if x < 0 or x > 9:
                x, dx = min(9, max(0, x)), -dx
    return 3 if env.pos < x else 1 if env.pos > x else 0


def hunting_invaders(game, rng):
    """Dodges bullets and aliens about to land, else moves under the nearest alien column
    and fires, so waves get cleared and the difficulty ramps."""
    env = game.env
    if rng.random() < 0.05:
        return int(rng.integers(6))
    p = env.pos

    def danger(c):
        return env.e_bullet_map[6:9, c].sum() > 0 or env.alien_map[8:10, c].sum() > 0

    if danger(p):
        for c in (p - 1, p + 1):
            if 0 <= c <= 9 and not danger(c):
                return 1 if c < p else 3
    columns = np.nonzero(env.alien_map.sum(axis=0))[0]
    target = columns[np.argmin(abs(columns - p))]
    if target == p or danger(p + (1 if target > p else -1)):
        return 5
    return 3 if target > p else 1


def diver_hunter(game, rng):
    """Seaquest: shoots what is ahead, dodges, collects divers and surfaces with six (or
    when oxygen runs low), so surfacing rewards, difficulty ramps and the package's
    negative diver count after a full surfacing all occur."""
    e = game.env
    if rng.random() < 0.03: return int(rng.integers(6))
    threats = e.e_fish + e.e_subs + e.e_bullets
    def unsafe(x, y):
        for m in threats:
            if m[1] == y and abs(m[0] - x) <= 2: return True
        return False
    if e.diver_count >= 6 or (e.oxygen < 40 and e.diver_count > 0):
        return 2 if not unsafe(e.sub_x, e.sub_y - 1) or e.sub_y == 1 else 0
    if e.sub_y == 0: return 4 if not unsafe(e.sub_x, 1) else 0
    for m in e.e_fish + e.e_subs:
        if m[1] == e.sub_y and ((m[0] > e.sub_x) == e.sub_or) and e.shot_timer == 0: return 5
    if unsafe(e.sub_x, e.sub_y):
        for a, (dx, dy) in ((2, (0, -1)), (4, (0, 1)), (1, (-1, 0)), (3, (1, 0))):
            x, y = e.sub_x + dx, e.sub_y + dy
            if 0 <= x <= 9 and 1 <= y <= 8 and not unsafe(x, y): return a
        for m in e.e_fish + e.e_subs:
            if m[1] == e.sub_y: return 3 if m[0] > e.sub_x else 1
    if e.divers:
        d = min(e.divers, key=lambda d: abs(d[0]-e.sub_x)+abs(d[1]-e.sub_y))
        if d[1] < e.sub_y and not unsafe(e.sub_x, e.sub_y - 1): return 2
        if d[1] > e.sub_y and not unsafe(e.sub_x, e.sub_y + 1): return 4
        if d[0] != e.sub_x: return 1 if d[0] < e.sub_x else 3
    return 0


def replay_policy(actions):
    """Plays back agent actions (given as their game actions, as `record` expects)."""
    steps = iter(actions)

    def policy(game, rng):
        return game_action_of[next(steps)]
    return policy


game_action_of = [0, 1, 3, 5]  # SpaceInvaders-v1's minimal action set


M64 = (1 << 64) - 1


def _rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M64


class SwiftRandom:
    """SwiftRL's `RandomGenerator` (xoshiro256++ seeded by SplitMix64; `uniformDouble` and
    Lemire's `int(below:)`) behind numpy RandomState's `rand` and `randint`. Put in place of
    the package's generator, it makes the package draw exactly what our environments draw,
    so even the games with random spawns, and sticky actions, replay step for step."""

    def __init__(self, seed):
        state, self.s = seed, []
        for _ in range(4):
            state = (state + 0x9E3779B97F4A7C15) & M64
            z = state
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
            self.s.append(z ^ (z >> 31))

    def next(self):
        s0, s1, s2, s3 = self.s
        result = (_rotl((s0 + s3) & M64, 23) + s0) & M64
        t = (s1 << 17) & M64
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        self.s = [s0, s1, s2, _rotl(s3, 45)]
        return result

    def bounded(self, n):
        product = self.next() * n
        if product & M64 < n:
            threshold = ((1 << 64) - n) % n
            while product & M64 < threshold:
                product = self.next() * n
        return product >> 64

    def rand(self, size=None):
        if size is None:
            return (self.next() >> 11) * 2.0 ** -53
        return np.array([self.rand() for _ in range(size)])

    def randint(self, low, high=None, size=None):
        if high is None:
            low, high = 0, low
        if size is None:
            return low + self.bounded(high - low)
        return np.array([self.randint(low, high) for _ in range(size)])


def record_stream(env_id, episodes, seed, fire=0.0, max_steps=3000, policy=None):
    """Episodes under the package's defaults (sticky actions 0.1, ramping on) with our
    generator in place of numpy's: reset with `seed` once, then continue."""
    env = gym.make(env_id).unwrapped
    random = SwiftRandom(seed)
    env.game.random = random
    env.game.env.random = random
    rng = np.random.default_rng(seed)
    out = {"id": env_id, "seed": seed, "episodes": []}
    for _ in range(episodes):
        env.game.reset()
        obs = env.game.state()
        episode = {"actions": [], "rewards": [], "hashes": [fnv1a(obs)], "terminated": False}
        for _ in range(max_steps):
            if policy is not None:
                a = env.action_set.index(policy(env.game, rng))
            else:
                a = 5 if rng.random() < fire else int(rng.integers(env.action_space.n))
            obs, r, term, _, _ = env.step(a)
            episode["actions"].append(a)
            episode["rewards"].append(int(r))
            episode["hashes"].append(fnv1a(obs))
            if term:
                episode["terminated"] = True
                break
        out["episodes"].append(episode)
    return out


def record(env_id, episodes, policy, seed, full_episodes, max_steps, ramping=True):
    env = gym.make(env_id, sticky_action_prob=0.0, difficulty_ramping=ramping).unwrapped
    rng = np.random.default_rng(seed)
    n = env.action_space.n
    out = []
    for e in range(episodes):
        obs, _ = env.reset(seed=seed * 1000 + e)
        inner = env.game.env
        record = {"id": env_id, "ramping": ramping, "actions": [], "rewards": [], "hashes": [fnv1a(obs)],
                  "terminated": False}
        if hasattr(inner, "ball_dir"):
            record["ball_x"], record["ball_dir"] = int(inner.ball_x), int(inner.ball_dir)
        if e < full_episodes:
            record["observations"] = [packed(obs)]
        for _ in range(max_steps):
            if policy is None:
                a = int(rng.integers(n))
            else:
                game_action = policy(env.game, rng)
                a = env.action_set.index(game_action) if game_action in env.action_set else 0
            obs, r, term, trunc, _ = env.step(a)
            record["actions"].append(a)
            record["rewards"].append(int(r))
            record["hashes"].append(fnv1a(obs))
            if e < full_episodes:
                record["observations"].append(packed(obs))
            if term:
                record["terminated"] = True
                break
        if hasattr(inner, "ramp_index"):
            record["ramp_index"] = int(inner.ramp_index)
        out.append(record)
    return out


def statistics(env_id, episodes, seed, action=None, fire=0.0):
    """Return statistics of a uniformly random policy, of always taking `action`, or of
    firing (action 5) with probability `fire` and else acting uniformly at random."""
    env = gym.make(env_id).unwrapped
    rng = np.random.default_rng(seed)
    returns, lengths = [], []
    for e in range(episodes):
        env.reset(seed=seed * 100000 + e)
        total, steps, done = 0.0, 0, False
        while not done:
            a = action if action is not None else 5 if rng.random() < fire else int(rng.integers(env.action_space.n))
            _, r, done, _, _ = env.step(a)
            total += r
            steps += 1
        returns.append(total)
        lengths.append(steps)
    return {"id": env_id, "action": action, "fire": fire, "episodes": episodes, "return_mean": float(np.mean(returns)),
            "return_std": float(np.std(returns)), "length_mean": float(np.mean(lengths)),
            "length_std": float(np.std(lengths))}


def main():
    replays = []
    replays += record("MinAtar/Breakout-v0", 60, None, 1, 3, 5000)
    replays += record("MinAtar/Breakout-v1", 20, None, 2, 0, 5000)
    replays += record("MinAtar/Breakout-v0", 6, tracking_breakout, 3, 0, 1500)
    replays += record("MinAtar/SpaceInvaders-v0", 10, None, 4, 1, 5000)
    replays += record("MinAtar/SpaceInvaders-v1", 4, hunting_invaders, 5, 0, 2000)
    # Ramping off: the actions of an episode that cleared a wave, replayed without ramping.
    cleared = next(r for r in replays if r.get("ramp_index", 0) > 0)
    replays += record(cleared["id"], 1, replay_policy(cleared["actions"]), 0, 0, len(cleared["actions"]), ramping=False)
    with open(os.path.join(OUT, "minatar_replays.json"), "w") as f:
        json.dump(replays, f, separators=(",", ":"))
    for r in replays:
        print(r["id"], "steps", len(r["actions"]), "return", sum(r["rewards"]), "terminated", r["terminated"],
              "ramp", r.get("ramp_index"))

    streams = [record_stream("MinAtar/Breakout-v0", 30, 21), record_stream("MinAtar/SpaceInvaders-v0", 10, 22),
               record_stream("MinAtar/Freeway-v1", 1, 23), record_stream("MinAtar/Asterix-v0", 30, 24),
               record_stream("MinAtar/Seaquest-v0", 30, 25, fire=0.5), record_stream("MinAtar/Seaquest-v1", 20, 26),
               record_stream("MinAtar/Seaquest-v0", 10, 5, policy=diver_hunter)]
    with open(os.path.join(OUT, "minatar_streams.json"), "w") as f:
        json.dump(streams, f, separators=(",", ":"))
    for stream in streams:
        print(stream["id"], "episodes", len(stream["episodes"]), "steps", sum(len(e["actions"]) for e in stream["episodes"]),
              "return", sum(sum(e["rewards"]) for e in stream["episodes"]))

    stats = [statistics("MinAtar/Breakout-v0", 2000, 7), statistics("MinAtar/SpaceInvaders-v0", 500, 8),
             statistics("MinAtar/Freeway-v0", 150, 9),
             statistics("MinAtar/Freeway-v0", 100, 12, action=2), statistics("MinAtar/Asterix-v0", 2000, 10),
             statistics("MinAtar/Seaquest-v0", 2000, 11),
             statistics("MinAtar/Seaquest-v0", 2000, 13, fire=0.5)]
    with open(os.path.join(OUT, "minatar_statistics.json"), "w") as f:
        json.dump(stats, f, indent=1)
    for s in stats:
        print(s)


if __name__ == "__main__":
    main()
