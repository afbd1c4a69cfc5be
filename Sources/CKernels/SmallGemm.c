// A single-threaded GEMM for the small products a recurrent layer runs at every time step
// (e.g. [32 × 128] · [128 × 512]): C = A·B (+ C). BLAS libraries repack B on every call and wake
// their threads for it, which costs more than the arithmetic at these sizes. Here B (a weight
// that stays the same over a whole sequence) is packed once into column panels, each panel's
// rows contiguous and zero-padded to the panel width, so the micro-kernel streams it linearly
// (rows of a row-major B are a power-of-two stride apart and would collide in a few L1 sets);
// the micro-kernel keeps a 4-row block of C in registers over a slice of k (the register
// blocking of Goto & van de Geijn 2008). Compiled for AVX-512 (panels of 64 columns) and
// AVX2 + FMA (panels of 24); without either the caller uses BLAS.
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "CKernels.h"
#include "Dispatch.h"

#if defined(__x86_64__)
#include <immintrin.h>
#if defined(GG_EMULATE_AVX512)
#include "EmulatedAVX512.h"  // scripts/avx512-emulation.sh only (Dispatch.h)
#endif

// k is walked in slices of this many panel rows, so that the slice a micro-kernel streams
// (GG_KC × 64 floats = 32 KiB) stays in L1 while every row block of A reuses it.
#define GG_KC 128

// --- AVX-512: 4 rows × 64 columns (16 zmm accumulators), masked tail columns -----------------

GG_AVX512 static inline void gg_block_avx512(
    int rows, long k, const float *a, long ars, long aps, const float *b, long ldb, float *c, long ldc,
    int accumulate, const float *bias, int vectors, __mmask16 tail) {
    __m512 acc[4][4];
    for (int r = 0; r < 4; r++)
        for (int v = 0; v < 4; v++) acc[r][v] = _mm512_setzero_ps();
    for (long p = 0; p < k; p++) {
        const float *bp = b + p * ldb;
        __m512 bv[4];
        for (int v = 0; v < 4; v++) bv[v] = _mm512_loadu_ps(bp + 16 * v);
        for (int r = 0; r < rows; r++) {
            __m512 av = _mm512_set1_ps(a[r * ars + p * aps]);
            for (int v = 0; v < vectors; v++) acc[r][v] = _mm512_fmadd_ps(av, bv[v], acc[r][v]);
        }
    }
    for (int r = 0; r < rows; r++) {
        float *cr = c + r * ldc;
        for (int v = 0; v < vectors; v++) {
            __mmask16 m = v == vectors - 1 ? tail : (__mmask16)0xFFFF;
            __m512 sum = bias         ? _mm512_add_ps(acc[r][v], _mm512_maskz_loadu_ps(m, bias + 16 * v))
                         : accumulate ? _mm512_add_ps(acc[r][v], _mm512_maskz_loadu_ps(m, cr + 16 * v))
                                      : acc[r][v];
            _mm512_mask_storeu_ps(cr + 16 * v, m, sum);
        }
    }
}

// The row count and vector count are compile-time constants at each call, so the compiler
// unrolls the loops above and keeps the accumulators in registers.
#define GG_BLOCK512(ROWS, VECTORS) \
    gg_block_avx512(ROWS, kc, ap, ars, aps, bp, ldb, cp, ldc, acc, slice_bias, VECTORS, tail)

GG_AVX512 static void gg_gemm_avx512(long m, long n, long k, const float *a, long ars, long aps,
                                     const float *packed, float *c, long ldc, int accumulate, const float *bias) {
    const long ldb = 64;
    for (long p0 = 0; p0 < k; p0 += GG_KC) {
        long kc = k - p0 < GG_KC ? k - p0 : GG_KC;
        int acc = accumulate || p0 > 0;
        for (long j = 0; j < n; j += 64) {
            const float *slice_bias = bias && p0 == 0 ? bias + j : 0;
            long width = n - j < 64 ? n - j : 64;
            int vectors = (int)((width + 15) / 16);
            long rest = width - 16 * (vectors - 1);
            __mmask16 tail = (__mmask16)(rest == 16 ? 0xFFFF : (1u << rest) - 1);
            const float *bp = packed + j * k + p0 * ldb;
            for (long i = 0; i < m; i += 4) {
                const float *ap = a + i * ars + p0 * aps;
                float *cp = c + i * ldc + j;
                long rows = m - i < 4 ? m - i : 4;
                if (rows == 4 && vectors == 4) GG_BLOCK512(4, 4);
                else if (rows == 4) {
                    switch (vectors) {
                    case 1: GG_BLOCK512(4, 1); break;
                    case 2: GG_BLOCK512(4, 2); break;
                    default: GG_BLOCK512(4, 3); break;
                    }
                } else {
                    switch (rows) {
                    case 1: GG_BLOCK512(1, vectors); break;
                    case 2: GG_BLOCK512(2, vectors); break;
                    default: GG_BLOCK512(3, vectors); break;
                    }
                }
            }
        }
    }
}

// A lane mask for the first `count` of 8 floats (maskload reads nothing past it).
GG_AVX2 static inline __m256i gg_lanes_avx2(long count) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(count < 0 ? 0 : count > 8 ? 8 : count)),
                              _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// --- AVX2 + FMA: 4 rows × 24 columns (12 ymm accumulators) --------------------------------

