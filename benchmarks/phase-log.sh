#!/usr/bin/env bash
# The virtual machine's speed over time: every INTERVAL seconds (default 30) for SECONDS (default
# 1800), one line with W2's plain and monitored step time and the monitor's overhead
# (`gradguard bench monitor --pairs 100`, about ±2.5 points), PyTorch's W2 step right after, and
# the CPU time the hypervisor took from this VM meanwhile (steal, from /proc/stat, in ms). A
# shared VM moves between phases that last minutes (docs/performance.md, the Zen 3 sections):
# run this beside a session to see which phase a figure came from, or whether PyTorch slowed too.
# Needs `pip install torch`. Usage, from the repository root: benchmarks/phase-log.sh [SECONDS] [INTERVAL]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-1800}
interval=${2:-30}
swift build -c release --product gradguard >/dev/null
G=.build/release/gradguard
export OMP_NUM_THREADS=2 MKL_NUM_THREADS=2
steal() { awk '/^cpu /{print $9}' /proc/stat; }
tick_ms=$((1000 / $(getconf CLK_TCK)))
end=$(($(date +%s) + seconds))
while [ "$(date +%s)" -lt "$end" ]; do
    before=$(steal)
    monitor=$($G bench monitor --pairs 100 | grep -oE 'off: [0-9.]+|on \(every step\): [0-9.]+|overhead -?[0-9.]+%' \
        | grep -oE -- '-?[0-9.]+%?$' | paste -sd' ')
    torch=$(python3 benchmarks/workloads_pytorch.py w2 | grep -oE '[0-9.]+ ms/step' | cut -d' ' -f1)
    read -r plain monitored overhead <<<"$monitor"
    echo "$(date -u +%T) W2 GradGuard plain $plain ms, monitored $monitored ms ($overhead), PyTorch $torch ms, steal $((($(steal) - before) * tick_ms)) ms"
    sleep "$interval"
done
