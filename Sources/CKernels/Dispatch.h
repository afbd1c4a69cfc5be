// Run-time choice of instruction set for the kernels (private to CKernels).
#pragma once

#if defined(__x86_64__)
#if defined(GG_EMULATE_AVX512)
// scripts/avx512-emulation.sh only: the AVX-512 variants of the kernels built for AVX2 (the panel
// GEMM's intrinsics from that script's EmulatedAVX512.h) and chosen as level 2, so that their
// logic (16 lanes, their sums, counts and masks) is checked on a CPU without AVX-512. The package
// never defines it.
#define GG_AVX512 __attribute__((target("avx2,fma")))
#else
#define GG_AVX512 __attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma")))
#endif
#define GG_AVX2 __attribute__((target("avx2,fma")))
#endif

/// The level the kernels run at: 2: AVX-512 (F, DQ, VL), 1: AVX2 + FMA, 0: baseline; detected
/// once (or lowered by gg_limit_isa_level).
int gg_isa_level(void);

/// What this CPU (and its OS) supports, detected on each call, capped by the environment's
/// GRADGUARD_ISA (avx2 or baseline).
int gg_detected_isa(void);

/// Element-wise kernels run in two halves at once (gg_run_in_halves) from this many elements.
#define GG_ACTIVATION_SPLIT (1L << 14)

/// Where an array of n floats is split in two: near the middle, at a multiple of 16 floats (a
/// 64-byte cache line), so that no line is written by both threads.
static inline long gg_split_point(long n) { return (n / 2) & ~15L; }