// Fewer than four rows (the last block when m is not a multiple of 4): `rows` × 24 sums into
// `out` (row r at out[24r]). Kept out of line: inlined into gg_gemm_avx2 (with its k loop
// unrolled or not), clang's code ran at 50–63 GFLOP/s on one core of a Xeon model 106 against
// 94–100 out of line.
GG_AVX2 static __attribute__((noinline)) void gg_block_avx2(int rows, long k, const float *a, long ars, long aps,
                                                            const float *b, float *out) {
    __m256 acc[4][3];
    for (int r = 0; r < 4; r++)
        for (int v = 0; v < 3; v++) acc[r][v] = _mm256_setzero_ps();
    // Unrolled four times: 63 -> 97 GFLOP/s on one core of a Xeon model 106 (W2's 128 × 256 ·
    // 256 × 256 with B packed); the AVX-512 loop above gains nothing from it.
#pragma clang loop unroll_count(4)
    for (long p = 0; p < k; p++) {
        const float *bp = b + p * 24;
        __m256 b0 = _mm256_loadu_ps(bp), b1 = _mm256_loadu_ps(bp + 8), b2 = _mm256_loadu_ps(bp + 16);
        for (int r = 0; r < rows; r++) {
            __m256 av = _mm256_broadcast_ss(a + r * ars + p * aps);
            acc[r][0] = _mm256_fmadd_ps(av, b0, acc[r][0]);
            acc[r][1] = _mm256_fmadd_ps(av, b1, acc[r][1]);
            acc[r][2] = _mm256_fmadd_ps(av, b2, acc[r][2]);
        }
    }
    for (int r = 0; r < rows; r++)
        for (int v = 0; v < 3; v++) _mm256_storeu_ps(out + 24 * r + 8 * v, acc[r][v]);
}

// Four full rows in assembly. clang's code for the loop above with `rows` 4 kept the rows'
// offsets on the stack and, with them as constants, spilled accumulators in its unrolled loop:
// all 16 ymm registers are taken (12 accumulators, 3 B vectors, A's broadcast). Each k step
// loads V vectors of the panel's row (V = 1, 2 or 3: 8, 16 or 24 columns), broadcasts A's four
// rows into ymm15 in turn (renamed by the CPU) and runs 4·V FMAs. The epilogue (STORES) then
// puts the sums in `out` (row r, vector v at out[24r + 8v]), or, for a whole 24-column panel,
// into C's rows (`c`, `ldc` floats apart) as they are, added to C or added to `bias`. `k` ≥ 1;
// `ars` and `aps` are A's strides between rows and between k steps, in floats. In one process,
// alternating with the C loop that ran every block before (AMD EPYC Zen 3; 600 calls each):
// with B packed, 0.95× its time for 128 × 240 × 256 (whole panels) and 0.93× for 32 × 512 × 128;
// packing included, where n = 256 leaves a 16-column panel (which the C loop computed as 24
// columns into a scratch block), 0.87–0.89× on one thread and 0.82–0.89× on two.
#define GG_ASM_LOAD(V, OFFSET) "vmovups " #OFFSET "(%[b]), %%ymm1" #V "\n\t"
#define GG_ASM_FMA(V, ACC) "vfmadd231ps %%ymm1" #V ", %%ymm15, %%ymm" #ACC "\n\t"
#define GG_ASM_STORE(ACC, OFFSET) "vmovups %%ymm" #ACC ", " #OFFSET "(%[out])\n\t"
#define GG_ASM_ROW(SOURCE, FMAS) "vbroadcastss " SOURCE ", %%ymm15\n\t" FMAS
#define GG_AVX2_KERNEL_4ROWS(NAME, LOADS, FMAS0, FMAS1, FMAS2, FMAS3, STORES)                           \
    GG_AVX2 static __attribute__((noinline)) void NAME(long k, const float *a, long ars, long aps,      \
                                                       const float *b, float *out, float *c, long ldc, \
                                                       const float *bias) {                            \
        long row_bytes = ars * 4, row3_bytes = ars * 12, step_bytes = aps * 4;                          \
        long ldc_bytes = ldc * 4, ldc3_bytes = ldc * 12;                                                \
        __asm__ volatile("vxorps %%ymm0, %%ymm0, %%ymm0\n\t"                                           \
                         "vmovaps %%ymm0, %%ymm1\n\t"                                                  \
                         "vmovaps %%ymm0, %%ymm2\n\t"                                                  \
                         "vmovaps %%ymm0, %%ymm3\n\t"                                                  \
                         "vmovaps %%ymm0, %%ymm4\n\t"                                                  \
                         "vmovaps %%ymm0, %%ymm5\n\t"                                                  \
                         "vmovaps %%ymm0, %%ymm6\n\t"                                                  \
                         "vmovaps %%ymm0, %%ymm7\n\t"                                                  \
                         "vmovaps %%ymm0, %%ymm8\n\t"                                                  \
                         "vmovaps %%ymm0, %%ymm9\n\t"                                                  \
                         "vmovaps %%ymm0, %%ymm10\n\t"                                                 \
                         "vmovaps %%ymm0, %%ymm11\n\t"                                                 \
                         "1:\n\t" LOADS GG_ASM_ROW("(%[a])", FMAS0)                                    \
                             GG_ASM_ROW("(%[a], %[row])", FMAS1) GG_ASM_ROW("(%[a], %[row], 2)", FMAS2) \
                                 GG_ASM_ROW("(%[a], %[row3])", FMAS3)                                  \
                         "add %[step], %[a]\n\t"                                                       \
                         "add $96, %[b]\n\t"                                                           \
                         "dec %[k]\n\t"                                                                \
                         "jnz 1b\n\t" STORES                                                           \
                         : [a] "+r"(a), [b] "+r"(b), [k] "+r"(k)                                       \
                         : [row] "r"(row_bytes), [row3] "r"(row3_bytes), [step] "r"(step_bytes),       \
                           [out] "r"(out), [c] "r"(c), [ldc] "r"(ldc_bytes), [ldc3] "r"(ldc3_bytes),   \
                           [bias] "r"(bias)                                                            \
                         : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8",     \
                           "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "memory",    \
                           "cc");                                                                      \
    }
