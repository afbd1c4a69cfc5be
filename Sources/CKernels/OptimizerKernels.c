// Optimizer update loops over float arrays that also measure the step (Σp², Σg², Σ(Δp)², with
// double's range) as they go, for the gradient monitor: no copy of the weights and no extra pass
// over memory. Compiled for AVX-512, AVX2 and baseline x86-64 and chosen at run time. The update
// does the same operations in the same order as the Swift rule it stands for, without fusing
// multiply-adds, so the weights are the same bits on every instruction set and whether measured
// or not; only the measuring sums may be reassociated and fused.
//
// The sums are taken in float lanes inside the update loop, block by block: per block of
// GG_MEASURE_BLOCK elements each gradient and Δp is scaled by 2^20 (exact) before it is squared,
// so that a vanishing gradient's squares stay normal floats down to |x| ~ 1e-25 (no denormal
// results, which cost a microcode assist each on Intel CPUs, and none lost to underflow), and the
// block's float sum is added, unscaled, to a double total. Weights are squared as they are (they
// are not that small): one multiplication less per element, 0.95–0.97x the time of scaling them
// too for SGD and 0.97–0.99x for Adam (Zen 5; AVX-512, AVX2 and baseline; 600 paired
// alternations). A block whose sum is out of gg_block_in_range (gradients or Δp under ~1e-25 or
// over ~1e9, weights under ~1e-17 or over ~3e13, NaN) is summed again in double from the weights,
// the gradient or the block's Δp (kept in a block-sized buffer); one of exact zeros (the Δp of a
// layer whose steps fall under its weights' rounding) is 0 at once. Within range a block sum is
// within about 1e-6 relative of the double one (Higham, "Accuracy and Stability of Numerical
// Algorithms", §4.2).
//
// This replaced two schemes (double sums inside the loop on AVX-512: three float -> double
// conversions per element; and, on AVX2 and baseline, a float pass over each block after its
// update). Over W2's weights (20 × 64 K and 200 K floats; AMD EPYC Zen 5, 600 alternations in
// one process, median ratio new / old) the measured update took: SGD 0.77x (AVX-512), 0.75x
// (AVX2), 0.88x (baseline); Adam 0.57x, 0.81x, 1.00x. Not yet measured on an Intel CPU.
#include <math.h>
#include <stddef.h>
#include "CKernels.h"
#include "Dispatch.h"
#include "FloatLanes.h"

#pragma clang fp contract(off)

#define GG_MEASURE_DOUBLE(newp, grad, delta)                                            \
    {                                                                                   \
        _Pragma("clang fp reassociate(on)")                                             \
        _Pragma("clang fp contract(fast)")                                              \
        double gg_w_ = (double)(newp), gg_g_ = (double)(grad), gg_d_ = (double)(delta);  \
        weights += gg_w_ * gg_w_;                                                       \
        grads += gg_g_ * gg_g_;                                                         \
        updates += gg_d_ * gg_d_;                                                       \
    }

#define GG_MEASURE_SCALE 0x1p20f

// The block's sums of squares in float (reassociated, so vectorised; gradients and Δp scaled by
// GG_MEASURE_SCALE, weights as they are), and its Δp kept.
#define GG_MEASURE_FLOAT(newp, grad, delta)                                             \
    {                                                                                   \
        _Pragma("clang fp reassociate(on)")                                             \
        _Pragma("clang fp contract(fast)")                                              \
        float gg_w_ = (newp), gg_g_ = (grad) * GG_MEASURE_SCALE;                        \
        float gg_d_ = (delta);                                                          \
        gg_deltas[i - gg_begin] = gg_d_;                                                \
        gg_d_ *= GG_MEASURE_SCALE;                                                      \
        gg_fw_ += gg_w_ * gg_w_;                                                        \
        gg_fg_ += gg_g_ * gg_g_;                                                        \
        gg_fd_ += gg_d_ * gg_d_;                                                        \
    }

#define GG_MEASURE_GRADIENT_FLOAT(newp, grad, delta)                                    \
    {                                                                                   \
        _Pragma("clang fp reassociate(on)")                                             \
        _Pragma("clang fp contract(fast)")                                              \
        float gg_g_ = (grad) * GG_MEASURE_SCALE;                                        \
        gg_fg_ += gg_g_ * gg_g_;                                                        \
    }

#define GG_NO_MEASURE(newp, grad, delta) {}

