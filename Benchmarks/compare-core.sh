#!/usr/bin/env bash
# Runs `swiftrl bench core` and the PyTorch equivalents back to back on this machine and
# prints the ratios (peer time / SwiftRL time). Ratios, not absolute times, are what carry
# across machines. Needs a Python with torch: set PYTHON (default /tmp/venv-torch/bin/python,
# made as shared/anchors/README.md describes).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-/tmp/venv-torch/bin/python}
ANCHORS=${ANCHORS:-../shared/anchors}
OUT=${OUT:-bench-results/core-$(date +%Y%m%d-%H%M%S)}
THREADS=${THREADS:-2}

if ! "$PYTHON" -c "import torch" 2>/dev/null; then
    echo "error: $PYTHON cannot import torch; create the venv described in $ANCHORS/README.md or set PYTHON" >&2
    exit 1
fi
mkdir -p "$OUT"
swift build -c release --product swiftrl >/dev/null
.build/release/swiftrl bench core --repetitions 5 | tee "$OUT/swiftrl.jsonl"
for hidden in "64 64" "256 256"; do
    "$PYTHON" "$ANCHORS/torch_microbench.py" --hidden $hidden --no-sb3 --threads "$THREADS" | tail -n 1 | tee -a "$OUT/torch.jsonl"
done
"$PYTHON" Benchmarks/peers/torch_nature_cnn.py --threads "$THREADS" | tee -a "$OUT/torch.jsonl"
python3 Benchmarks/peers/ratios.py "$OUT/swiftrl.jsonl" "$OUT/torch.jsonl" | tee "$OUT/ratios.md"