#define GG_ASM_PUT(ACC, V, ADDR) "vmovups %%ymm" #ACC ", " ADDR "\n\t"
#define GG_ASM_ACC(ACC, V, ADDR) "vaddps " ADDR ", %%ymm" #ACC ", %%ymm" #ACC "\n\t" GG_ASM_PUT(ACC, V, ADDR)
#define GG_ASM_BIAS(ACC, V, ADDR) "vaddps %%ymm1" #V ", %%ymm" #ACC ", %%ymm" #ACC "\n\t" GG_ASM_PUT(ACC, V, ADDR)
#define GG_ASM_EPILOGUE24(OP)                                                                          \
    OP(0, 2, "(%[c])") OP(1, 3, "32(%[c])") OP(2, 4, "64(%[c])")                                       \
    OP(3, 2, "(%[c], %[ldc])") OP(4, 3, "32(%[c], %[ldc])") OP(5, 4, "64(%[c], %[ldc])")               \
    OP(6, 2, "(%[c], %[ldc], 2)") OP(7, 3, "32(%[c], %[ldc], 2)") OP(8, 4, "64(%[c], %[ldc], 2)")      \
    OP(9, 2, "(%[c], %[ldc3])") OP(10, 3, "32(%[c], %[ldc3])") OP(11, 4, "64(%[c], %[ldc3])")
#define GG_ASM_BIAS_LOADS                                                                               \
    "vmovups (%[bias]), %%ymm12\n\t"                                                                  \
    "vmovups 32(%[bias]), %%ymm13\n\t"                                                                \
    "vmovups 64(%[bias]), %%ymm14\n\t"
#define GG_ASM_LOADS24 GG_ASM_LOAD(2, 0) GG_ASM_LOAD(3, 32) GG_ASM_LOAD(4, 64)
#define GG_ASM_FMAS24_0 GG_ASM_FMA(2, 0) GG_ASM_FMA(3, 1) GG_ASM_FMA(4, 2)
#define GG_ASM_FMAS24_1 GG_ASM_FMA(2, 3) GG_ASM_FMA(3, 4) GG_ASM_FMA(4, 5)
#define GG_ASM_FMAS24_2 GG_ASM_FMA(2, 6) GG_ASM_FMA(3, 7) GG_ASM_FMA(4, 8)
#define GG_ASM_FMAS24_3 GG_ASM_FMA(2, 9) GG_ASM_FMA(3, 10) GG_ASM_FMA(4, 11)
GG_AVX2_KERNEL_4ROWS(gg_kernel_avx2_4x24_put, GG_ASM_LOADS24, GG_ASM_FMAS24_0, GG_ASM_FMAS24_1, GG_ASM_FMAS24_2,
                     GG_ASM_FMAS24_3, GG_ASM_EPILOGUE24(GG_ASM_PUT))
GG_AVX2_KERNEL_4ROWS(gg_kernel_avx2_4x24_acc, GG_ASM_LOADS24, GG_ASM_FMAS24_0, GG_ASM_FMAS24_1, GG_ASM_FMAS24_2,
                     GG_ASM_FMAS24_3, GG_ASM_EPILOGUE24(GG_ASM_ACC))
GG_AVX2_KERNEL_4ROWS(gg_kernel_avx2_4x24_bias, GG_ASM_LOADS24, GG_ASM_FMAS24_0, GG_ASM_FMAS24_1, GG_ASM_FMAS24_2,
                     GG_ASM_FMAS24_3, GG_ASM_BIAS_LOADS GG_ASM_EPILOGUE24(GG_ASM_BIAS))
GG_AVX2_KERNEL_4ROWS(gg_kernel_avx2_4x24, GG_ASM_LOADS24, GG_ASM_FMAS24_0, GG_ASM_FMAS24_1, GG_ASM_FMAS24_2,
                     GG_ASM_FMAS24_3,
                     GG_ASM_STORE(0, 0) GG_ASM_STORE(1, 32) GG_ASM_STORE(2, 64) GG_ASM_STORE(3, 96)
                         GG_ASM_STORE(4, 128) GG_ASM_STORE(5, 160) GG_ASM_STORE(6, 192) GG_ASM_STORE(7, 224)
                             GG_ASM_STORE(8, 256) GG_ASM_STORE(9, 288) GG_ASM_STORE(10, 320) GG_ASM_STORE(11, 352))
