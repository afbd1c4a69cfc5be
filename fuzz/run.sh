#!/usr/bin/env bash
# Fuzzes GradGuard's readers with libFuzzer. Usage: fuzz/run.sh [SECONDS_PER_TARGET] [TARGET…]
# (default 60 s each, every target). New inputs that reach new code are merged into
# fuzz/corpus/TARGET/ (commit them: the test FuzzCorpusTests replays the corpus in CI); an input
# that traps is kept in fuzz/crashes/.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}; shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(json experiment npy idx csv safetensors reference run-folder)
[ -n "${FUZZ_NO_BUILD:-}" ] || swift build -c release -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library 2>&1 | tail -1
binary=$(swift build -c release -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library --show-bin-path)/gradguard-fuzz
mkdir -p crashes
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" ".new/$t"
  echo "== $t: ${seconds} s"
  SWIFT_BACKTRACE=enable=no GRADGUARD_FUZZ_TARGET=$t "$binary" ".new/$t" "corpus/$t" \
    -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=20 -max_len=8192 -artifact_prefix="crashes/$t-" -print_final_stats=1 2>&1 \
    | grep -E "^#[0-9]+ +DONE|stat::number_of_executed_units|stat::new_units_added|ERROR|Test unit written" || true
  # Keep only inputs that add coverage to what the corpus has.
  SWIFT_BACKTRACE=enable=no GRADGUARD_FUZZ_TARGET=$t "$binary" -merge=1 "corpus/$t" ".new/$t" 2>&1 | grep -E "MERGE-OUTER: [0-9]+ new files" || true
  rm -rf ".new/$t"
done
ls crashes | head
