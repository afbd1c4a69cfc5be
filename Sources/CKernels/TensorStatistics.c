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
//   one, 4e-6 at worst (FloatLanes.h; Higham, "Accuracy and Stability of Numerical Algorithms",
//   §4.2).
// `#pragma clang fp reassociate(on)` lets clang split each sum over vector lanes.
#include "CKernels.h"
#include "Dispatch.h"
#include "FloatLanes.h"

#define GG_BLOCK 1024L

// One element into the accumulators SUM, SQUARES, FINITE, DERIVATIVE and FLAGGED, for a block
// summed in double. KIND −1: statistics only; 0 sigmoid: flagged = saturated (y < 0.0025 or
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

// The float part of one block for KIND: sums of y, y², σ′ and the flagged count, with no finite
// test: a NaN or ±∞ makes the sum of squares NaN or ∞, and the block is then summed again in
// double, which counts them. Saturation is tested on σ′ itself, which is the same test for any
// y: y(1 − y) < 0.0025·0.9975 exactly when y < 0.0025 or y > 0.9975, and 1 − y² < 1 − 0.995²
// exactly when |y| > 0.995 (up to float rounding at the boundary). Each σ′ costs one fused
// instruction, and each flag a comparison and an integer subtraction (COUNT below). Measured on
// 32 K floats (Xeon model 106, AVX-512): from the level-1 cache 1.4–2.0 µs (statistics only) and
// 2.8–3.4 µs (sigmoid); the version with two vectors per sum, a loop over the lanes for each
// block total and a separate product for σ′ took 2.3–2.9 and 3.1–4.3 µs.

// The flag counts' lanes (int, one per float lane) and their total.
typedef int gg_counts8 __attribute__((ext_vector_type(8)));
typedef int gg_counts16 __attribute__((ext_vector_type(16)));
#define gg_count_total(V)                                                  \
    ({                                                                     \
        __typeof__(V) gg_c_ = (V);                                         \
        long gg_t_ = 0;                                                    \
        for (int gg_i_ = 0; gg_i_ < (int)(sizeof(gg_c_) / sizeof(int)); gg_i_++) gg_t_ += gg_c_[gg_i_]; \
        gg_t_;                                                             \
    })
#define GG_SIGMOID_FLAG 0.00249375f
#define GG_TANH_FLAG 0.009975f
// COUNT(F, C) adds the test C to the flag count F: for lanes, C is a vector of 0 and −1 (all
// bits set) and the count an int vector, so one subtraction counts it; for one float, C is 0 or
// 1. A count in float lanes took an addition and a blend: the sigmoid with both summaries over
// W2's twenty layers (AMD EPYC Zen 3, AVX2, two threads, data in cache) took 199–205 µs with int
// lanes against 205–208 (the plain sigmoid 139), the statistics' share 0.88–0.97× what it was;
// tanh 441–443 against 448–450; ReLU (the flag its only statistic beyond the sums) no difference
// resolved, 100–155 against 102–154 over five alternations while the machine's speed moved both.
#define GG_COUNT_LANES(F, C) F -= (C);
#define GG_COUNT_ONE(F, C) F += (C);
#define GG_SUMMARY_FAST(KIND, V, S, Q, D, F, ONE, COUNT)                   \
    {                                                                      \
        S += V;                                                            \
        Q = GG_SUMMARY_FMA(V, V, Q);                                       \
        if (KIND == 0) {                                                   \
            __typeof__(V) gg_d_ = GG_SUMMARY_FMA(-V, V, V);                \
            D += gg_d_;                                                    \
            COUNT(F, gg_d_ < GG_SIGMOID_FLAG)                              \
        } else if (KIND == 1) {                                            \
            __typeof__(V) gg_d_ = GG_SUMMARY_FMA(-V, V, ONE);              \
            D += gg_d_;                                                    \
            COUNT(F, gg_d_ < GG_TANH_FLAG)                                 \
        } else if (KIND == 2) {                                            \
            COUNT(F, V > 0.0f)                                             \
        }                                                                  \
    }