GG_AVX2_KERNEL_4ROWS(gg_kernel_avx2_4x16, GG_ASM_LOAD(2, 0) GG_ASM_LOAD(3, 32),
                     GG_ASM_FMA(2, 0) GG_ASM_FMA(3, 1), GG_ASM_FMA(2, 3) GG_ASM_FMA(3, 4),
                     GG_ASM_FMA(2, 6) GG_ASM_FMA(3, 7), GG_ASM_FMA(2, 9) GG_ASM_FMA(3, 10),
                     GG_ASM_STORE(0, 0) GG_ASM_STORE(1, 32) GG_ASM_STORE(3, 96) GG_ASM_STORE(4, 128)
                         GG_ASM_STORE(6, 192) GG_ASM_STORE(7, 224) GG_ASM_STORE(9, 288) GG_ASM_STORE(10, 320))
GG_AVX2_KERNEL_4ROWS(gg_kernel_avx2_4x8, GG_ASM_LOAD(2, 0), GG_ASM_FMA(2, 0), GG_ASM_FMA(2, 3), GG_ASM_FMA(2, 6),
                     GG_ASM_FMA(2, 9), GG_ASM_STORE(0, 0) GG_ASM_STORE(3, 96) GG_ASM_STORE(6, 192) GG_ASM_STORE(9, 288))

// Fetches a 4-row block of C while the kernel runs (its rows are a row of C apart, so each
// would otherwise miss when stored or accumulated onto): in one process, alternating with and
// without on an AMD EPYC Zen 3, W2's step took 0.92–0.95× the time (400 step pairs, twice),
// W4's 0.93–0.97× (100 pairs, twice), W5's unchanged. The lines of each row's first and last
// float (a row of the block spans 2 or 3).
GG_AVX2 static inline void gg_prefetch_block_avx2(const float *c, long ldc, long width) {
    for (int r = 0; r < 4; r++) {
        _mm_prefetch((const char *)(c + r * ldc), _MM_HINT_T0);
        _mm_prefetch((const char *)(c + r * ldc + width - 1), _MM_HINT_T0);
    }
}

// Four rows of a whole 24-column panel: the kernel adds C or the bias and stores C itself, with
// no round trip through `sums` (in one process, alternating with that round trip on an AMD EPYC
// Zen 3: one product 0.92–0.94× the time; W2's step 0.98× and 0.99×, 400 pairs each; W4's 0.97×,
// W5's 0.98×, 100 pairs).
GG_AVX2 static void gg_block_avx2_4x24(long k, const float *a, long ars, long aps, const float *b, float *c, long ldc,
                                       int accumulate, const float *bias) {
    gg_prefetch_block_avx2(c, ldc, 24);
    if (bias) gg_kernel_avx2_4x24_bias(k, a, ars, aps, b, 0, c, ldc, bias);
    else if (accumulate) gg_kernel_avx2_4x24_acc(k, a, ars, aps, b, 0, c, ldc, 0);
    else gg_kernel_avx2_4x24_put(k, a, ars, aps, b, 0, c, ldc, 0);
}

// Four rows of a panel `width` ≤ 24 columns wide into `sums`: the kernel above for
// ceil(width / 8) vectors.
GG_AVX2 static void gg_block_avx2_4rows(long k, const float *a, long ars, long aps, const float *b, long width,
                                        const float *c, long ldc, float *sums) {
    gg_prefetch_block_avx2(c, ldc, width);
    switch ((width + 7) / 8) {
    case 3: gg_kernel_avx2_4x24(k, a, ars, aps, b, sums, 0, 0, 0); break;
    case 2: gg_kernel_avx2_4x16(k, a, ars, aps, b, sums, 0, 0, 0); break;
    default: gg_kernel_avx2_4x8(k, a, ars, aps, b, sums, 0, 0, 0); break;
    }
}

// C = sums (+ C with `accumulate`, or + `bias`) for a block of `rows` × `width` (row r of the
// sums at sums[24r]).
GG_AVX2 static void gg_store_block_avx2(const float *sums, long rows, long width, float *c, long ldc, int accumulate,
                                       const float *bias) {
    long whole = width / 8;  // full vectors: unmasked (a masked store is microcoded on AMD Zen)
    for (long v = 0; v < whole; v++) {
        __m256 add = bias ? _mm256_loadu_ps(bias + 8 * v) : _mm256_setzero_ps();
        for (long r = 0; r < rows; r++) {
            float *cv = c + r * ldc + 8 * v;
            __m256 sum = _mm256_loadu_ps(sums + 24 * r + 8 * v);
            _mm256_storeu_ps(cv, _mm256_add_ps(sum, accumulate ? _mm256_loadu_ps(cv) : add));
        }
    }
    for (long r = 0; r < rows; r++)
        for (long q = 8 * whole; q < width; q++) {
            float *out = c + r * ldc + q;
            *out = sums[24 * r + q] + (bias ? bias[q] : accumulate ? *out : 0.0f);
        }
}

