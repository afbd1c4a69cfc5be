// One-pass statistics of float arrays for the gradient monitor and clipping, with the range of
// double at close to float's speed. Arrays are taken in blocks of GG_BLOCK elements, each summed
// in float over vector lanes (`#pragma clang fp reassociate(on)`), the block sums added in
// double.
// - Sums of squares (norms) scale each block by the power of two that brings its largest
//   magnitude into [0.5, 1) first, so neither overflow nor underflow can occur, however large
//   or vanishing the values: exactly the case of exploding and vanishing gradients.
// - Statistics of outputs (sum, sum of squares, finite count, activation derivative) keep a
//   block's float sums when its sum of squares lies in [1e-30, 1e30], and otherwise (or with a
//   NaN) sum that block again in double, element by element.
// Both run their float part with denormals flushed to zero (MXCSR FTZ and DAZ, restored after):
// a denormal square would otherwise cost a microcode assist per element, and what it adds
// (below 2^-126 of the block's largest square) is far under float's rounding. A float block
// sum is within about 1e-6 relative of the double one (Higham, "Accuracy and Stability of
// Numerical Algorithms", §4.2). The result never overflows for finite input and keeps any NaN
// or ∞ that is there.
#if defined(__x86_64__)
#include <xmmintrin.h>
#endif
#include <math.h>
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

// kind −1: statistics only; 0 sigmoid: flagged = saturated (y < 0.0025 or y > 0.9975, σ′ below
// 1 % of its 0.25 maximum), σ′ = y(1 − y); 1 tanh: |y| > 0.995, σ′ = 1 − y²; 2 ReLU: flagged
// counts the active outputs y > 0, σ′ = 1 there.
// One element into the accumulators SUM, SQUARES, FINITE, DERIVATIVE and FLAGGED (scalars,
// or one lane of each).
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

// Σ x² of one block: its largest magnitude (found on the bit patterns, an integer maximum that
// vectorises, and above that of ∞ exactly when there is a NaN) sets a power-of-two scale 2^-e
// with the largest scaled value in [0.5, 1); the scaled squares are summed in float and the sum
// scaled back by 2^2e in double. A block with ∞ or NaN, or of values below 2^-120 only, takes
// the double loop.
// The float sums run over GG_LANES explicit lanes (two AVX-512 registers), each summing at most
// GG_BLOCK / GG_LANES = 32 values, so the error stays near 1e-6 even where the compiler does not
// vectorise (an unoptimised build).
typedef unsigned gg_bits __attribute__((may_alias));
#define GG_LANES 32

#define GG_SQUARES_BODY                                                    \
    _Pragma("clang fp reassociate(on)")                                    \
    double total = 0;                                                      \
    for (long start = 0; start < n; start += GG_BLOCK) {                   \
        long c = n - start < GG_BLOCK ? n - start : GG_BLOCK;              \
        const float *b = x + start;                                        \
        const gg_bits *bits = (const gg_bits *)b;                          \
        unsigned largest = 0;                                              \
        for (long i = 0; i < c; i++) {                                     \
            unsigned a = bits[i] & 0x7fffffffu;                            \
            largest = a > largest ? a : largest;                           \
        }                                                                  \
        if (largest == 0) continue;                                        \
        int exponent = (int)(largest >> 23); /* biased; 255: ∞ or NaN */   \
        if (exponent >= 7 && exponent <= 252) {                            \
            int e = exponent - 126; /* largest · 2^-e ∈ [0.5, 1) */        \
            union { unsigned u; float f; } scale = {(unsigned)(127 - e) << 23}; \
            float lanes[GG_LANES] = {0}, squares = 0;                      \
            long whole = c - c % GG_LANES;                                 \
            GG_FLUSH_DENORMALS                                             \
            for (long i = 0; i < whole; i += GG_LANES)                     \
                for (long j = 0; j < GG_LANES; j++) {                      \
                    float v = b[i + j] * scale.f;                          \
                    lanes[j] += v * v;                                     \
                }                                                          \
            for (long i = whole; i < c; i++) {                             \
                float v = b[i] * scale.f;                                  \
                squares += v * v;                                          \
            }                                                              \
            for (long j = 0; j < GG_LANES; j++) squares += lanes[j];       \
            GG_RESTORE_DENORMALS                                           \
            total += ldexp((double)squares, 2 * e);                        \
            continue;                                                      \
        }                                                                  \
        double exact = 0;                                                  \
        for (long i = 0; i < c; i++) exact += (double)b[i] * b[i];         \
        total += exact;                                                    \
    }                                                                      \
    return total;

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
