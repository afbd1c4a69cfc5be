#!/usr/bin/env bash
# W3 (784-1024x3-10, ReLU, Adam, batch 256) trained by 1 process and by 2 processes under Open
# MPI's mpirun, each process with one BLAS thread and no helper thread, alternating, ROUNDS times
# (default 3); prints the CPU and BLAS kernel, steps per second of each and the scaling
# efficiency (speed-up / processes). Then the built-in doctor's wall time: one process with its
# default threads against 2 processes of one thread each, and (each round) how far two cores
# scale here at all (`gradguard bench cores`). Needs Debian's openmpi-bin.
# Usage, from the repository root: benchmarks/data_parallel.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
swift build -c release --product gradguard >/dev/null
G=.build/release/gradguard
export OPENBLAS_NUM_THREADS=1 GRADGUARD_HELPER_THREAD=0 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
$G version | sed -n 2p | sed 's/, [0-9]* threads/, 1 thread per process/'
rate() { grep -oE '[0-9.]+ steps/s' | cut -d' ' -f1; }
timer='import subprocess, sys, time; t = time.time(); subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); print(time.time() - t)'
one="" two="" d1="" d2="" cores=""
for round in $(seq "$rounds"); do
    cores+=" $(env -u GRADGUARD_HELPER_THREAD $G bench cores --repeats 5 | grep -oE 'compute \(FMA chains\) [0-9.]+' | grep -oE '[0-9.]+$')"
    one+=" $($G bench mlp --steps 10 --repeats 3 | rate)"
    two+=" $(mpirun --oversubscribe --bind-to none -np 2 $G bench mlp --steps 10 --repeats 3 | rate)"
    d1+=" $(env -u OPENBLAS_NUM_THREADS -u GRADGUARD_HELPER_THREAD python3 -c "$timer" $G doctor --no-save --budget 100000)"
    d2+=" $(python3 -c "$timer" mpirun --oversubscribe --bind-to none -np 2 $G doctor --no-save --budget 100000)"
    echo "round $round of $rounds done" >&2
done
python3 - "$one" "$two" "$d1" "$d2" "$cores" <<'PY'
import statistics, sys
one, two, d1, d2, cores = (statistics.median(map(float, s.split())) for s in sys.argv[1:6])
print(f"two cores against one in the same minutes (gradguard bench cores, FMA chains): {cores:.2f}x, the ceiling")
print(f"W3 data parallel: 1 process {one:.2f} steps/s, 2 processes {two:.2f} steps/s, "
      f"speed-up {two / one:.2f}x, efficiency {two / one / 2:.0%}")
print(f"doctor (built-in example): 1 process {d1:.1f} s, 2 processes {d2:.1f} s, speed-up {d1 / d2:.2f}x")
PY