GG_AVX2 static void gg_gemm_avx2(long m, long n, long k, const float *a, long ars, long aps,
                                 const float *packed, float *c, long ldc, int accumulate, const float *bias) {
    float sums[4 * 24];
    for (long p0 = 0; p0 < k; p0 += GG_KC) {
        long kc = k - p0 < GG_KC ? k - p0 : GG_KC;
        int acc = accumulate || p0 > 0;
        for (long j = 0; j < n; j += 24) {
            long width = n - j < 24 ? n - j : 24;
            const float *bp = packed + j * k + p0 * 24;
            const float *slice_bias = bias && p0 == 0 ? bias + j : 0;
            for (long i = 0; i < m; i += 4) {
                long rows = m - i < 4 ? m - i : 4;
                const float *ap = a + i * ars + p0 * aps;
                float *cp = c + i * ldc + j;
                if (rows == 4 && width == 24) {
                    gg_block_avx2_4x24(kc, ap, ars, aps, bp, cp, ldc, acc, slice_bias);
                    continue;
                }
                switch (rows) {
                case 4: gg_block_avx2_4rows(kc, ap, ars, aps, bp, width, cp, ldc, sums); break;
                case 3: gg_block_avx2(3, kc, ap, ars, aps, bp, sums); break;
                case 2: gg_block_avx2(2, kc, ap, ars, aps, bp, sums); break;
                default: gg_block_avx2(1, kc, ap, ars, aps, bp, sums); break;
                }
                gg_store_block_avx2(sums, rows, width, cp, ldc, acc, slice_bias);
            }
        }
    }
}
#endif

long gg_small_gemm_panel_width(void) {
#if defined(__x86_64__)
    switch (gg_isa_level()) {
    case 2: return 64;
    case 1: return 24;
    default: return 0;
    }
#else
    return 0;
#endif
}

// Packs a transposed B (given as its n × k transpose) in 16 × 16 blocks: 16 rows of the
// transpose are loaded (contiguous), transposed in registers and stored as 16 rows of a panel.
// The transpose swaps bit s of the row index with bit s of the column index for s = 0…3, one
// two-source permute per row and stage.
#if defined(__x86_64__)
// Stage s's permutes: the row with bit s clear takes its own columns with bit s clear and the
// partner's (column ^ bit) for the others; the partner the mirror image (indices ≥ 16 name the
// second source).
static const int gg_transpose_low[4][16] = {
    {0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30},
    {0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29},
    {0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27},
    {0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23},
};
static const int gg_transpose_high[4][16] = {
    {1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31},
    {2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31},
    {4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31},
    {8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31},
};

GG_AVX512 static inline void gg_transpose16_avx512(__m512 r[16]) {
#pragma clang loop unroll(full)
    for (int s = 0; s < 4; s++) {
        int bit = 1 << s;
        __m512i low = _mm512_loadu_si512(gg_transpose_low[s]), high = _mm512_loadu_si512(gg_transpose_high[s]);
#pragma clang loop unroll(full)
        for (int i = 0; i < 16; i++) {
            if (i & bit) continue;
            __m512 a = r[i], b = r[i | bit];
            r[i] = _mm512_permutex2var_ps(a, low, b);
            r[i | bit] = _mm512_permutex2var_ps(a, high, b);
        }
    }
}

GG_AVX512 static void gg_pack_transposed_avx512(long k, long n, const float *b, long ldb, float *packed) {
    for (long j0 = 0; j0 < n; j0 += 64)
        for (long q0 = 0; q0 < 64; q0 += 16) {
            long rows = n - j0 - q0;  // rows of the transpose in this group (16 at most)
            float *out = packed + j0 * k + q0;
            for (long p0 = 0; p0 < k; p0 += 16) {
                long width = k - p0 < 16 ? k - p0 : 16;
                __mmask16 mask = (__mmask16)(width == 16 ? 0xFFFF : (1u << width) - 1);
                __m512 r[16];
#pragma clang loop unroll(full)
                for (int t = 0; t < 16; t++)
                    r[t] = t < rows ? _mm512_maskz_loadu_ps(mask, b + (j0 + q0 + t) * ldb + p0) : _mm512_setzero_ps();
                gg_transpose16_avx512(r);
                if (width == 16) {
#pragma clang loop unroll(full)
                    for (int t = 0; t < 16; t++) _mm512_storeu_ps(out + (p0 + t) * 64, r[t]);
                } else {
                    for (long t = 0; t < width; t++) _mm512_storeu_ps(out + (p0 + t) * 64, r[t]);
                }
            }
        }
}

// Packs B as it is: each panel row is four (masked) 16-float copies from a row of B.
GG_AVX512 static void gg_pack_plain_avx512(long k, long n, const float *b, long ldb, float *packed) {
    for (long j0 = 0; j0 < n; j0 += 64) {
        __mmask16 masks[4];
        for (int v = 0; v < 4; v++) {
            long valid = n - j0 - 16 * v;
            masks[v] = (__mmask16)(valid >= 16 ? 0xFFFF : valid <= 0 ? 0 : (1u << valid) - 1);
        }
        float *out = packed + j0 * k;
        for (long p = 0; p < k; p++) {
            const float *row = b + p * ldb + j0;
#pragma clang loop unroll(full)
            for (int v = 0; v < 4; v++)
                _mm512_storeu_ps(out + p * 64 + 16 * v, _mm512_maskz_loadu_ps(masks[v], row + 16 * v));
        }
    }
}
#endif

#if defined(__x86_64__)
// AVX2 panels (24 columns): the same two packings with 8-float vectors.

// 8 × 8 in registers: unpack pairs, then quads, then swap 128-bit halves.
GG_AVX2 static inline void gg_transpose8_avx2(__m256 r[8]) {
    __m256 t[8], u[8];
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
        u[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
        u[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xEE);
        u[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
        u[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
    }
    for (int i = 0; i < 4; i++) {
        r[i] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x20);
        r[i + 4] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x31);
    }
}

