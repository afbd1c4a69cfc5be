// One-pass statistics of float arrays for the gradient monitor, accumulated in double (a float
// sum of squares overflows for values near 1e20, and loses digits over large arrays).
// `#pragma clang fp reassociate(on)` lets clang split each sum over vector lanes; the result
// can differ from a strict left-to-right sum in the last bits, never in range.
#include "CKernels.h"
#include "Dispatch.h"

#define GG_STATS_BODY                                                      \
    _Pragma("clang fp reassociate(on)")                                    \
    double sum = 0, squares = 0;                                           \
    long finite = 0;                                                       \
    for (long i = 0; i < n; i++) {                                         \
        float v = x[i];                                                    \
        int ok = (v - v) == 0.0f; /* false for NaN and ±inf */             \
        double d = ok ? (double)v : 0.0;                                   \
        sum += d;                                                          \
        squares += d * d;                                                  \
        finite += ok;                                                      \
    }                                                                      \
    out->sum = sum;                                                        \
    out->sum_squares = squares;                                            \
    out->finite = finite;

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

// kind 0 sigmoid: saturated when y < 0.0025 or y > 0.9975 (σ′ below 1 % of its 0.25 maximum),
// σ′ = y(1 − y); kind 1 tanh: |y| > 0.995, σ′ = 1 − y²; kind 2 ReLU: "saturated" counts the
// active outputs y > 0, σ′ = 1 there.
#define GG_ACTIVATION_BODY                                                 \
    _Pragma("clang fp reassociate(on)")                                    \
    double derivative = 0;                                                 \
    long count = 0;                                                        \
    if (kind == 0) {                                                       \
        for (long i = 0; i < n; i++) {                                     \
            float v = y[i];                                                \
            count += (v < 0.0025f) | (v > 0.9975f);                        \
            derivative += (double)(v * (1.0f - v));                        \
        }                                                                  \
    } else if (kind == 1) {                                                \
        for (long i = 0; i < n; i++) {                                     \
            float v = y[i];                                                \
            count += (v > 0.995f) | (v < -0.995f);                         \
            derivative += (double)(1.0f - v * v);                          \
        }                                                                  \
    } else {                                                               \
        for (long i = 0; i < n; i++) count += y[i] > 0.0f;                \
        derivative = (double)count;                                        \
    }                                                                      \
    *flagged = count;                                                      \
    return derivative;

static void stats_baseline(const float *x, long n, gg_stats *out) { GG_STATS_BODY }
static double squares_baseline(const float *x, long n) { GG_SQUARES_BODY }
static double distance_baseline(const float *a, const float *b, long n) { GG_DISTANCE_BODY }

static double activation_baseline(const float *y, long n, int kind, long *flagged) { GG_ACTIVATION_BODY }

#if defined(__x86_64__)
GG_AVX512 static double activation_avx512(const float *y, long n, int kind, long *flagged) { GG_ACTIVATION_BODY }
GG_AVX2 static double activation_avx2(const float *y, long n, int kind, long *flagged) { GG_ACTIVATION_BODY }
GG_AVX512 static void stats_avx512(const float *x, long n, gg_stats *out) { GG_STATS_BODY }
GG_AVX2 static void stats_avx2(const float *x, long n, gg_stats *out) { GG_STATS_BODY }
GG_AVX512 static double squares_avx512(const float *x, long n) { GG_SQUARES_BODY }
GG_AVX2 static double squares_avx2(const float *x, long n) { GG_SQUARES_BODY }
GG_AVX512 static double distance_avx512(const float *a, const float *b, long n) { GG_DISTANCE_BODY }
GG_AVX2 static double distance_avx2(const float *a, const float *b, long n) { GG_DISTANCE_BODY }
#endif

void gg_stats_f32(const float *x, long n, gg_stats *out) {
#if defined(__x86_64__)
    switch (gg_isa_level()) {
    case 2: stats_avx512(x, n, out); return;
    case 1: stats_avx2(x, n, out); return;
    }
#endif
    stats_baseline(x, n, out);
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
#if defined(__x86_64__)
    switch (gg_isa_level()) {
    case 2: return activation_avx512(y, n, kind, flagged);
    case 1: return activation_avx2(y, n, kind, flagged);
    }
#endif
    return activation_baseline(y, n, kind, flagged);
}