// One block: in float lanes, or again in double when its float sum of squares is out of range
// (or NaN). The lanes are each variant's GG_SUMMARY_LANES (a vector type of GG_SUMMARY_WIDTH
// floats, GG_SUMMARY_VECTORS of them per sum, totalled by GG_SUMMARY_TOTAL), defined before it.
#define GG_SUMMARY_BLOCK(KIND)                                             \
    {                                                                      \
        _Pragma("clang fp contract(fast)")                                 \
        const GG_SUMMARY_LANES one = 1;                                    \
        GG_SUMMARY_LANES s0 = 0, s1 = 0, q0 = 0, q1 = 0, d0 = 0, d1 = 0;   \
        GG_SUMMARY_LANES s2 = 0, s3 = 0, q2 = 0, q3 = 0, d2 = 0, d3 = 0;   \
        GG_SUMMARY_COUNTS f0 = 0, f1 = 0, f2 = 0, f3 = 0;                  \
        float ts = 0, tq = 0, td = 0;                                      \
        long tf = 0;                                                       \
        const long step = GG_SUMMARY_VECTORS * GG_SUMMARY_WIDTH;           \
        long whole = c - c % step;                                         \
        for (long i = 0; i < whole; i += step) {                           \
            GG_SUMMARY_LANES a, b;                                         \
            GG_LOAD(a, x + i);                                             \
            GG_LOAD(b, x + i + GG_SUMMARY_WIDTH);                          \
            GG_SUMMARY_FAST(KIND, a, s0, q0, d0, f0, one, GG_COUNT_LANES) \
            GG_SUMMARY_FAST(KIND, b, s1, q1, d1, f1, one, GG_COUNT_LANES) \
            if (GG_SUMMARY_VECTORS == 4) {                                 \
                GG_SUMMARY_LANES e, h;                                     \
                GG_LOAD(e, x + i + 2 * GG_SUMMARY_WIDTH);                  \
                GG_LOAD(h, x + i + 3 * GG_SUMMARY_WIDTH);                  \
                GG_SUMMARY_FAST(KIND, e, s2, q2, d2, f2, one, GG_COUNT_LANES) \
                GG_SUMMARY_FAST(KIND, h, s3, q3, d3, f3, one, GG_COUNT_LANES) \
            }                                                              \
        }                                                                  \
        for (long i = whole; i < c; i++) {                                 \
            float v = x[i];                                                \
            GG_SUMMARY_FAST(KIND, v, ts, tq, td, tf, 1.0f, GG_COUNT_ONE)  \
        }                                                                  \
        GG_SUMMARY_FINISH(KIND, x, out, (s0 + s1) + (s2 + s3), (q0 + q1) + (q2 + q3), (d0 + d1) + (d2 + d3), \
                          (f0 + f1) + (f2 + f3), ts, tq, td, tf)                 \
    }

// A block's lane sums S, Q, D and counts F (and its scalar tails TS…TF) into *OUT, or the block
// P again in double when its float sum of squares is out of range (or NaN).
#define GG_SUMMARY_FINISH(KIND, P, OUT, S, Q, D, F, TS, TQ, TD, TF)        \
    {                                                                      \
        float block_squares = GG_SUMMARY_TOTAL(Q) + (TQ);                  \
        if (gg_block_in_range(block_squares)) {                            \
            (OUT)->sum_squares += block_squares;                           \
            (OUT)->sum += GG_SUMMARY_TOTAL(S) + (TS);                      \
            (OUT)->derivative += GG_SUMMARY_TOTAL(D) + (TD);               \
            (OUT)->finite += c;                                            \
            (OUT)->flagged += gg_count_total(F) + (TF);                    \
        } else { /* in double, with denormals as they are */               \
            GG_RESTORE_DENORMALS                                           \
            gg_summary_block_double(P, c, KIND, OUT);                      \
            GG_FLUSH_AGAIN                                                 \
        }                                                                  \
    }