GG_AVX2 static void gg_pack_transposed_avx2(long k, long n, const float *b, long ldb, float *packed) {
    for (long j0 = 0; j0 < n; j0 += 24)
        for (long q0 = 0; q0 < 24; q0 += 8) {
            long rows = n - j0 - q0;  // rows of the transpose in this group (8 at most)
            float *out = packed + j0 * k + q0;
            // Whole 8 × 8 blocks with plain loads, the rest masked: on an AMD EPYC Zen 3, packing
            // 256 × 256 (one of 20 such matrices in turn, so from L3) took 8–15 µs against 19–23
            // with every load masked.
            long whole = rows >= 8 ? k - k % 8 : 0;
            const float *row = b + (j0 + q0) * ldb;
            for (long p0 = 0; p0 < whole; p0 += 8) {
                __m256 r[8];
                for (int t = 0; t < 8; t++) r[t] = _mm256_loadu_ps(row + t * ldb + p0);
                gg_transpose8_avx2(r);
                for (int t = 0; t < 8; t++) _mm256_storeu_ps(out + (p0 + t) * 24, r[t]);
            }
            for (long p0 = whole; p0 < k; p0 += 8) {
                long width = k - p0 < 8 ? k - p0 : 8;
                __m256i mask = gg_lanes_avx2(width);
                __m256 r[8];
                for (int t = 0; t < 8; t++)
                    r[t] = t < rows ? _mm256_maskload_ps(row + t * ldb + p0, mask) : _mm256_setzero_ps();
                gg_transpose8_avx2(r);
                for (long t = 0; t < width; t++) _mm256_storeu_ps(out + (p0 + t) * 24, r[t]);
            }
        }
}

GG_AVX2 static void gg_pack_plain_avx2(long k, long n, const float *b, long ldb, float *packed) {
    for (long j0 = 0; j0 < n; j0 += 24) {
        __m256i masks[3];
        for (int v = 0; v < 3; v++) masks[v] = gg_lanes_avx2(n - j0 - 8 * v);
        float *out = packed + j0 * k;
        for (long p = 0; p < k; p++) {
            const float *row = b + p * ldb + j0;
            for (int v = 0; v < 3; v++) _mm256_storeu_ps(out + p * 24 + 8 * v, _mm256_maskload_ps(row + 8 * v, masks[v]));
        }
    }
}
#endif

void gg_small_gemm_pack_f32(long k, long n, const float *b, long ldb, int transposed, long width, float *packed) {
#if defined(__x86_64__)
    if (width == 64) {
        if (transposed) gg_pack_transposed_avx512(k, n, b, ldb, packed);
        else gg_pack_plain_avx512(k, n, b, ldb, packed);
        return;
    }
    if (width == 24) {
        if (transposed) gg_pack_transposed_avx2(k, n, b, ldb, packed);
        else gg_pack_plain_avx2(k, n, b, ldb, packed);
        return;
    }
#endif
    for (long j0 = 0; j0 < n; j0 += width)
        for (long p = 0; p < k; p++) {
            float *row = packed + j0 * k + p * width;
            if (!transposed && j0 + width <= n) {
                memcpy(row, b + p * ldb + j0, (size_t)width * sizeof(float));
                continue;
            }
            for (long q = 0; q < width; q++) {
                long j = j0 + q;
                row[q] = j >= n ? 0 : transposed ? b[j * ldb + p] : b[p * ldb + j];
            }
        }
}

// One product, split by column panels into two halves. With `b` set, each half first packs its
// own panels of B into `packed` (one buffer for all of them), then multiplies them one panel at
// a time. A thread that runs out of panels in its own half takes the other half's last panels
// once that half's panels are packed, so that a thread whose vCPU was taken away for a while
// does not leave the other waiting for all of its half: W2 (Xeon model 207) 0.987× the step
// time, 95 % confidence 0.980–0.995, in 1000 steps alternating with and without; W4 and W5
// unchanged. Smaller pieces everywhere (a panel by 32 rows) lost more to reuse than they gained.
// Only each half's last panel is taken in pieces of GG_PIECE_ROWS rows: a thread that finishes
// first then waits for at most a piece, not a whole panel (a 24-column panel of W2's products
// is 16 µs of one core's work); before, the main thread waited 0.31 ms a W2 step in these
// products (AMD EPYC Zen 3, perf). The same W2 trainer alternating step by step with and
// without pieces in one process (600 pairs each; Zen 3, AVX2): 32-row pieces 0.975× and
// 0.977× the step time; an eighth of the rows per piece 0.960× and 0.961× in a fast phase of
// the VM, 0.977× and 0.978× in a slow one; a quarter 0.966×, 0.968× and 0.981×; 16 rows 0.983×;
// the last two panels in pieces 0.968× and 0.989×, three 1.002×. W4 0.995× and W5 0.987× (60
// pairs of five steps). A piece starts on a multiple of 4 rows, so each value of C is summed
// as the whole panel sums it.
typedef struct {
    long m, n, k, ars, aps, width, ldc, split;  // split: the first column of the second half
    const float *a, *b;
    float *packed;
    long ldb;
    int transposed;
    float *c;
    int accumulate;
    const float *bias;  // NULL, or a row added to every row of C (accumulate 0)
    long unclaimed[2];  // atomic, per half: (its next unit from the front << 32) | end of the unclaimed ones
    int packed_half[2];  // atomic, per half: its panels are packed
    long whole[2];       // per half: its panels taken whole (all but the last, when pieces > 1)
    long pieces;         // pieces of GG_PIECE_ROWS rows per panel
} gg_small_gemm_task;

