// Sums in explicit float lanes, block by block, for the statistics kernels (private to
// CKernels): the vector type, its loads and totals, the denormal switch and the range rule that
// sends a block to double.
#pragma once
#if defined(__x86_64__)
#include <xmmintrin.h>
#endif

// Denormals flushed to zero (MXCSR FTZ and DAZ) while float lanes sum: a denormal would cost a
// microcode assist per element, and what it adds is far under float's rounding.
#if defined(__x86_64__)
#define GG_FLUSH_DENORMALS unsigned gg_csr_ = _mm_getcsr(); _mm_setcsr(gg_csr_ | 0x8040);
#define GG_RESTORE_DENORMALS _mm_setcsr(gg_csr_);
#define GG_FLUSH_AGAIN _mm_setcsr(gg_csr_ | 0x8040);
#else
#define GG_FLUSH_AGAIN
#define GG_FLUSH_DENORMALS
#define GG_RESTORE_DENORMALS
#endif

// A block's float sum of squares is trusted in [1e-30, 1e30]: outside, float could overflow or
// lose its small terms, and NaN fails the test too; such a block is summed again in double.
static inline int gg_block_in_range(float squares) { return squares >= 1e-30f && squares <= 1e30f; }

// Explicit vectors of float lanes: the compiler is not left to choose which loop to vectorise.
// 16 lanes on AVX-512 (a zmm register each); 8 on narrower instruction sets, where a 16-lane
// vector takes two of AVX2's 16 ymm registers (four SSE or NEON registers) and a kernel with
// four sums of four vectors each spilled its accumulators to the stack (the summary kernel
// capped at AVX2 on an AMD EPYC Zen 4: 0.57x the time with 8 lanes, two vectors per sum).
// Several vectors per sum, so that the additions do not wait on each other (an addition's
// latency is three to four cycles). In a 1024-float block a lane sums at most 64 values, so a
// block's float sum is within 64 float roundings (4e-6 relative) at worst, about 1e-6 typically.
typedef float gg_lanes __attribute__((ext_vector_type(16)));
typedef float gg_lanes8 __attribute__((ext_vector_type(8)));
#define GG_LANES 16

// Macros rather than functions: a 16-float vector may not cross a call in the AVX2 and
// baseline variants.
#define GG_LOAD(V, P) __builtin_memcpy(&(V), (P), sizeof(V))
// A tree of halves (16 → 8 → 4 → 2 → 1): four dependent additions, not fifteen.
#define GG_LANE_TOTAL(V) ({ gg_lanes gg_v_ = (V); GG_LANE_TOTAL8(gg_v_.lo + gg_v_.hi); })
#define GG_LANE_TOTAL8(V)                                                  \
    ({                                                                     \
        gg_lanes8 gg_8_ = (V);                                             \
        __typeof__(gg_8_.lo) gg_4_ = gg_8_.lo + gg_8_.hi;                  \
        __typeof__(gg_4_.lo) gg_2_ = gg_4_.lo + gg_4_.hi;                  \
        gg_2_.x + gg_2_.y;                                                 \
    })

// a · b + c over lanes in one fused instruction, where the variant's target has one. The x86
// baseline variant has none, and there __builtin_elementwise_fma is a libm call per lane (the
// summary kernel took 20x its AVX2 time); it multiplies and adds instead, for sums that need no
// single rounding.
#if defined(__x86_64__)
#define GG_LANE_FMA_BASELINE(A, B, C) ((A) * (B) + (C))
#else
#define GG_LANE_FMA_BASELINE(A, B, C) __builtin_elementwise_fma(A, B, C)
#endif
