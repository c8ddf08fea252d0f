#!/usr/bin/env bash
# Runs `swiftrl bench envs` and the Python peers (shared/anchors/env_throughput.py:
# Gymnasium, its vectorised CartPole and SyncVectorEnv, MinAtar) back to back on this machine
# and prints the speed-ups (SwiftRL steps/s / peer steps/s). Ratios, not absolute figures,
# are what carry across machines; run on an otherwise idle machine.
# The 1,024-copy CartPole is compared with gymnax's jitted vmap: measured here when PYTHON_JAX
# can import jax and gymnax, otherwise the anchor figure GYMNAX_1024_SPS (13.3M steps/s,
# shared/anchors/README.md). Needs a Python with gymnasium (and minatar for Breakout): set
# PYTHON (default /tmp/venv-torch/bin/python, made as shared/anchors/README.md describes).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-/tmp/venv-torch/bin/python}
PYTHON_JAX=${PYTHON_JAX:-/tmp/venv-jax/bin/python}
ANCHORS=${ANCHORS:-../shared/anchors}
OUT=${OUT:-bench-results/envs-$(date +%Y%m%d-%H%M%S)}
REPETITIONS=${REPETITIONS:-5}
GYMNAX_1024_SPS=${GYMNAX_1024_SPS:-13300000}

if ! "$PYTHON" -c "import gymnasium" 2>/dev/null; then
    echo "error: $PYTHON cannot import gymnasium; create the venv described in $ANCHORS/README.md or set PYTHON" >&2
    exit 1
fi
mkdir -p "$OUT"
swift build -c release --product swiftrl >/dev/null
.build/release/swiftrl bench envs --repetitions "$REPETITIONS" | tee "$OUT/swiftrl.jsonl"

peer() { "$PYTHON" "$ANCHORS/env_throughput.py" --no-sample-variant --runs "$REPETITIONS" "$@" | tail -n 1 | tee -a "$OUT/peers.jsonl"; }
: > "$OUT/peers.jsonl"
for id in CartPole-v1 Acrobot-v1 MountainCar-v0 Pendulum-v1; do peer --env "gym:$id"; done
peer --env vec-native:CartPole-v1 --num-envs 8
peer --env vec-sync:CartPole-v1 --num-envs 8
if grep -q '"MinAtar/Breakout-v0"' "$OUT/swiftrl.jsonl" && "$PYTHON" -c "import minatar" 2>/dev/null; then
    peer --env minatar:breakout
fi
if [ -x "$PYTHON_JAX" ] && "$PYTHON_JAX" -c "import jax, gymnax" 2>/dev/null; then
    "$PYTHON_JAX" "$ANCHORS/gymnax_step_throughput.py" --envs 1024 | tail -n 1 | tee -a "$OUT/peers.jsonl"
fi

python3 - "$OUT/swiftrl.jsonl" "$OUT/peers.jsonl" "$GYMNAX_1024_SPS" <<'PY' | tee "$OUT/ratios.md"
import json, sys

def lines(path):
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip().startswith("{")]

ours, peers, gymnax_anchor = lines(sys.argv[1]), lines(sys.argv[2]), float(sys.argv[3])

def swift(env, kind, n, key):
    return next((o[key] for o in ours if o.get("env") == env and o.get("kind") == kind and o.get("num_envs") == n), None)

def peer(env, key):
    return next((p[key] for p in peers if p.get("env") == env), None)

gymnax = next((p["env_steps_per_s_median"] for p in peers if p.get("anchor") == "gymnax_vmap_step_throughput"), None)
gymnax_label = "gymnax vmap (measured)" if gymnax else "gymnax vmap (anchor figure)"
gymnax = gymnax or gymnax_anchor

rows = [
    ("CartPole-v1, one env", ("CartPole-v1", "single", 1), "Gymnasium", "gym:CartPole-v1"),
    ("CartPole-v1, 8 envs, VectorCartPole", ("CartPole-v1", "vector_cartpole", 8), "Gymnasium vectorised CartPole", "vec-native:CartPole-v1"),
    ("CartPole-v1, 8 envs, SyncVectorEnvironment", ("CartPole-v1", "sync_vector", 8), "Gymnasium SyncVectorEnv", "vec-sync:CartPole-v1"),
    ("CartPole-v1, 1024 envs, VectorCartPole", ("CartPole-v1", "vector_cartpole", 1024), gymnax_label, None),
    ("MinAtar Breakout, one env", ("MinAtar/Breakout-v0", "single", 1), "minatar", "minatar:breakout"),
    ("Acrobot-v1, one env", ("Acrobot-v1", "single", 1), "Gymnasium", "gym:Acrobot-v1"),
    ("MountainCar-v0, one env", ("MountainCar-v0", "single", 1), "Gymnasium", "gym:MountainCar-v0"),
    ("Pendulum-v1, one env", ("Pendulum-v1", "single", 1), "Gymnasium", "gym:Pendulum-v1"),
]
# Wall-clock steps/s, and steps per CPU-second (steadier when other processes share the
# cores; env_throughput.py reports both). gymnax has one figure for both.
print("| measurement | SwiftRL steps/s | peer | peer steps/s | speed-up | speed-up, CPU time |")
print("|---|---|---|---|---|---|")
for name, ours_key, peer_name, peer_env in rows:
    ours_wall, ours_cpu = swift(*ours_key, "sps_median"), swift(*ours_key, "cpu_sps_median")
    peer_wall = gymnax if peer_env is None else peer(peer_env, "sps_median")
    peer_cpu = gymnax if peer_env is None else peer(peer_env, "cpu_sps_median")
    if ours_wall is None or peer_wall is None:
        print(f"| {name} | {ours_wall or 'not measured'} | {peer_name} | {peer_wall or 'not measured'} | - | - |")
    else:
        print(f"| {name} | {ours_wall:,.0f} | {peer_name} | {peer_wall:,.0f} | {ours_wall / peer_wall:.1f}x | {ours_cpu / peer_cpu:.1f}x |")
PY
