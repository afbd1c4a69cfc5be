#!/usr/bin/env bash
# W4 (LSTM) and W5 (tanh RNN) in GradGuard and in PyTorch, alternating in one run; prints the
# ratio per workload. Needs `pip install torch` (dev-time only). Run from the repository root.
set -euo pipefail
swift build -c release --product gradguard >/dev/null
ms() { sed -E 's/.*: ([0-9.]+) ms.*/\1/'; }
for workload in lstm rnn; do
    gg=$(.build/release/gradguard bench recurrent "$workload")
    pt=$(python3 benchmarks/recurrent_pytorch.py "$workload")
    echo "$gg"
    echo "$pt"
    g=$(echo "$gg" | ms)
    p=$(echo "$pt" | ms)
    python3 -c "print(f'  PyTorch / GradGuard time ratio: {float($p) / float($g):.2f}x (GradGuard faster when > 1)')"
done
