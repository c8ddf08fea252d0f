"""PyTorch side of `swiftrl bench core` (d): forward + backward of the Nature-DQN CNN
(84x84x4 input, conv 32@8x8/4, 64@4x4/2, 64@3x3/1, dense 512, ReLU) on a batch of 32,
loss = mean of the 512 features, the same work SwiftRL times. Prints one JSON line.

  python torch_nature_cnn.py --threads 2
"""
import argparse
import json
import statistics
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--iterations", type=int, default=10)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()

    import torch
    import torch.nn as nn

    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    net = nn.Sequential(
        nn.Conv2d(4, 32, 8, stride=4), nn.ReLU(),
        nn.Conv2d(32, 64, 4, stride=2), nn.ReLU(),
        nn.Conv2d(64, 64, 3, stride=1), nn.ReLU(),
        nn.Flatten(), nn.Linear(3136, 512), nn.ReLU(),
    )
    x = torch.randn(32, 4, 84, 84)

    def step():
        net.zero_grad(set_to_none=True)
        net(x).mean().backward()

    for _ in range(5):
        step()
    runs, cpu_runs = [], []
    for _ in range(args.reps):
        c0, t0 = time.process_time(), time.perf_counter()
        for _ in range(args.iterations):
            step()
        runs.append((time.perf_counter() - t0) / args.iterations * 1e3)
        cpu_runs.append((time.process_time() - c0) / args.iterations * 1e3)
    print(json.dumps({
        "bench": "torch_nature_cnn_fwd_bwd", "batch": 32, "torch_threads": torch.get_num_threads(),
        "ms_runs": [round(v, 2) for v in runs], "ms_median": round(statistics.median(runs), 2),
        "cpu_ms_median": round(statistics.median(cpu_runs), 2), "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()
