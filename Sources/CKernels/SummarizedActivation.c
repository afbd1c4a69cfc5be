// An activation's forward and backward passes that also take the monitor's statistics of the
// arrays they read and write. Both run in blocks small enough for the level-1 cache: each block
// is computed by the ordinary kernel and then summarised while it is still there, so the
// statistics cost arithmetic only and no pass over memory of their own. The results are the
// same bits as the ordinary kernels'; only the sums' order of addition differs from one pass.
#include "CKernels.h"

// Floats per block: the backward pass touches up to four arrays (x, y, g, out), 4 · 8 KiB.
#define GG_BLOCK 2048L

static void gg_summary_add(gg_summary *total, const gg_summary *part) {
    total->sum += part->sum;
    total->sum_squares += part->sum_squares;
    total->finite += part->finite;
    total->derivative += part->derivative;
    total->flagged += part->flagged;
}

static void gg_relu_block(const float *x, float *y, long n) {
    for (long i = 0; i < n; i++) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void gg_activation_forward_summarized_f32(const float *x, float *y, long n, int kind, gg_summary *input,
                                          gg_summary *output) {
    *input = (gg_summary){0};
    *output = (gg_summary){0};
    for (long start = 0; start < n; start += GG_BLOCK) {
        long c = n - start < GG_BLOCK ? n - start : GG_BLOCK;
        const float *xb = x + start;
        float *yb = y + start;
        switch (kind) {
        case 0: gg_sigmoid_f32(xb, yb, c); break;
        case 1: gg_tanh_f32(xb, yb, c); break;
        default: gg_relu_block(xb, yb, c); break;
        }
        gg_summary part;
        gg_summary_f32(xb, c, -1, &part);
        gg_summary_add(input, &part);
        gg_summary_f32(yb, c, kind, &part);
        gg_summary_add(output, &part);
    }
}

void gg_activation_backward_summarized_f32(const float *x, const float *y, const float *g, float *out, long n, int kind,
                                           double *gradient_squares, double *input_gradient_squares) {
    double received = 0, sent = 0;
    for (long start = 0; start < n; start += GG_BLOCK) {
        long c = n - start < GG_BLOCK ? n - start : GG_BLOCK;
        gg_activation_backward_f32(x + start, y + start, g + start, out + start, c, kind);
        received += gg_sum_squares_blocked_f32(g + start, c);
        sent += gg_sum_squares_blocked_f32(out + start, c);
    }
    *gradient_squares = received;
    *input_gradient_squares = sent;
}
