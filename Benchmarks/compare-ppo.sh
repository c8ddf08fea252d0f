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

python3 - "$OUT/swiftrl.jsonl" "$OUT/peers.jsonl" <<'PY' | tee "$OUT/ratios.md"
import json, statistics, sys

def lines(path):
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip().startswith("{")]

ours, peers = lines(sys.argv[1]), lines(sys.argv[2])
def summary(name):
    return next((o for o in ours if o["bench"] == name), None)

print("| workload | SwiftRL wall s (median, range) | peer | peer wall s (median, range) | speed-up (median; worst to best) |")
print("|---|---|---|---|---|")
def row(label, ours_summary, peer_name, peer_times):
    if not ours_summary or not peer_times:
        return
    o, lo, hi = ours_summary["train_wall_s_median"], ours_summary["train_wall_s_min"], ours_summary["train_wall_s_max"]
    m = statistics.median(peer_times)
    print(f"| {label} | {o:.2f} ({lo:.2f}-{hi:.2f}) | {peer_name} | {m:.2f} ({min(peer_times):.2f}-{max(peer_times):.2f}) "
          f"| {m / o:.2f}x; {min(peer_times) / hi:.2f}-{max(peer_times) / lo:.2f}x |")
row("PPO CartPole-v1, RL Zoo settings, 100k steps", summary("ppo_rlzoo_summary"), "Stable-Baselines3 (1 thread)",
    [p["learn_wall_s"] for p in peers if p.get("bench") == "sb3_train" and p.get("algo") == "ppo"])
row("PPO CartPole-v1, PureJaxRL configuration, 500k steps", summary("ppo_purejaxrl_summary"), "JAX, jitted (run only)",
    [p["run_wall_s"] for p in peers if p.get("anchor") == "ppo_gymnax_cartpole_v1_purejaxrl"])
PY
