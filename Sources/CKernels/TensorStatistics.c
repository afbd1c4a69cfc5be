// One-pass statistics of float arrays for the gradient monitor and clipping, with the range of
// double.
// - Sums of squares (norms, clipping) are accumulated in double.
// - The statistics of a layer's output (sum, sum of squares, finite count and, for an
//   activation, its σ′ statistics) come from one pass, twice as fast as two double passes: the
//   array is taken in blocks of GG_BLOCK elements, each summed in float over explicit lanes,
//   the block sums added in double. A block whose float sum of squares leaves [1e-30, 1e30] —
//   where float could overflow, or lose its small terms — or is NaN is summed again in double,
//   element by element. The float part runs with denormals flushed to zero (MXCSR FTZ and DAZ,
//   restored after): a denormal would cost a microcode assist per element, and what it adds is
//   far under float's rounding. A float block sum is within about 1e-6 relative of the double
//   one (Higham, "Accuracy and Stability of Numerical Algorithms", §4.2).
// `#pragma clang fp reassociate(on)` lets clang split each sum over vector lanes.
#if defined(__x86_64__)
#include <xmmintrin.h>
#endif
#include "CKernels.h"
#include "Dispatch.h"

#define GG_BLOCK 1024L

#if defined(__x86_64__)
#define GG_FLUSH_DENORMALS unsigned gg_csr_ = _mm_getcsr(); _mm_setcsr(gg_csr_ | 0x8040);
#define GG_RESTORE_DENORMALS _mm_setcsr(gg_csr_);
#else
#define GG_FLUSH_DENORMALS
#define GG_RESTORE_DENORMALS
#endif

static inline int gg_block_in_range(float squares) { return squares >= 1e-30f && squares <= 1e30f; }

// One element into the accumulators SUM, SQUARES, FINITE, DERIVATIVE and FLAGGED (scalars, or
// one lane of each). KIND −1: statistics only; 0 sigmoid: flagged = saturated (y < 0.0025 or
// y > 0.9975, σ′ below 1 % of its 0.25 maximum), σ′ = y(1 − y); 1 tanh: |y| > 0.995, σ′ = 1 − y²;
// 2 ReLU: flagged counts the active outputs y > 0 (σ′ = 1 there, set from the count at the end).
#define GG_SUMMARY_ELEMENT(T, KIND, v, SUM, SQUARES, FINITE, DERIVATIVE, FLAGGED) \
    {                                                                      \
        int ok = (v - v) == 0; /* false for NaN and ±inf */                \
        T f = ok ? (T)v : (T)0;                                            \
        SUM += f;                                                          \
        SQUARES += f * f;                                                  \
        FINITE += ok;                                                      \
        if (KIND == 0) {                                                   \
            FLAGGED += (v < 0.0025f) | (v > 0.9975f);                      \
            DERIVATIVE += (T)(v * (1.0f - v));                             \
        } else if (KIND == 1) {                                            \
            FLAGGED += (v > 0.995f) | (v < -0.995f);                       \
            DERIVATIVE += (T)(1.0f - v * v);                               \
        } else if (KIND == 2) {                                            \
            FLAGGED += v > 0.0f;                                           \
        }                                                                  \
    }

// One block: in float over GG_SUMMARY_LANES lanes (each lane sums at most 64 values, so the
// error stays small where the compiler does not vectorise), or again in double when its float
// sum of squares is out of range.
#define GG_SUMMARY_LANES 16
#define GG_SUMMARY_LANE(KIND, v, j) \
    GG_SUMMARY_ELEMENT(float, KIND, v, sum[j], squares[j], finite[j], derivative[j], flagged[j])
#define GG_SUMMARY_BLOCK(KIND)                                             \
    {                                                                      \
        _Pragma("clang fp reassociate(on)")                                \
        float sum[GG_SUMMARY_LANES] = {0}, squares[GG_SUMMARY_LANES] = {0}; \
        float derivative[GG_SUMMARY_LANES] = {0};                          \
        int finite[GG_SUMMARY_LANES] = {0}, flagged[GG_SUMMARY_LANES] = {0}; \
        long whole = c - c % GG_SUMMARY_LANES;                             \
        GG_FLUSH_DENORMALS                                                 \
        for (long i = 0; i < whole; i += GG_SUMMARY_LANES)                 \
            for (long j = 0; j < GG_SUMMARY_LANES; j++) GG_SUMMARY_LANE(KIND, x[i + j], j) \
        for (long i = whole; i < c; i++) GG_SUMMARY_LANE(KIND, x[i], 0)    \
        GG_RESTORE_DENORMALS                                               \
        float block_squares = 0;                                           \
        for (long j = 0; j < GG_SUMMARY_LANES; j++) block_squares += squares[j]; \
        if (gg_block_in_range(block_squares)) {                            \
            out->sum_squares += block_squares;                             \
            for (long j = 0; j < GG_SUMMARY_LANES; j++) {                  \
                out->sum += sum[j];                                        \
                out->derivative += derivative[j];                          \
                out->finite += finite[j];                                  \
                out->flagged += flagged[j];                                \
            }                                                              \
        } else {                                                           \
            gg_summary_block_double(x, c, KIND, out);                      \
        }                                                                  \
    }

