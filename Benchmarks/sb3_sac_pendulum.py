"""Stable-Baselines3's SAC on Pendulum-v1 with RL Zoo's settings (one seed per run, one JSON line).

  /tmp/venv-torch/bin/python Benchmarks/sb3_sac_pendulum.py --seed 0 [--threads 1] [--timesteps 20000]

The peer of `swiftrl bench sac`: rl-baselines3-zoo hyperparams/sac.yml for Pendulum-v1
(n_timesteps 20000, learning_rate 1e-3, everything else SB3's defaults: buffer 1e6,
learning_starts 100, batch 256, tau 0.005, gamma 0.99, train_freq 1, gradient_steps 1,
ent_coef 'auto', target_entropy 'auto', net_arch [256, 256]). Environment through
make_vec_env (DummyVecEnv + Monitor), as RL Zoo builds it; device 'cpu'.
Timing: wall clock of model.learn() only. Evaluation: evaluate_policy, 10 episodes,
deterministic=True, on a fresh environment seeded seed + 1000.
torch.set_num_threads(--threads, default 1) for a single-core comparison; set
SWIFTRL_THREADS=1 on the SwiftRL side to match.
"""
import argparse
import json
import os
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("--seed", type=int, default=0)
ap.add_argument("--timesteps", type=int, default=20_000)
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--eval-episodes", type=int, default=10)
args = ap.parse_args()

# Thread counts must be pinned before numpy and torch are imported.
for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[variable] = str(args.threads)

import gymnasium as gym  # noqa: E402
import numpy as np  # noqa: E402
import stable_baselines3  # noqa: E402
import torch as th  # noqa: E402
from stable_baselines3 import SAC  # noqa: E402
from stable_baselines3.common.env_util import make_vec_env  # noqa: E402
from stable_baselines3.common.evaluation import evaluate_policy  # noqa: E402
from stable_baselines3.common.monitor import Monitor  # noqa: E402


def main():
    th.set_num_threads(args.threads)
    env = make_vec_env("Pendulum-v1", n_envs=1, seed=args.seed)
    built = time.perf_counter()
    model = SAC("MlpPolicy", env, learning_rate=1e-3, seed=args.seed, device="cpu", verbose=0)
    start = time.perf_counter()
    model.learn(total_timesteps=args.timesteps)
    wall = time.perf_counter() - start
    eval_env = Monitor(gym.make("Pendulum-v1"))
    eval_env.reset(seed=args.seed + 1000)
    returns, _ = evaluate_policy(model, eval_env, n_eval_episodes=args.eval_episodes, deterministic=True,
                                 return_episode_rewards=True)
    print(json.dumps({
        "bench": "sb3_sac_pendulum",
        "seed": args.seed,
        "env_steps": int(model.num_timesteps),
        "gradient_steps": int(model._n_updates),
        "torch_threads": th.get_num_threads(),
        "construct_s": round(start - built, 3),
        "train_wall_s": round(wall, 2),
        "steps_per_s": round(model.num_timesteps / wall),
        f"eval_{args.eval_episodes}_episodes_mean_return": round(float(np.mean(returns)), 1),
        "final_alpha": round(float(th.exp(model.log_ent_coef.detach()).item()), 4),
        "versions": {"python": sys.version.split()[0], "torch": th.__version__, "gymnasium": gym.__version__,
                     "stable_baselines3": stable_baselines3.__version__, "numpy": np.__version__},
    }), flush=True)


if __name__ == "__main__":
    main()
