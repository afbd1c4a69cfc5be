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
#include "CKernels.h"
#include "Dispatch.h"

#if defined(__x86_64__)
#include <immintrin.h>

// k is walked in slices of this many panel rows, so that the slice a micro-kernel streams
// (GG_KC × 64 floats = 32 KiB) stays in L1 while every row block of A reuses it.
#define GG_KC 128

// --- AVX-512: 4 rows × 64 columns (16 zmm accumulators), masked tail columns -----------------

GG_AVX512 static inline void gg_block_avx512(
    int rows, long k, const float *a, long lda, const float *b, long ldb, float *c, long ldc, int accumulate,
    int vectors, __mmask16 tail) {
    __m512 acc[4][4];
    for (int r = 0; r < 4; r++)
        for (int v = 0; v < 4; v++) acc[r][v] = _mm512_setzero_ps();
    for (long p = 0; p < k; p++) {
        const float *bp = b + p * ldb;
        __m512 bv[4];
        for (int v = 0; v < 4; v++) bv[v] = _mm512_loadu_ps(bp + 16 * v);
        for (int r = 0; r < rows; r++) {
            __m512 av = _mm512_set1_ps(a[r * lda + p]);
            for (int v = 0; v < vectors; v++) acc[r][v] = _mm512_fmadd_ps(av, bv[v], acc[r][v]);
        }
    }
    for (int r = 0; r < rows; r++) {
        float *cr = c + r * ldc;
        for (int v = 0; v < vectors; v++) {
            __mmask16 m = v == vectors - 1 ? tail : (__mmask16)0xFFFF;
            __m512 sum = accumulate ? _mm512_add_ps(acc[r][v], _mm512_maskz_loadu_ps(m, cr + 16 * v)) : acc[r][v];
            _mm512_mask_storeu_ps(cr + 16 * v, m, sum);
        }
    }
}

// The row count and vector count are compile-time constants at each call, so the compiler
// unrolls the loops above and keeps the accumulators in registers.
#define GG_BLOCK512(ROWS, VECTORS) \
    gg_block_avx512(ROWS, kc, ap, lda, bp, ldb, cp, ldc, acc, VECTORS, tail)

