#!/usr/bin/env bash
# W3 (784-1024x3-10, ReLU, Adam, batch 256) trained by 1 process and by 2 processes under Open
# MPI's mpirun, each process with one BLAS thread and no helper thread, alternating, ROUNDS times
# (default 3); prints the CPU and BLAS kernel, steps per second of each and the scaling
# efficiency (speed-up / processes). Needs Debian's openmpi-bin.
# Usage, from the repository root: benchmarks/data_parallel.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
swift build -c release --product gradguard >/dev/null
G=.build/release/gradguard
export OPENBLAS_NUM_THREADS=1 GRADGUARD_HELPER_THREAD=0 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
$G version | sed -n 2p | sed 's/, [0-9]* threads/, 1 thread per process/'
rate() { grep -oE '[0-9.]+ steps/s' | cut -d' ' -f1; }
one="" two=""
for round in $(seq "$rounds"); do
    one+=" $($G bench mlp --steps 10 --repeats 3 | rate)"
    two+=" $(mpirun --oversubscribe --bind-to none -np 2 $G bench mlp --steps 10 --repeats 3 | rate)"
    echo "round $round of $rounds done" >&2
done
python3 - "$one" "$two" <<'PY'
import statistics, sys
one, two = (statistics.median(map(float, s.split())) for s in sys.argv[1:3])
print(f"W3 data parallel: 1 process {one:.2f} steps/s, 2 processes {two:.2f} steps/s, "
      f"speed-up {two / one:.2f}x, efficiency {two / one / 2:.0%}")
PY
