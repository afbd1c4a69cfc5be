// An activation's forward and backward passes that also take the monitor's statistics of the
// arrays they read and write, so the statistics cost arithmetic only and no pass over memory of
// their own. The results are the same bits as the ordinary kernels'; only the sums' order of
// addition differs from a separate pass.
#include "CKernels.h"
#include "Dispatch.h"
#include "FloatLanes.h"

// Forward: blocks of GG_BLOCK floats (8 KiB per array), each computed by the ordinary kernel and
// then its input and output summarised in one loop (gg_summary_pair_f32) while they are in the
// level-1 cache. In a monitored W2 step (AMD EPYC Zen 3, AVX2; the 20 sigmoid layers' forward
// timed per call, 300 steps a run, four runs each, alternating) 10.0–10.4 µs a call, against
// 10.9–11.5 with a gg_summary_f32 call for each array (the plain sigmoid 7.7–8.6).
#define GG_BLOCK 2048L

static void gg_summary_add(gg_summary *total, const gg_summary *part) {
    total->sum += part->sum;
    total->sum_squares += part->sum_squares;
    total->finite += part->finite;
    total->derivative += part->derivative;
    total->flagged += part->flagged;
}

static void forward_range(const float *x, float *y, long n, int kind, gg_summary *input, gg_summary *output) {
    *input = (gg_summary){0};
    *output = (gg_summary){0};
    for (long start = 0; start < n; start += GG_BLOCK) {
        long c = n - start < GG_BLOCK ? n - start : GG_BLOCK;
        const float *xb = x + start;
        float *yb = y + start;
        switch (kind) {
        case 0: gg_sigmoid_f32(xb, yb, c); break;
        case 1: gg_tanh_f32(xb, yb, c); break;
        default: gg_relu_f32(xb, yb, c); break;
        }
        gg_summary in, out;
        gg_summary_pair_f32(xb, yb, c, kind, &in, &out);
        gg_summary_add(input, &in);
        gg_summary_add(output, &out);
    }
}

// Large arrays: the two halves at once (gg_run_in_halves), each with its own sums.
typedef struct {
    const float *x, *y, *g;
    float *out;
    long n;
    int kind;
    gg_summary input[2], output[2];
    double received[2], sent[2];
} gg_summed_task;

static void forward_half(void *context, int half) {
    gg_summed_task *t = context;
    long middle = gg_split_point(t->n);
    long begin = half ? middle : 0, count = half ? t->n - middle : middle;
    forward_range(t->x + begin, t->out + begin, count, t->kind, &t->input[half], &t->output[half]);
}

void gg_activation_forward_summarized_f32(const float *x, float *y, long n, int kind, gg_summary *input,
                                          gg_summary *output) {
    if (n < GG_ACTIVATION_SPLIT) {
        forward_range(x, y, n, kind, input, output);
        return;
    }
    gg_summed_task task = {.x = x, .out = y, .n = n, .kind = kind};
    gg_run_in_halves(forward_half, &task);
    *input = task.input[0];
    gg_summary_add(input, &task.input[1]);
    *output = task.output[0];
    gg_summary_add(output, &task.output[1]);
}

// --- Backward: blocks of GG_SUM_BLOCK floats, each computed by the ordinary kernel
// (gg_activation_backward_f32, so the same bits) and then its Σ g² and Σ out² taken from the
// level-1 cache in float lanes; a block whose float sum is not GG_TRUSTED is summed again in
// double. Denormals are not flushed here: the kernel's results must keep their bits, and an
// MXCSR switch per block costs more than the comparison below. A lane sums at most 32 values of
// a block.
//
// This replaced one fused loop per block (the kernel's arithmetic and the squares in the same
// loop, 16-float lanes): in a monitored W2 step (AMD EPYC Zen 3, AVX2, the 20 sigmoid layers'
// backward timed per call, 300 steps a run, runs alternating) 6.5–6.7 µs a call against
// 7.4–7.5 in a fast phase of the VM and 13.2–15.8 against 16.4–19.7 in a slow one (the plain
// kernel 5.4 and 10.6–11.8). The fused loop without its squares already took 13.1–14.8 µs in a
// slow phase: the loop, not the sums, cost most of the difference. A harness with the same
// arrays did not show it (1.02–1.06× the plain kernel either way).
#define GG_SUM_BLOCK 1024L

