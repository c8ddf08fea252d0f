#!/usr/bin/env bash
# Runs `swiftrl bench dqn` (RL Zoo CartPole DQN and the textbook DQN) and the peers' anchor
# scripts back to back on this machine: shared/anchors/sb3_cartpole.py --algo dqn (Stable-
# Baselines3, same settings, 50k steps) and dqn_cartpole_tf2.py (the book's TensorFlow 2
# code, 600 episodes; 6-8 minutes a seed, so one seed by default). Prints the wall-clock
# ratios measured in this sitting. Run on an otherwise idle machine.
# PYTHON needs stable-baselines3 and gymnasium, PYTHON_TF tensorflow-cpu 2.15 (see
# shared/anchors/README.md); a peer whose Python is missing is skipped with a message.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-/tmp/venv-torch/bin/python}
PYTHON_TF=${PYTHON_TF:-/tmp/venv-tf/bin/python}
ANCHORS=${ANCHORS:-../shared/anchors}
OUT=${OUT:-bench-results/dqn-$(date +%Y%m%d-%H%M%S)}
SEEDS=${SEEDS:-1,2,3,4,5}
SB3_SEEDS=${SB3_SEEDS:-0 1 2}
TF_SEEDS=${TF_SEEDS:-0}

mkdir -p "$OUT"
swift build -c release --product swiftrl >/dev/null
.build/release/swiftrl bench dqn --workloads rlzoo,textbook --seeds "$SEEDS" | tee "$OUT/swiftrl.jsonl"
: > "$OUT/peers.jsonl"
if "$PYTHON" -c "import stable_baselines3" 2>/dev/null; then
    for seed in $SB3_SEEDS; do
        "$PYTHON" "$ANCHORS/sb3_cartpole.py" --algo dqn --seed "$seed" | tail -n 1 | tee -a "$OUT/peers.jsonl"
    done
else
    echo "skipping Stable-Baselines3: $PYTHON cannot import stable_baselines3 (see $ANCHORS/README.md)" >&2
fi
if "$PYTHON_TF" -c "import tensorflow" 2>/dev/null; then
    for seed in $TF_SEEDS; do
        "$PYTHON_TF" "$ANCHORS/dqn_cartpole_tf2.py" --seed "$seed" | tail -n 1 | tee -a "$OUT/peers.jsonl"
    done
else
    echo "skipping TensorFlow 2: $PYTHON_TF cannot import tensorflow (see $ANCHORS/README.md)" >&2
fi

python3 - "$OUT/swiftrl.jsonl" "$OUT/peers.jsonl" <<'PY' | tee "$OUT/ratios.md"
import json, statistics, sys

def lines(path):
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip().startswith("{")]

ours, peers = lines(sys.argv[1]), lines(sys.argv[2])
def summary(name):
    return next((o for o in ours if o["bench"] == name), None)

print("| workload | SwiftRL wall s (median) | peer | peer wall s (median, runs) | speed-up |")
print("|---|---|---|---|---|")
rl = summary("dqn_rlzoo_cartpole_summary")
sb3 = [p["learn_wall_s"] for p in peers if p.get("bench") == "sb3_train" and p.get("algo") == "dqn"]
if rl and sb3:
    m = statistics.median(sb3)
    print(f"| DQN CartPole-v1, RL Zoo settings, 50k steps | {rl['train_wall_s_median']:.2f} | Stable-Baselines3 | {m:.1f} ({len(sb3)}) | {m / rl['train_wall_s_median']:.1f}x |")
    ours_updates = sorted({o["gradient_updates"] for o in ours if o["bench"] == "dqn_rlzoo_cartpole"})
    peer_updates = sorted({p["grad_steps"] for p in peers if p.get("bench") == "sb3_train" and p.get("algo") == "dqn"})
    print(f"\ngradient updates per run: SwiftRL {ours_updates}, Stable-Baselines3 {peer_updates}")
tb = summary("dqn_textbook_summary")
tf = [p["train_wall_s"] for p in peers if p.get("anchor") == "dqn_cartpole_tf2_geron"]
if tb and tf:
    m = statistics.median(tf)
    print(f"| DQN textbook, 600 episodes | {tb['train_wall_s_median']:.2f} | TensorFlow 2 | {m:.0f} ({len(tf)}) | {m / tb['train_wall_s_median']:.0f}x |")
PY