#define GG_PIECE_ROWS 32L

// Rows [row, row + rows) of columns [begin, end) of C.
static void gg_small_gemm_multiply_rows(const gg_small_gemm_task *t, long row, long rows, long begin, long end) {
#if defined(__x86_64__)
    const float *panels = t->packed + begin * t->k, *bias = t->bias ? t->bias + begin : 0;
    const float *a = t->a + row * t->ars;
    float *c = t->c + row * t->ldc + begin;
    if (t->width == 64)
        gg_gemm_avx512(rows, end - begin, t->k, a, t->ars, t->aps, panels, c, t->ldc, t->accumulate, bias);
    else if (t->width == 24)
        gg_gemm_avx2(rows, end - begin, t->k, a, t->ars, t->aps, panels, c, t->ldc, t->accumulate, bias);
#endif
}

static void gg_small_gemm_multiply(const gg_small_gemm_task *t, long begin, long end) {
    gg_small_gemm_multiply_rows(t, 0, t->m, begin, end);
}

static void gg_small_gemm_pack_columns(const gg_small_gemm_task *t, long begin, long end) {
    if (t->b && end > begin)
        gg_small_gemm_pack_f32(t->k, end - begin, t->b + (t->transposed ? begin * t->ldb : begin), t->ldb, t->transposed,
                               t->width, t->packed + begin * t->k);
}

