"""Reads `swiftrl bench dqn` or `swiftrl bench a2c` JSON lines and the anchor scripts' lines
from the same sitting, and prints a Markdown table of wall-clock ratios (peer time / SwiftRL
time). Usage: agent_ratios.py dqn|ppo SWIFTRL.jsonl PEERS.jsonl"""
import json
import statistics
import sys


def lines(path):
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip().startswith("{")]


def row(label, ours, peer_name, peer_times):
    """One table row: our 5-seed summary against the peer's runs, with the median ratio and
    the slowest-against-fastest range."""
    if not ours or not peer_times:
        return
    o, lo, hi = ours["train_wall_s_median"], ours["train_wall_s_min"], ours["train_wall_s_max"]
    m = statistics.median(peer_times)
    print(f"| {label} | {o:.2f} ({lo:.2f}-{hi:.2f}) | {peer_name} | {m:.2f} ({min(peer_times):.2f}-{max(peer_times):.2f}, "
          f"{len(peer_times)} runs) | {m / o:.2f}x; {min(peer_times) / hi:.2f}-{max(peer_times) / lo:.2f}x |")


def sb3_times(peers, algo):
    return [p["learn_wall_s"] for p in peers if p.get("bench") == "sb3_train" and p.get("algo") == algo]


def main():
    kind, ours, peers = sys.argv[1], lines(sys.argv[2]), lines(sys.argv[3])
    summary = {o["bench"]: o for o in ours if o["bench"].endswith("_summary")}
    print("| workload | SwiftRL wall s (median, range) | peer | peer wall s (median, range) | speed-up (median; worst to best) |")
    print("|---|---|---|---|---|")
    if kind == "dqn":
        row("DQN CartPole-v1, RL Zoo settings, 50k steps", summary.get("dqn_rlzoo_cartpole_summary"), "Stable-Baselines3",
            sb3_times(peers, "dqn"))
        row("DQN textbook, 600 episodes", summary.get("dqn_textbook_summary"), "TensorFlow 2",
            [p["train_wall_s"] for p in peers if p.get("anchor") == "dqn_cartpole_tf2_geron"])
        ours_updates = sorted({o["gradient_updates"] for o in ours if o["bench"] == "dqn_rlzoo_cartpole"})
        peer_updates = sorted({p["grad_steps"] for p in peers if p.get("bench") == "sb3_train" and p.get("algo") == "dqn"})
        print(f"\ngradient updates per run: SwiftRL {ours_updates}, Stable-Baselines3 {peer_updates}")
    elif kind == "ppo":
        row("PPO CartPole-v1, RL Zoo settings, 100k steps", summary.get("ppo_rlzoo_summary"), "Stable-Baselines3 (1 thread)",
            sb3_times(peers, "ppo"))
        row("PPO CartPole-v1, PureJaxRL configuration, 500k steps", summary.get("ppo_purejaxrl_summary"),
            "JAX, jitted (run only)", [p["run_wall_s"] for p in peers if p.get("anchor") == "ppo_gymnax_cartpole_v1_purejaxrl"])
    else:
        sys.exit(f"agent_ratios.py: unknown kind {kind!r}; use dqn or ppo")


if __name__ == "__main__":
    main()