// Each value is multiplied by its block's scale, a power of two (exact), before it is squared,
// and the block's float sum divided by the scale's square in double, so that a vanishing or an
// exploding gradient's block stays in float's range. Unscaled, the blocks of W2's deep sigmoid
// layers (|g| ≈ 1e-16 and under) fell under the trusted range, and 352 of its 640 blocks per step
// were summed again in double: twenty W2-sized backward passes with every |g| ≈ 1e-16 took 284 µs
// summed unscaled, 186 scaled by 2²⁰ and 171 plain (Xeon model 207 capped at AVX2, medians of 400
// interleaved runs).
//
// A range's first block is scaled by 2²⁰. Without flushing (which would change the gradient's
// bits), the square of a scaled value under 2⁻⁶³ would be a denormal and cost a microcode assist
// per element on Intel CPUs (measured 10× the plain kernel's time at |g| ≈ 1e-20 unscaled), so
// there such values are left out of the float sum by a comparison (each square under 2⁻¹²⁶, at
// most 1.2e-35 for a block); a block is trusted only from 1e-29 up, so what is left out stays
// under 1.2e-6 of it, and a smaller block is summed again in double, where nothing underflows.
// (A NaN fails the `<` test and is kept, so it shows in the sum.)
//
// Every later block is scaled so that the block before it would have had a root mean square
// between 2^-1 and 1 (gg_next_scale): a gradient's blocks have much the same size, so their
// squares stay far from float's limits without that comparison, and a value would have to be
// 1e19 times under its block's root mean square to square to a denormal. Measured over W2's
// twenty layers (AMD EPYC Zen 3, AVX2, medians of 600 interleaved runs), against the plain
// kernel's time: with the data in cache, 1.38x with the comparison in every block, 1.16–1.22x
// now; at |g| ≈ 1e-22 or 1e10, where the fixed scale sent every block to double, 2.1–2.2x and
// 1.2x; with the data coming from memory, 1.17–1.21x and 1.06–1.07x there, and 1.03–1.04x both
// ways at |g| ≈ 1e-3. A whole monitored W2 step, whose gradients stay inside the fixed scale's
// range, took the same time both ways (in one process +0.1 % and +0.3 %, each within its 95 %
// interval of 0; in alternating processes +0.8, −0.5 and −1.1 points of overhead).
#define GG_SQUARED_FLOOR 0x1p-63f
#define GG_FIRST_SCALE 0x1p20f
#define GG_ADD_SQUARE(Q, V, SCALE, FLOOR)                                  \
    {                                                                      \
        gg_lanes gg_s_ = (V) * (SCALE);                                    \
        if (FLOOR) gg_s_ = __builtin_elementwise_abs(gg_s_) < GG_SQUARED_FLOOR ? zero : gg_s_; \
        Q = GG_SQUARE_FMA(gg_s_, gg_s_, Q);                                \
    }
#define GG_TRUSTED(S) ((S) >= 1e-29f && (S) <= 1e30f)

// The scale for the block after one of c values whose sum of squares (unscaled, in double) was
// `squares`: 2^-⌊e/2⌋ for a mean square m·2^e (m in [1/2, 1)), kept in [2^-100, 2^100]; the same
// scale again after a block of zeros or one holding NaN or ±∞. The exponent is read from the
// double's bits and the scale built from a float's (a mean of float squares is a normal double),
// not by frexp and ldexpf: two library calls per block, about a tenth of a block's time.
static inline float gg_next_scale(float scale, double squares, long c) {
    double mean = squares / (double)c;
    if (!(mean > 0) || !__builtin_isfinite(mean)) return scale;
    unsigned long long bits;
    __builtin_memcpy(&bits, &mean, sizeof(bits));
    int exponent = (int)((bits >> 52) & 0x7ff) - 1022;
    int k = -(exponent / 2);
    k = k < -100 ? -100 : k > 100 ? 100 : k;
    unsigned scale_bits = (unsigned)(k + 127) << 23;
    float next;
    __builtin_memcpy(&next, &scale_bits, sizeof(next));
    return next;
}

