#!/usr/bin/env bash
# Where a monitored W2 step's extra time goes, measured inside the step: `perf record` samples
# `gradguard bench monitor` (plain and monitored steps alternating), each sample is given to the
# trainer whose step was running (the main thread's stack holds MonitorBenchmark.W2.firstSide or
# otherSide; a helper-thread sample goes to the step the main thread was in at that moment), and
# the script prints CPU µs per step for each function, plain against monitored, largest
# differences first ("[h]": on the helper thread). A kernel timed alone in a harness can cost
# quite differently from inside a step (docs/performance.md, the fourth Zen 3 session).
# Needs `perf` (Debian's linux-perf) and python3.
# Usage, from the repository root: benchmarks/profile-monitor.sh [PAIRS (default 1000)] [ROWS (30)]
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-1000}
rows=${2:-30}
command -v perf >/dev/null || { echo "profile-monitor.sh: needs perf (apt-get install linux-perf)" >&2; exit 1; }
swift build -c release --product gradguard >/dev/null
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
hz=4000
perf record -q -e cpu-clock -F "$hz" --call-graph fp -o "$out/perf.data" .build/release/gradguard bench monitor --pairs "$pairs" \
    | grep W2
perf script -i "$out/perf.data" -F tid,time,ip,sym 2>/dev/null >"$out/samples.txt"
python3 - "$out/samples.txt" "$pairs" "$hz" "$rows" <<'PY'
import bisect, collections, sys
path, pairs, hz, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
samples = []
for block in open(path).read().split("\n\n"):
    lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
    if len(lines) < 2:
        continue
    head = lines[0].split()
    frames = [line.split(None, 1)[1] if len(line.split(None, 1)) > 1 else "?" for line in lines[1:]]
    stack = " ".join(frames)
    side = 0 if "9firstSide" in stack else 1 if "9otherSide" in stack else None
    samples.append((int(head[0]), float(head[1].rstrip(":")), frames[0], side))
main = min(tid for tid, _, _, _ in samples)
times = [t for tid, t, _, _ in samples if tid == main]
sides = [s for tid, _, _, s in samples if tid == main]
counts = [collections.Counter(), collections.Counter()]
for tid, t, leaf, side in samples:
    name = leaf if len(leaf) <= 70 else leaf[:67] + "..."
    if tid != main:
        i = bisect.bisect_right(times, t) - 1
        side = sides[i] if i >= 0 and t - times[i] < 0.002 else None
        name = "[h] " + name
    if side is not None:
        counts[side][name] += 1
us = 1e6 / hz / pairs
total = [sum(c.values()) * us for c in counts]
print(f"CPU per step, both threads: plain {total[0]:.0f} µs, monitored {total[1]:.0f} µs, difference {total[1] - total[0]:+.0f} µs")
print(f"{'plain':>9} {'monitored':>9} {'diff':>8}  function (µs per step)")
for name in sorted(set(counts[0]) | set(counts[1]), key=lambda n: -abs(counts[1][n] - counts[0][n]))[:rows]:
    print(f"{counts[0][name] * us:9.1f} {counts[1][name] * us:9.1f} {(counts[1][name] - counts[0][name]) * us:+8.1f}  {name}")
PY