// One block of two arrays in one loop: x's statistics (kind −1) into *input and y's (KIND) into
// *output, two vectors per sum each, so that a vector's sums wait on their previous additions
// behind twice as many independent ones as in GG_SUMMARY_BLOCK's loop.
#define GG_SUMMARY_PAIR_BLOCK(KIND)                                        \
    {                                                                      \
        _Pragma("clang fp contract(fast)")                                 \
        const GG_SUMMARY_LANES one = 1;                                    \
        GG_SUMMARY_LANES xs0 = 0, xs1 = 0, xq0 = 0, xq1 = 0, xd0 = 0, xd1 = 0; \
        GG_SUMMARY_LANES ys0 = 0, ys1 = 0, yq0 = 0, yq1 = 0, yd0 = 0, yd1 = 0; \
        GG_SUMMARY_COUNTS xf0 = 0, xf1 = 0, yf0 = 0, yf1 = 0;              \
        float xts = 0, xtq = 0, xtd = 0, yts = 0, ytq = 0, ytd = 0;        \
        long xtf = 0, ytf = 0;                                             \
        const long step = 2 * GG_SUMMARY_WIDTH;                            \
        long whole = c - c % step;                                         \
        for (long i = 0; i < whole; i += step) {                           \
            GG_SUMMARY_LANES a, b, e, h;                                   \
            GG_LOAD(a, x + i);                                             \
            GG_LOAD(b, x + i + GG_SUMMARY_WIDTH);                          \
            GG_LOAD(e, y + i);                                             \
            GG_LOAD(h, y + i + GG_SUMMARY_WIDTH);                          \
            GG_SUMMARY_FAST(-1, a, xs0, xq0, xd0, xf0, one, GG_COUNT_LANES) \
            GG_SUMMARY_FAST(-1, b, xs1, xq1, xd1, xf1, one, GG_COUNT_LANES) \
            GG_SUMMARY_FAST(KIND, e, ys0, yq0, yd0, yf0, one, GG_COUNT_LANES) \
            GG_SUMMARY_FAST(KIND, h, ys1, yq1, yd1, yf1, one, GG_COUNT_LANES) \
        }                                                                  \
        for (long i = whole; i < c; i++) {                                 \
            float u = x[i], v = y[i];                                      \
            GG_SUMMARY_FAST(-1, u, xts, xtq, xtd, xtf, 1.0f, GG_COUNT_ONE) \
            GG_SUMMARY_FAST(KIND, v, yts, ytq, ytd, ytf, 1.0f, GG_COUNT_ONE) \
        }                                                                  \
        GG_SUMMARY_FINISH(-1, x, input, xs0 + xs1, xq0 + xq1, xd0 + xd1, xf0 + xf1, xts, xtq, xtd, xtf) \
        GG_SUMMARY_FINISH(KIND, y, output, ys0 + ys1, yq0 + yq1, yd0 + yd1, yf0 + yf1, yts, ytq, ytd, ytf) \
    }

// Blocks of GG_BLOCK elements with denormals flushed: POINTERS sets each block's x (and y) from
// `start`, BLOCK(KIND) summarises it for the call's `kind`.
#define GG_SUMMARY_BLOCKS(POINTERS, BLOCK)                                 \
    GG_FLUSH_DENORMALS                                                     \
    for (long start = 0; start < n; start += GG_BLOCK) {                   \
        long c = n - start < GG_BLOCK ? n - start : GG_BLOCK;              \
        POINTERS                                                           \
        switch (kind) {                                                    \
        case 0: BLOCK(0) break;                                            \
        case 1: BLOCK(1) break;                                            \
        case 2: BLOCK(2) break;                                            \
        default: BLOCK(-1) break;                                          \
        }                                                                  \
    }                                                                      \
    GG_RESTORE_DENORMALS

#define GG_SUMMARY_BODY GG_SUMMARY_BLOCKS(const float *x = data + start;, GG_SUMMARY_BLOCK)
#define GG_SUMMARY_PAIR_BODY \
    GG_SUMMARY_BLOCKS(const float *x = xs + start; const float *y = ys + start;, GG_SUMMARY_PAIR_BLOCK)