// Claims one unit (a panel, or a piece of one) of a half: from the front for its owner, from the
// back for the other thread; -1 when none is left.
static long gg_small_gemm_claim(gg_small_gemm_task *t, int half, int from_back) {
    long value = __atomic_load_n(&t->unclaimed[half], __ATOMIC_RELAXED);
    for (;;) {
        long front = value >> 32, end = value & 0xFFFFFFFFL;
        if (front >= end) return -1;
        long claimed = from_back ? (front << 32) | (end - 1) : ((front + 1) << 32) | end;
        if (__atomic_compare_exchange_n(&t->unclaimed[half], &value, claimed, 1, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
            return from_back ? end - 1 : front;
    }
}

// Unit `unit` of a half: one of its whole panels, or a piece of its last one.
static void gg_small_gemm_unit(const gg_small_gemm_task *t, int half, long unit) {
    long panel = unit, row = 0, rows = t->m;
    if (unit >= t->whole[half]) {
        panel = t->whole[half];
        row = (unit - t->whole[half]) * GG_PIECE_ROWS;
        rows = t->m - row < GG_PIECE_ROWS ? t->m - row : GG_PIECE_ROWS;
    }
    long begin = (half ? t->split : 0) + panel * t->width;
    gg_small_gemm_multiply_rows(t, row, rows, begin, begin + t->width < t->n ? begin + t->width : t->n);
}

static void gg_small_gemm_half(void *context, int half) {
    gg_small_gemm_task *t = context;
    gg_small_gemm_pack_columns(t, half ? t->split : 0, half ? t->n : t->split);
    __atomic_store_n(&t->packed_half[half], 1, __ATOMIC_RELEASE);
    for (long unit; (unit = gg_small_gemm_claim(t, half, 0)) >= 0;) gg_small_gemm_unit(t, half, unit);
    // Only once the other half's panels are packed: its owner may not have started (and when
    // this thread runs both halves, it will not until this one returns).
    if (__atomic_load_n(&t->packed_half[!half], __ATOMIC_ACQUIRE))
        for (long unit; (unit = gg_small_gemm_claim(t, !half, 1)) >= 0;) gg_small_gemm_unit(t, !half, unit);
}

// Below this many multiply-adds (about 5 µs of one core's work) a second thread costs more
// than it saves.
#define GG_SMALL_GEMM_SPLIT_MADDS (1L << 19)

static void gg_small_gemm_run(gg_small_gemm_task *task) {
    if (task->m <= 0 || task->n <= 0) return;
    if (task->k <= 0) {
        if (!task->accumulate)
            for (long i = 0; i < task->m; i++)
                for (long j = 0; j < task->n; j++) task->c[i * task->ldc + j] = task->bias ? task->bias[j] : 0;
        return;
    }
    long panels = (task->n + task->width - 1) / task->width;
    if (panels < 2 || task->m * task->n * task->k < GG_SMALL_GEMM_SPLIT_MADDS) {
        gg_small_gemm_pack_columns(task, 0, task->n);
        gg_small_gemm_multiply(task, 0, task->n);
        return;
    }
    long halves[2] = {(panels + 1) / 2, panels / 2};
    task->split = halves[0] * task->width;
    task->pieces = (task->m + GG_PIECE_ROWS - 1) / GG_PIECE_ROWS;
    for (int half = 0; half < 2; half++) {
        task->whole[half] = task->pieces > 1 ? halves[half] - 1 : halves[half];
        task->unclaimed[half] = task->pieces > 1 ? task->whole[half] + task->pieces : halves[half];
        task->packed_half[half] = 0;
    }
    gg_run_in_halves(gg_small_gemm_half, task);
}

void gg_small_gemm_f32(long m, long n, long k, const float *a, long lda, const float *packed, long width, float *c,
                       long ldc, int accumulate) {
    // Already packed: `b` stays NULL, so nothing writes through `packed`.
    gg_small_gemm_task task = {m, n, k, lda, 1, width, ldc, 0, a, 0, (float *)packed, 0, 0, c, accumulate, 0};
    gg_small_gemm_run(&task);
}

// The calling thread's buffer for packed panels, kept between calls and grown when too small.
static _Thread_local float *gg_pack_buffer;
static _Thread_local long gg_pack_capacity;  // floats

static float *gg_caller_pack_buffer(long floats) {
    if (floats > gg_pack_capacity) {
        free(gg_pack_buffer);
        long capacity = (floats + floats / 4 + 15) & ~15L;  // aligned_alloc wants a multiple of 64 bytes
        gg_pack_buffer = aligned_alloc(64, (size_t)capacity * sizeof(float));
        gg_pack_capacity = gg_pack_buffer ? capacity : 0;
    }
    return gg_pack_buffer;
}

int gg_panel_gemm_f32(int transpose_a, int transpose_b, long m, long n, long k, const float *a, long lda,
                      const float *b, long ldb, float *c, long ldc, int accumulate, const float *row_bias) {
    long width = gg_small_gemm_panel_width();
    if (width == 0) return 0;
    float *packed = 0;
    if (m > 0 && n > 0 && k > 0) {
        packed = gg_caller_pack_buffer((n + width - 1) / width * width * k);
        if (!packed) return 0;
    }
    gg_small_gemm_task task = {m, n, k, transpose_a ? 1 : lda, transpose_a ? lda : 1, width, ldc, 0, a, b, packed, ldb,
                               transpose_b, c, accumulate && !row_bias, row_bias};
    gg_small_gemm_run(&task);
    return 1;
}

// Where the panel kernel beats OpenBLAS on AVX-512 (`gradguard bench gemm-threads`): every
// panel streams all of A, so A must stay within L2 (≤ 2¹⁷ floats: W2's products and W4's input
// projection qualify, W3's 256 × 1024 and 1024 × 256 operands do not, and there OpenBLAS's
// blocking wins, 0.6–0.9×); with fewer than 16 columns most of a 64-wide panel is padding
// (n = 1: 2.3 µs against BLAS's 0.3), unless the product is large enough for OpenBLAS to wake
// its second thread (over 2¹⁸ multiply-adds, SMP_THRESHOLD_MIN × GEMM_MULTITHREAD_THRESHOLD in
// OpenBLAS 0.3.21), which then waits actively for 0.1 s and competes with the helper thread:
// W2's last layer (128 × 256 · 256 × 10) on the panel kernel made the whole step 8 % faster;
// and up to 2²⁶ multiply-adds.
// On AVX2 (24-column panels) the same: the 4 × 24 assembly kernel above brought W2's products
// ahead of OpenBLAS's Zen kernel on an AMD EPYC Zen 3 (two threads: hidden forward 166 against
// 212 µs, weight gradient 168 against 265), and, alternating blocks of W2 steps in one process,
// the whole step took 0.90–0.96× the time with every product here (four of five runs; the fifth
// −1.4 %, not resolved). With only W2's smaller products here (A at most 2¹⁶ floats, the first
// layer's forward on OpenBLAS) the gain went: OpenBLAS's waiting threads then competed with the
// helper thread. A tall A stayed on OpenBLAS until 2026-12-02 (at most 512 rows): a panel 24
// columns wide streams A 2.7 times as often as a 64-column one. With C prefetched
// (gg_block_avx2_4rows), and since OpenBLAS runs one thread on two CPUs (BLASThreading), W4's
// input projection (3200 × 32 · 32 × 512) takes 652 µs here against 898 as two OpenBLAS halves
// and 1012 on OpenBLAS's two threads (`bench gemm-threads`), and without the limit W4's step
// took 0.968× and 0.973× the time, W5's 0.980× and 0.972× (100 pairs each, one process).
#define GG_PANEL_GEMM_A_FLOATS (1L << 17)
#define GG_PANEL_GEMM_MIN_COLUMNS 16
#define GG_BLAS_THREADS_MADDS (1L << 18)
#define GG_PANEL_GEMM_MADDS (1L << 26)

static int gg_panel_gemm_allowed = -1;  // -1: GRADGUARD_GEMM not read yet

int gg_gemm_prefers_panel(long m, long n, long k) {
    int allowed = __atomic_load_n(&gg_panel_gemm_allowed, __ATOMIC_RELAXED);
    if (allowed < 0) {
        const char *setting = getenv("GRADGUARD_GEMM");
        allowed = !(setting && strcmp(setting, "blas") == 0);
        __atomic_store_n(&gg_panel_gemm_allowed, allowed, __ATOMIC_RELAXED);
    }
    long width = gg_small_gemm_panel_width();
    return allowed && width > 0 && m * k <= GG_PANEL_GEMM_A_FLOATS
           && (n >= GG_PANEL_GEMM_MIN_COLUMNS || m * n * k > GG_BLAS_THREADS_MADDS) && m * n * k <= GG_PANEL_GEMM_MADDS;
}