#define GG_STORE_MEASURE                                                                \
    out->weight_squares = weights;                                                      \
    out->gradient_squares = grads;                                                      \
    out->update_squares = updates;

// Whether n floats are all ±0: an exact test of their bits, cheaper than a double sum.
static inline int gg_all_zero(const float *x, long n) {
    unsigned bits = 0;
    for (long i = 0; i < n; i++) {
        unsigned u;
        __builtin_memcpy(&u, x + i, sizeof(u));
        bits |= u << 1;
    }
    return bits == 0;
}

// Σ x² over a block of n floats whose float sum of squares, each x scaled by `scale`, is `sum`:
// that sum unscaled where it is in range, else 0 for exact zeros, else the sum in double.
static inline double gg_block_squares(float sum, double scale, const float *x, long n) {
    if (gg_block_in_range(sum)) return (double)sum / (scale * scale);
    return gg_all_zero(x, n) ? 0.0 : gg_sum_squares_f32(x, n);
}

#define GG_MEASURE_BLOCK 1024L

// LOOP(MEASURE) runs the update over [gg_begin, gg_end): unmeasured, once over the whole array;
// measured, block by block (Σ g² alone, or all three).
#define GG_UPDATE(LOOP)                                                                 \
    if (!out) {                                                                         \
        const long gg_begin = 0, gg_end = n;                                            \
        LOOP(GG_NO_MEASURE)                                                             \
        return;                                                                         \
    }                                                                                   \
    double weights = 0, grads = 0, updates = 0;                                         \
    const int gg_all = !out->gradient_only;                                             \
    float gg_deltas[GG_MEASURE_BLOCK];                                                  \
    for (long gg_begin = 0; gg_begin < n; gg_begin += GG_MEASURE_BLOCK) {               \
        const long gg_end = n - gg_begin < GG_MEASURE_BLOCK ? n : gg_begin + GG_MEASURE_BLOCK; \
        const long gg_count = gg_end - gg_begin;                                        \
        float gg_fw_ = 0, gg_fg_ = 0, gg_fd_ = 0;                                       \
        if (gg_all) {                                                                   \
            LOOP(GG_MEASURE_FLOAT)                                                      \
            weights += gg_block_squares(gg_fw_, 1, p + gg_begin, gg_count);             \
            updates += gg_block_squares(gg_fd_, GG_MEASURE_SCALE, gg_deltas, gg_count); \
        } else {                                                                        \
            LOOP(GG_MEASURE_GRADIENT_FLOAT)                                             \
        }                                                                               \
        grads += gg_block_squares(gg_fg_, GG_MEASURE_SCALE, g + gg_begin, gg_count);    \
    }                                                                                   \
    GG_STORE_MEASURE

// --- SGD (momentum, dampening, Nesterov, weight decay), torch.optim.SGD ------------------------

#define GG_SGD_LOOP(MEASURE)                                                            \
    if (!b) {                                                                           \
        for (long i = gg_begin; i < gg_end; i++) {                                      \
            float old = p[i];                                                           \
            float np = old - lr * (g[i] + wd * old);                                    \
            p[i] = np;                                                                  \
            MEASURE(np, g[i], np - old)                                                 \
        }                                                                               \
    } else {                                                                            \
        for (long i = gg_begin; i < gg_end; i++) {                                      \
            float old = p[i];                                                           \
            float d = g[i] + wd * old;                                                  \
            float bi = first ? d : mu * b[i] + keep * d;                                \
            b[i] = bi;                                                                  \
            float np = old - lr * (nesterov ? d + mu * bi : bi);                        \
            p[i] = np;                                                                  \
            MEASURE(np, g[i], np - old)                                                 \
        }                                                                               \
    }

#define GG_SGD_ARGS float *restrict p, const float *restrict g, float *restrict b, long n, float lr, float wd, \
    float mu, float keep, int first, int nesterov, gg_step_measure *out

static void sgd_baseline(GG_SGD_ARGS) { GG_UPDATE(GG_SGD_LOOP) }
#if defined(__x86_64__)
GG_AVX512 static void sgd_avx512(GG_SGD_ARGS) { GG_UPDATE(GG_SGD_LOOP) }
GG_AVX2 static void sgd_avx2(GG_SGD_ARGS) { GG_UPDATE(GG_SGD_LOOP) }
#endif

