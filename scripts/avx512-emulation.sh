#!/usr/bin/env bash
# Checks the logic of CKernels' AVX-512 variants on a CPU without AVX-512: the kernels
# (statistics, activations, optimizer updates, recurrent cells, panel GEMM) are built with
# GG_EMULATE_AVX512, which compiles their AVX-512 variants for AVX2 (the panel GEMM's intrinsics
# from scripts/avx512-emulation/EmulatedAVX512.h) and runs them as level 2, and
# scripts/avx512-emulation/harness.c compares them with the AVX2 variants (the same bits for
# outputs, weights, cell states and products, sums within 1e-5). It does not test AVX-512 code
# generation. Needs AVX2 and FMA; a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
cc="$(dirname "$(readlink -f "$(command -v swift)")")/clang"
[ -x "$cc" ] || cc=clang
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
kernels=Sources/CKernels
"$cc" -O2 -Wno-psabi -DGG_EMULATE_AVX512 -I "$kernels/include" -I "$kernels" -I scripts/avx512-emulation \
    scripts/avx512-emulation/harness.c "$kernels/VectorMath.c" "$kernels/TensorStatistics.c" \
    "$kernels/SummarizedActivation.c" "$kernels/OptimizerKernels.c" "$kernels/RecurrentCells.c" \
    "$kernels/HelperThread.c" "$kernels/SmallGemm.c" -lm -lpthread -o "$out/harness"
"$out/harness"