#define GG_SUMMARY_PAIR_ARGS const float *xs, const float *ys, long n, int kind, gg_summary *input, gg_summary *output

// Σ x² in double: as fast as float blocks here (measured: 2.2–2.4 µs against 2.0 for 32 K
// floats from L2; the pass is bound by memory, and a double square of any float is a normal
// number, so no denormal slows it), exact to double's rounding and never overflowing or
// underflowing for float input.
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

// The summary's lanes per variant: AVX-512 16 lanes, four vectors per sum; the others 8 lanes,
// two vectors per sum, which fit their registers (FloatLanes.h). Measured capped at AVX2 on an
// AMD EPYC Zen 4 (2048 floats in L1, sigmoid's statistics): 16 lanes × 4 took 0.16 ns per float
// (its accumulators spilled to the stack), 8 × 4 0.13–0.14, 8 × 2 0.09–0.11; the x86 baseline
// 8 × 2 0.24, 16 × 4 0.29 (with __builtin_elementwise_fma, a libm call per lane there: 4.9).
#define GG_SUMMARY_LANES gg_lanes8
#define GG_SUMMARY_COUNTS gg_counts8
#define GG_SUMMARY_WIDTH 8
#define GG_SUMMARY_VECTORS 2
#define GG_SUMMARY_TOTAL GG_LANE_TOTAL8
#define GG_SUMMARY_FMA GG_LANE_FMA_BASELINE
static void summary_baseline(const float *data, long n, int kind, gg_summary *out) { GG_SUMMARY_BODY }
static void summary_pair_baseline(GG_SUMMARY_PAIR_ARGS) { GG_SUMMARY_PAIR_BODY }
#undef GG_SUMMARY_FMA
#define GG_SUMMARY_FMA __builtin_elementwise_fma
static double squares_baseline(const float *x, long n) { GG_SQUARES_BODY }
static double distance_baseline(const float *a, const float *b, long n) { GG_DISTANCE_BODY }

#if defined(__x86_64__)
GG_AVX2 static void summary_avx2(const float *data, long n, int kind, gg_summary *out) { GG_SUMMARY_BODY }
GG_AVX2 static void summary_pair_avx2(GG_SUMMARY_PAIR_ARGS) { GG_SUMMARY_PAIR_BODY }
#undef GG_SUMMARY_LANES
#undef GG_SUMMARY_COUNTS
#undef GG_SUMMARY_WIDTH
#undef GG_SUMMARY_VECTORS
#undef GG_SUMMARY_TOTAL
#define GG_SUMMARY_LANES gg_lanes
#define GG_SUMMARY_COUNTS gg_counts16
#define GG_SUMMARY_WIDTH GG_LANES
#define GG_SUMMARY_VECTORS 4
#define GG_SUMMARY_TOTAL GG_LANE_TOTAL
GG_AVX512 static void summary_avx512(const float *data, long n, int kind, gg_summary *out) { GG_SUMMARY_BODY }
GG_AVX512 static void summary_pair_avx512(GG_SUMMARY_PAIR_ARGS) { GG_SUMMARY_PAIR_BODY }
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

void gg_summary_pair_f32(const float *x, const float *y, long n, int kind, gg_summary *input, gg_summary *output) {
    *input = (gg_summary){0};
    *output = (gg_summary){0};
#if defined(__x86_64__)
    switch (gg_isa_level()) {
    case 2: summary_pair_avx512(x, y, n, kind, input, output); break;
    case 1: summary_pair_avx2(x, y, n, kind, input, output); break;
    default: summary_pair_baseline(x, y, n, kind, input, output); break;
    }
#else
    summary_pair_baseline(x, y, n, kind, input, output);
#endif
    if (kind == 2) output->derivative = (double)output->flagged;  // ReLU: σ′ = 1 on the active outputs
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
