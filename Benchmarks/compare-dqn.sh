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

python3 Benchmarks/peers/agent_ratios.py dqn "$OUT/swiftrl.jsonl" "$OUT/peers.jsonl" | tee "$OUT/ratios.md"
