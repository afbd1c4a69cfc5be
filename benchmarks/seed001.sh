#!/usr/bin/env bash
# Seed 001's workload in GradGuard and in PyTorch, one after the other in one run; prints the ratio.
# Needs `pip install torch` (dev-time only). Run from the repository root.
set -euo pipefail
swift build -c release --product gradguard >/dev/null
gg=$(.build/release/gradguard bench seed001)
pt=$(python3 benchmarks/seed001_pytorch.py)
echo "$gg"
echo "$pt"
g=$(echo "$gg" | sed -E 's/.*: ([0-9.]+) ms.*/\1/')
p=$(echo "$pt" | sed -E 's/.*: ([0-9.]+) ms.*/\1/')
python3 -c "print(f'PyTorch / GradGuard time ratio: {float($p) / float($g):.1f}x (GradGuard faster when > 1)')"
