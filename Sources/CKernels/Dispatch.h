// Run-time choice of instruction set for the kernels (private to CKernels).
#pragma once

#if defined(__x86_64__)
#define GG_AVX512 __attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma")))
#define GG_AVX2 __attribute__((target("avx2,fma")))
#endif

/// 2: AVX-512 (F, DQ, VL), 1: AVX2 + FMA, 0: baseline; detected once.
int gg_isa_level(void);
