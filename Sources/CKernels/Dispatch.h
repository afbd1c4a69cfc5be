// Run-time choice of instruction set for the kernels (private to CKernels).
#pragma once

#if defined(__x86_64__)
#define GG_AVX512 __attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma")))
#define GG_AVX2 __attribute__((target("avx2,fma")))
#endif

/// The level the kernels run at: 2: AVX-512 (F, DQ, VL), 1: AVX2 + FMA, 0: baseline; detected
/// once (or lowered by gg_limit_isa_level).
int gg_isa_level(void);

/// What this CPU (and its OS) supports, detected on each call.
int gg_detected_isa(void);