#define GG_SUMMARY_BODY                                                    \
    for (long start = 0; start < n; start += GG_BLOCK) {                   \
        long c = n - start < GG_BLOCK ? n - start : GG_BLOCK;              \
        const float *x = data + start;                                     \
        switch (kind) {                                                    \
        case 0: GG_SUMMARY_BLOCK(0) break;                                 \
        case 1: GG_SUMMARY_BLOCK(1) break;                                 \
        case 2: GG_SUMMARY_BLOCK(2) break;                                 \
        default: GG_SUMMARY_BLOCK(-1) break;                               \
        }                                                                  \
    }

// Σ x² in double: as fast as a float sum here (the pass is bound by memory, and a double
// square of any float is a normal number, so no denormal slows it), exact to double's rounding
// and never overflowing or underflowing for float input.
#define GG_SQUARES_BODY                                                    \
    _Pragma("clang fp reassociate(on)")                                    \
    double squares = 0;                                                    \
    for (long i = 0; i < n; i++) {                                         \
        double d = (double)x[i];                                           \
        squares += d * d;                                                  \
    }                                                                      \
    return squares;

#define GG_DISTANCE_BODY                                                   \
    _Pragma("clang fp reassociate(on)")                                    \
    double squares = 0;                                                    \
    for (long i = 0; i < n; i++) {                                         \
        double d = (double)(a[i] - b[i]);                                  \
        squares += d * d;                                                  \
    }                                                                      \
    return squares;

/// One block summed in double (out of float's range, or holding NaN or ±∞).
static void gg_summary_block_double(const float *x, long c, int kind, gg_summary *out) {
    _Pragma("clang fp reassociate(on)")
    double sum = 0, squares = 0, derivative = 0;
    long finite = 0, flagged = 0;
#define GG_SUMMARY_DOUBLE(KIND) GG_SUMMARY_ELEMENT(double, KIND, x[i], sum, squares, finite, derivative, flagged)
    switch (kind) {
    case 0: for (long i = 0; i < c; i++) GG_SUMMARY_DOUBLE(0) break;
    case 1: for (long i = 0; i < c; i++) GG_SUMMARY_DOUBLE(1) break;
    case 2: for (long i = 0; i < c; i++) GG_SUMMARY_DOUBLE(2) break;
    default: for (long i = 0; i < c; i++) GG_SUMMARY_DOUBLE(-1) break;
    }
    out->sum += sum;
    out->sum_squares += squares;
    out->derivative += derivative;
    out->finite += finite;
    out->flagged += flagged;
}

static void summary_baseline(const float *data, long n, int kind, gg_summary *out) { GG_SUMMARY_BODY }
static double squares_baseline(const float *x, long n) { GG_SQUARES_BODY }
static double distance_baseline(const float *a, const float *b, long n) { GG_DISTANCE_BODY }

#if defined(__x86_64__)
GG_AVX512 static void summary_avx512(const float *data, long n, int kind, gg_summary *out) { GG_SUMMARY_BODY }
GG_AVX2 static void summary_avx2(const float *data, long n, int kind, gg_summary *out) { GG_SUMMARY_BODY }
GG_AVX512 static double squares_avx512(const float *x, long n) { GG_SQUARES_BODY }
GG_AVX2 static double squares_avx2(const float *x, long n) { GG_SQUARES_BODY }
GG_AVX512 static double distance_avx512(const float *a, const float *b, long n) { GG_DISTANCE_BODY }
GG_AVX2 static double distance_avx2(const float *a, const float *b, long n) { GG_DISTANCE_BODY }
#endif

void gg_summary_f32(const float *x, long n, int kind, gg_summary *out) {
    *out = (gg_summary){0};
#if defined(__x86_64__)
    switch (gg_isa_level()) {
    case 2: summary_avx512(x, n, kind, out); break;
    case 1: summary_avx2(x, n, kind, out); break;
    default: summary_baseline(x, n, kind, out); break;
    }
#else
    summary_baseline(x, n, kind, out);
#endif
    if (kind == 2) out->derivative = (double)out->flagged;  // ReLU: σ′ = 1 on the active outputs
}

void gg_stats_f32(const float *x, long n, gg_stats *out) {
    gg_summary s;
    gg_summary_f32(x, n, -1, &s);
    out->sum = s.sum;
    out->sum_squares = s.sum_squares;
    out->finite = s.finite;
}

double gg_sum_squares_f32(const float *x, long n) {
#if defined(__x86_64__)
    switch (gg_isa_level()) {
    case 2: return squares_avx512(x, n);
    case 1: return squares_avx2(x, n);
    }
#endif
    return squares_baseline(x, n);
}

double gg_distance_squared_f32(const float *a, const float *b, long n) {
#if defined(__x86_64__)
    switch (gg_isa_level()) {
    case 2: return distance_avx512(a, b, n);
    case 1: return distance_avx2(a, b, n);
    }
#endif
    return distance_baseline(a, b, n);
}

double gg_activation_stats_f32(const float *y, long n, int kind, long *flagged) {
    gg_summary s;
    gg_summary_f32(y, n, kind, &s);
    *flagged = s.flagged;
    return s.derivative;
}