static void sgd_range(float *p, const float *g, float *b, long n, float lr, float wd, float mu, float keep, int first,
                      int nesterov, gg_step_measure *out) {
#if defined(__x86_64__)
    switch (gg_isa_level()) {
    case 2: sgd_avx512(p, g, b, n, lr, wd, mu, keep, first, nesterov, out); return;
    case 1: sgd_avx2(p, g, b, n, lr, wd, mu, keep, first, nesterov, out); return;
    }
#endif
    sgd_baseline(p, g, b, n, lr, wd, mu, keep, first, nesterov, out);
}

// --- Adam, AdamW, AMSGrad, torch.optim.Adam / AdamW --------------------------------------------

// One element of Adam's rule; VMAX 1 with AMSGrad's running maximum, 0 without.
#define GG_ADAM_ELEMENT(MEASURE, VMAX)                                                  \
    {                                                                                   \
        float old = p[i];                                                               \
        float pi = old * decay;                                                         \
        float d = g[i] + coupled * pi;                                                  \
        float mi = m[i] + one_minus_b1 * (d - m[i]);                                    \
        float vi = b2 * v[i] + one_minus_b2 * d * d;                                    \
        m[i] = mi;                                                                      \
        v[i] = vi;                                                                      \
        float denominator = vi;                                                         \
        if (VMAX) {                                                                     \
            float top = vi >= vmax[i] ? vi : vmax[i];                                   \
            vmax[i] = top;                                                              \
            denominator = top;                                                          \
        }                                                                               \
        float np = pi - step_size * mi / (__builtin_elementwise_sqrt(denominator) / correction2 + eps);      \
        p[i] = np;                                                                      \
        MEASURE(np, g[i], np - old)                                                     \
    }

// One loop per AMSGrad case: with the test on vmax inside the loop, clang vectorised it at half
// width and not at all with a measure's sums. Over W3's 2.9 M weights on two threads (Xeon
// model 106): unmeasured 4.1–4.5 -> 2.0–2.1 ms, measured 7.0–7.6 -> 2.1–2.4 ms.
#define GG_ADAM_LOOP(MEASURE)                                                           \
    if (vmax) {                                                                         \
        for (long i = gg_begin; i < gg_end; i++) GG_ADAM_ELEMENT(MEASURE, 1)            \
    } else {                                                                            \
        for (long i = gg_begin; i < gg_end; i++) GG_ADAM_ELEMENT(MEASURE, 0)            \
    }

#define GG_ADAM_ARGS float *restrict p, const float *restrict g, float *restrict m, float *restrict v, float *restrict vmax, \
    long n, float decay, float coupled, float one_minus_b1, float b2, float one_minus_b2, float step_size, float correction2, \
    float eps, gg_step_measure *out

static void adam_baseline(GG_ADAM_ARGS) { GG_UPDATE(GG_ADAM_LOOP) }
#if defined(__x86_64__)
GG_AVX512 static void adam_avx512(GG_ADAM_ARGS) { GG_UPDATE(GG_ADAM_LOOP) }
GG_AVX2 static void adam_avx2(GG_ADAM_ARGS) { GG_UPDATE(GG_ADAM_LOOP) }
#endif

static void adam_range(float *p, const float *g, float *m, float *v, float *vmax, long n, float decay, float coupled,
                       float one_minus_b1, float b2, float one_minus_b2, float step_size, float correction2, float eps,
                       gg_step_measure *out) {
#if defined(__x86_64__)
    switch (gg_isa_level()) {
    case 2: adam_avx512(p, g, m, v, vmax, n, decay, coupled, one_minus_b1, b2, one_minus_b2, step_size, correction2, eps, out); return;
    case 1: adam_avx2(p, g, m, v, vmax, n, decay, coupled, one_minus_b1, b2, one_minus_b2, step_size, correction2, eps, out); return;
    }
#endif
    adam_baseline(p, g, m, v, vmax, n, decay, coupled, one_minus_b1, b2, one_minus_b2, step_size, correction2, eps, out);
}

// --- Large parameters: half of the elements on the helper thread ------------------------------
// An update is a pass over 3–5 arrays of the parameter's size, bound by memory bandwidth, which
// one core does not exhaust: above GG_SPLIT_ELEMENTS the two halves run at once
// (gg_run_in_halves); each element's arithmetic is unchanged, only the measuring sums are
// added in another order.

#define GG_SPLIT_ELEMENTS (1L << 16)

