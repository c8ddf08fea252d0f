#!/usr/bin/env bash
# Runs `swiftrl bench a2c --workloads ppo,purejaxrl` and the peers' anchor scripts back to
# back on this machine: shared/anchors/sb3_cartpole.py --algo ppo (Stable-Baselines3, RL Zoo
# CartPole settings, 100k steps, one thread as RL Zoo's runs) and ppo_gymnax_purejaxrl.py
# (the PureJaxRL configuration, 4 envs x 128 steps, 500k steps, jitted JAX; its run time
# only, compile excluded). Prints the wall-clock ratios measured in this sitting. Run on an
# otherwise idle machine.
# PYTHON needs stable-baselines3 and gymnasium, PYTHON_JAX jax, gymnax, optax, flax, chex
# and distrax (see shared/anchors/README.md); a peer whose Python is missing is skipped
# with a message.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-/tmp/venv-torch/bin/python}
PYTHON_JAX=${PYTHON_JAX:-/tmp/venv-jax/bin/python}
ANCHORS=${ANCHORS:-../shared/anchors}
OUT=${OUT:-bench-results/ppo-$(date +%Y%m%d-%H%M%S)}
SEEDS=${SEEDS:-1,2,3,4,5}
SB3_SEEDS=${SB3_SEEDS:-0 1}
JAX_SEEDS=${JAX_SEEDS:-0 1 2 3 4}

mkdir -p "$OUT"
swift build -c release --product swiftrl >/dev/null
.build/release/swiftrl bench a2c --workloads ppo,purejaxrl --seeds "$SEEDS" | tee "$OUT/swiftrl.jsonl"
: > "$OUT/peers.jsonl"
if "$PYTHON" -c "import stable_baselines3" 2>/dev/null; then
    for seed in $SB3_SEEDS; do
        "$PYTHON" "$ANCHORS/sb3_cartpole.py" --algo ppo --threads 1 --seed "$seed" | tail -n 1 | tee -a "$OUT/peers.jsonl"
    done
else
    echo "skipping Stable-Baselines3: $PYTHON cannot import stable_baselines3 (see $ANCHORS/README.md)" >&2
fi
if "$PYTHON_JAX" -c "import gymnax, distrax" 2>/dev/null; then
    # shellcheck disable=SC2086
    "$PYTHON_JAX" "$ANCHORS/ppo_gymnax_purejaxrl.py" --seeds $JAX_SEEDS | grep '^{' | tee -a "$OUT/peers.jsonl"
else
    echo "skipping JAX: $PYTHON_JAX cannot import gymnax and distrax (see $ANCHORS/README.md)" >&2
fi

python3 Benchmarks/peers/agent_ratios.py ppo "$OUT/swiftrl.jsonl" "$OUT/peers.jsonl" | tee "$OUT/ratios.md"