// One block's squares (FLOOR 1: compared against the floor), read back from the level-1 cache
// after the kernel wrote them; adds its sums to *received and *sent and sets the scales for the
// next block.
#define GG_BACKWARD_SQUARES_BLOCK(FLOOR)                                   \
    {                                                                      \
        const gg_lanes zero = 0;                                           \
        gg_lanes qg0 = 0, qg1 = 0, qo0 = 0, qo1 = 0;                       \
        float tg = 0, to = 0;                                              \
        long whole = c - c % (2 * GG_LANES);                               \
        for (long i = 0; i < whole; i += 2 * GG_LANES) {                   \
            gg_lanes g0, g1, o0, o1;                                       \
            GG_LOAD(g0, gb + i);                                           \
            GG_LOAD(g1, gb + i + GG_LANES);                                \
            GG_LOAD(o0, ob + i);                                           \
            GG_LOAD(o1, ob + i + GG_LANES);                                \
            GG_ADD_SQUARE(qg0, g0, scale_g, FLOOR)                         \
            GG_ADD_SQUARE(qg1, g1, scale_g, FLOOR)                         \
            GG_ADD_SQUARE(qo0, o0, scale_o, FLOOR)                         \
            GG_ADD_SQUARE(qo1, o1, scale_o, FLOOR)                         \
        }                                                                  \
        for (long i = whole; i < c; i++) {                                 \
            float sg = gb[i] * scale_g, so = ob[i] * scale_o;              \
            tg += (FLOOR) && __builtin_fabsf(sg) < GG_SQUARED_FLOOR ? 0.0f : sg * sg; \
            to += (FLOOR) && __builtin_fabsf(so) < GG_SQUARED_FLOOR ? 0.0f : so * so; \
        }                                                                  \
        float block_g = GG_LANE_TOTAL(qg0 + qg1) + tg;                     \
        float block_o = GG_LANE_TOTAL(qo0 + qo1) + to;                     \
        double sum_g = GG_TRUSTED(block_g) ? (double)block_g / ((double)scale_g * scale_g) : gg_sum_squares_f32(gb, c); \
        double sum_o = GG_TRUSTED(block_o) ? (double)block_o / ((double)scale_o * scale_o) : gg_sum_squares_f32(ob, c); \
        *received += sum_g;                                                \
        *sent += sum_o;                                                    \
        scale_g = gg_next_scale(scale_g, sum_g, c);                        \
        scale_o = gg_next_scale(scale_o, sum_o, c);                        \
    }

#define GG_BACKWARD_SUMMED_BODY                                            \
    float scale_g = GG_FIRST_SCALE, scale_o = GG_FIRST_SCALE;              \
    for (long start = 0; start < n; start += GG_SUM_BLOCK) {               \
        long c = n - start < GG_SUM_BLOCK ? n - start : GG_SUM_BLOCK;      \
        const float *gb = g + start;                                       \
        float *ob = out + start;                                           \
        gg_activation_backward_f32(x + start, y + start, gb, ob, c, kind); \
        if (start == 0) GG_BACKWARD_SQUARES_BLOCK(1)                       \
        else GG_BACKWARD_SQUARES_BLOCK(0)                                  \
    }

#define GG_BACKWARD_SUMMED_ARGS                                            \
    const float *restrict x, const float *restrict y, const float *restrict g, float *restrict out, long n, int kind, \
        double *received, double *sent

// Each variant's fused multiply-add (FloatLanes.h): the x86 baseline has none (with
// __builtin_elementwise_fma there this kernel took 4.8 ns per float, now 0.3).
#define GG_SQUARE_FMA GG_LANE_FMA_BASELINE
static void backward_summed_baseline(GG_BACKWARD_SUMMED_ARGS) { GG_BACKWARD_SUMMED_BODY }
#undef GG_SQUARE_FMA
#define GG_SQUARE_FMA __builtin_elementwise_fma
#if defined(__x86_64__)
GG_AVX512 static void backward_summed_avx512(GG_BACKWARD_SUMMED_ARGS) { GG_BACKWARD_SUMMED_BODY }
GG_AVX2 static void backward_summed_avx2(GG_BACKWARD_SUMMED_ARGS) { GG_BACKWARD_SUMMED_BODY }
#endif

static void backward_range(const float *x, const float *y, const float *g, float *out, long n, int kind, double *received,
                           double *sent) {
    *received = 0;
    *sent = 0;
#if defined(__x86_64__)
    switch (gg_isa_level()) {
    case 2: backward_summed_avx512(x, y, g, out, n, kind, received, sent); return;
    case 1: backward_summed_avx2(x, y, g, out, n, kind, received, sent); return;
    }
#endif
    backward_summed_baseline(x, y, g, out, n, kind, received, sent);
}

static void backward_half(void *context, int half) {
    gg_summed_task *t = context;
    long middle = gg_split_point(t->n);
    long begin = half ? middle : 0, count = half ? t->n - middle : middle;
    backward_range(t->x + begin, t->y + begin, t->g + begin, t->out + begin, count, t->kind, &t->received[half], &t->sent[half]);
}

void gg_activation_backward_summarized_f32(const float *x, const float *y, const float *g, float *out, long n, int kind,
                                           double *gradient_squares, double *input_gradient_squares) {
    if (n < GG_ACTIVATION_SPLIT) {
        backward_range(x, y, g, out, n, kind, gradient_squares, input_gradient_squares);
        return;
    }
    gg_summed_task task = {.x = x, .y = y, .g = g, .out = out, .n = n, .kind = kind};
    gg_run_in_halves(backward_half, &task);
    *gradient_squares = task.received[0] + task.received[1];
    *input_gradient_squares = task.sent[0] + task.sent[1];
}
