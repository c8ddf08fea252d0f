"""Reads `swiftrl bench core` and PyTorch JSON lines and prints a Markdown table of the
side-by-side figures with the speed-up (PyTorch time / SwiftRL time)."""
import json
import sys


def lines(path):
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip().startswith("{")]


def main():
    ours, torch = lines(sys.argv[1]), lines(sys.argv[2])
    rows = []
    for o in ours:
        if o["bench"] == "mlp_train_step":
            t = next((t for t in torch if t["bench"] == "torch_microbench" and t["hidden"] == o["hidden"]), None)
            if t:
                rows.append((f"MLP 4-{'-'.join(map(str, o['hidden']))}-2 train step, batch 64 (µs)",
                             o["us_median"], t["grad_step_us_median"]))
        elif o["bench"] == "mlp_forward_b1":
            t = next((t for t in torch if t["bench"] == "torch_microbench" and t["hidden"] == o["hidden"]), None)
            if t:
                rows.append((f"MLP 4-{'-'.join(map(str, o['hidden']))}-2 forward, batch 1 (µs)",
                             o["ns_median"] / 1000, t["fwd_b1_us_median"]))
        elif o["bench"] == "nature_cnn_fwd_bwd":
            t = next((t for t in torch if t["bench"] == "torch_nature_cnn_fwd_bwd"), None)
            if t:
                rows.append(("Nature-DQN CNN forward+backward, batch 32 (ms)", o["ms_median"], t["ms_median"]))
    print("| measurement | SwiftRL | PyTorch | speed-up |")
    print("|---|---|---|---|")
    for name, ours_value, torch_value in rows:
        print(f"| {name} | {ours_value:.3g} | {torch_value:.3g} | {torch_value / ours_value:.1f}x |")


if __name__ == "__main__":
    main()