GG_AVX512 static void gg_gemm_avx512(long m, long n, long k, const float *a, long lda, const float *packed,
                                     float *c, long ldc, int accumulate) {
    const long ldb = 64;
    for (long p0 = 0; p0 < k; p0 += GG_KC) {
        long kc = k - p0 < GG_KC ? k - p0 : GG_KC;
        int acc = accumulate || p0 > 0;
        for (long j = 0; j < n; j += 64) {
            long width = n - j < 64 ? n - j : 64;
            int vectors = (int)((width + 15) / 16);
            long rest = width - 16 * (vectors - 1);
            __mmask16 tail = (__mmask16)(rest == 16 ? 0xFFFF : (1u << rest) - 1);
            const float *bp = packed + j * k + p0 * ldb;
            for (long i = 0; i < m; i += 4) {
                const float *ap = a + i * lda + p0;
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

// --- AVX2 + FMA: 4 rows × 24 columns (12 ymm accumulators), scalar tail columns --------------

GG_AVX2 static inline void gg_block_avx2(
    int rows, long k, const float *a, long lda, const float *b, long ldb, float *c, long ldc, int accumulate) {
    __m256 acc[4][3];
    for (int r = 0; r < 4; r++)
        for (int v = 0; v < 3; v++) acc[r][v] = _mm256_setzero_ps();
    for (long p = 0; p < k; p++) {
        const float *bp = b + p * ldb;
        __m256 b0 = _mm256_loadu_ps(bp), b1 = _mm256_loadu_ps(bp + 8), b2 = _mm256_loadu_ps(bp + 16);
        for (int r = 0; r < rows; r++) {
            __m256 av = _mm256_broadcast_ss(a + r * lda + p);
            acc[r][0] = _mm256_fmadd_ps(av, b0, acc[r][0]);
            acc[r][1] = _mm256_fmadd_ps(av, b1, acc[r][1]);
            acc[r][2] = _mm256_fmadd_ps(av, b2, acc[r][2]);
        }
    }
    for (int r = 0; r < rows; r++)
        for (int v = 0; v < 3; v++) {
            float *cv = c + r * ldc + 8 * v;
            _mm256_storeu_ps(cv, accumulate ? _mm256_add_ps(acc[r][v], _mm256_loadu_ps(cv)) : acc[r][v]);
        }
}

GG_AVX2 static void gg_gemm_avx2(long m, long n, long k, const float *a, long lda, const float *packed,
                                 float *c, long ldc, int accumulate) {
    const long ldb = 24;
    float spill[4 * 24];
    for (long p0 = 0; p0 < k; p0 += GG_KC) {
        long kc = k - p0 < GG_KC ? k - p0 : GG_KC;
        int acc = accumulate || p0 > 0;
        for (long j = 0; j < n; j += 24) {
            long width = n - j < 24 ? n - j : 24;
            const float *bp = packed + j * k + p0 * ldb;
            for (long i = 0; i < m; i += 4) {
                long rows = m - i < 4 ? m - i : 4;
                const float *ap = a + i * lda + p0;
                // A partial panel is computed into a scratch block, then its columns are kept.
                float *cp = width == 24 ? c + i * ldc + j : spill;
                long ldcp = width == 24 ? ldc : 24;
                int accp = width == 24 ? acc : 0;
                switch (rows) {
                case 4: gg_block_avx2(4, kc, ap, lda, bp, ldb, cp, ldcp, accp); break;
                case 3: gg_block_avx2(3, kc, ap, lda, bp, ldb, cp, ldcp, accp); break;
                case 2: gg_block_avx2(2, kc, ap, lda, bp, ldb, cp, ldcp, accp); break;
                default: gg_block_avx2(1, kc, ap, lda, bp, ldb, cp, ldcp, accp); break;
                }
                if (width < 24)
                    for (long r = 0; r < rows; r++)
                        for (long q = 0; q < width; q++) {
                            float *out = c + (i + r) * ldc + j + q;
                            *out = acc ? *out + spill[r * 24 + q] : spill[r * 24 + q];
                        }
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

void gg_small_gemm_pack_f32(long k, long n, const float *b, long ldb, int transposed, long width, float *packed) {
    for (long j0 = 0; j0 < n; j0 += width)
        for (long p = 0; p < k; p++) {
            float *row = packed + j0 * k + p * width;
            for (long q = 0; q < width; q++) {
                long j = j0 + q;
                row[q] = j >= n ? 0 : transposed ? b[j * ldb + p] : b[p * ldb + j];
            }
        }
}

typedef struct {
    long m, n, k, lda, width, ldc, split;  // split: the first column of the second half
    const float *a, *packed;
    float *c;
    int accumulate;
} gg_small_gemm_task;

static void gg_small_gemm_columns(const gg_small_gemm_task *t, long begin, long end) {
    if (end <= begin) return;
#if defined(__x86_64__)
    const float *panels = t->packed + begin * t->k;
    if (t->width == 64) gg_gemm_avx512(t->m, end - begin, t->k, t->a, t->lda, panels, t->c + begin, t->ldc, t->accumulate);
    else if (t->width == 24) gg_gemm_avx2(t->m, end - begin, t->k, t->a, t->lda, panels, t->c + begin, t->ldc, t->accumulate);
#endif
}

static void gg_small_gemm_half(void *context, int half) {
    const gg_small_gemm_task *t = context;
    if (half == 0) gg_small_gemm_columns(t, 0, t->split);
    else gg_small_gemm_columns(t, t->split, t->n);
}

// Below this many multiply-adds (about 5 µs of one core's work) a second thread costs more
// than it saves.
#define GG_SMALL_GEMM_SPLIT_MADDS (1L << 19)

void gg_small_gemm_f32(long m, long n, long k, const float *a, long lda, const float *packed, long width, float *c,
                       long ldc, int accumulate) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0) {
        if (!accumulate)
            for (long i = 0; i < m; i++)
                for (long j = 0; j < n; j++) c[i * ldc + j] = 0;
        return;
    }
    long panels = (n + width - 1) / width;
    gg_small_gemm_task task = {m, n, k, lda, width, ldc, (panels + 1) / 2 * width, a, packed, c, accumulate};
    if (panels >= 2 && m * n * k >= GG_SMALL_GEMM_SPLIT_MADDS) gg_run_in_halves(gg_small_gemm_half, &task);
    else gg_small_gemm_columns(&task, 0, n);
}