typedef struct {
    float *p, *b, *m, *v, *vmax;
    const float *g;
    long n;
    float lr, wd, mu, keep, decay, coupled, one_minus_b1, b2, one_minus_b2, step_size, correction2, eps;
    int first, nesterov, adam;
    gg_step_measure *out;
    gg_step_measure halves[2];
} gg_update_task;

static void gg_update_half(void *context, int half) {
    gg_update_task *t = context;
    long begin = half ? t->n / 2 : 0, count = half ? t->n - t->n / 2 : t->n / 2;
    gg_step_measure *out = 0;
    if (t->out) {
        out = &t->halves[half];
        out->gradient_only = t->out->gradient_only;
    }
    if (t->adam)
        adam_range(t->p + begin, t->g + begin, t->m + begin, t->v + begin, t->vmax ? t->vmax + begin : 0, count, t->decay,
                   t->coupled, t->one_minus_b1, t->b2, t->one_minus_b2, t->step_size, t->correction2, t->eps, out);
    else
        sgd_range(t->p + begin, t->g + begin, t->b ? t->b + begin : 0, count, t->lr, t->wd, t->mu, t->keep, t->first,
                  t->nesterov, out);
}

static void gg_update_in_halves(gg_update_task *t) {
    gg_run_in_halves(gg_update_half, t);
    if (t->out) {
        t->out->weight_squares = t->halves[0].weight_squares + t->halves[1].weight_squares;
        t->out->gradient_squares = t->halves[0].gradient_squares + t->halves[1].gradient_squares;
        t->out->update_squares = t->halves[0].update_squares + t->halves[1].update_squares;
    }
}

void gg_sgd_f32(float *p, const float *g, float *b, long n, float lr, float wd, float mu, float keep, int first, int nesterov,
                gg_step_measure *out) {
    if (n < GG_SPLIT_ELEMENTS) {
        sgd_range(p, g, b, n, lr, wd, mu, keep, first, nesterov, out);
        return;
    }
    gg_update_task task = {.p = p, .b = b, .g = g, .n = n, .lr = lr, .wd = wd, .mu = mu, .keep = keep, .first = first,
                           .nesterov = nesterov, .adam = 0, .out = out};
    gg_update_in_halves(&task);
}

void gg_adam_f32(float *p, const float *g, float *m, float *v, float *vmax, long n, float decay, float coupled,
                 float one_minus_b1, float b2, float one_minus_b2, float step_size, float correction2, float eps,
                 gg_step_measure *out) {
    if (n < GG_SPLIT_ELEMENTS) {
        adam_range(p, g, m, v, vmax, n, decay, coupled, one_minus_b1, b2, one_minus_b2, step_size, correction2, eps, out);
        return;
    }
    gg_update_task task = {.p = p, .m = m, .v = v, .vmax = vmax, .g = g, .n = n, .decay = decay, .coupled = coupled,
                           .one_minus_b1 = one_minus_b1, .b2 = b2, .one_minus_b2 = one_minus_b2, .step_size = step_size,
                           .correction2 = correction2, .eps = eps, .adam = 1, .out = out};
    gg_update_in_halves(&task);
}

// --- Any rule: measure after the fact from a copy of the old weights, in double ----------------

#define GG_MEASURE_BODY                                                                 \
    double weights = 0, grads = 0, updates = 0;                                         \
    for (long i = 0; i < n; i++) GG_MEASURE_DOUBLE(p[i], g[i], p[i] - old[i])           \
    GG_STORE_MEASURE

static void measure_baseline(const float *p, const float *g, const float *old, long n, gg_step_measure *out) { GG_MEASURE_BODY }
#if defined(__x86_64__)
GG_AVX512 static void measure_avx512(const float *p, const float *g, const float *old, long n, gg_step_measure *out) { GG_MEASURE_BODY }
GG_AVX2 static void measure_avx2(const float *p, const float *g, const float *old, long n, gg_step_measure *out) { GG_MEASURE_BODY }
#endif

void gg_measure_step_f32(const float *p, const float *g, const float *old, long n, gg_step_measure *out) {
#if defined(__x86_64__)
    switch (gg_isa_level()) {
    case 2: measure_avx512(p, g, old, n, out); return;
    case 1: measure_avx2(p, g, old, n, out); return;
    }
#endif
    measure_baseline(p, g, old, n, out);
}
