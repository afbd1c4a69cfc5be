// The AVX-512 variants of CKernels' statistics, activation, optimizer, recurrent-cell and panel
// GEMM kernels, built for AVX2 (GG_EMULATE_AVX512, see Dispatch.h) and checked against the AVX2
// variants on the same inputs: the same bits for every activation output, gradient, weight, cell
// output and product, and sums within 1e-5 relative (they add their lanes in another order).
// Inputs: sizes around the blocks and the two-thread split, values of size 1e-30 to 1e18, with
// and without NaN and ∞; products of ragged shapes, transposed or not.
// Run by scripts/avx512-emulation.sh; prints each failure and exits 1 if there is one.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "CKernels.h"

static int failures = 0;
#define CHECK(condition, ...)                                                   \
    do {                                                                        \
        if (!(condition) && ++failures <= 30) {                                 \
            printf("FAIL: ");                                                   \
            printf(__VA_ARGS__);                                                \
            printf("\n");                                                       \
        }                                                                       \
    } while (0)

static int close_to(double a, double b, double relative) {
    if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
    if (isinf(a) || isinf(b)) return a == b;
    return fabs(a - b) <= relative * fabs(b);
}

static unsigned state = 12345;
static float uniform(void) {
    state = state * 1103515245u + 12345u;
    return (float)((state >> 8) & 0xFFFFFF) / 16777216.0f;
}
static float normal(void) { return sqrtf(-2 * logf(uniform() + 1e-7f)) * cosf(6.2831853f * uniform()); }

// Sums may cancel (a sum of signed values), so they are compared against the scale of the squares.
static void compare(const char *what, gg_summary a, gg_summary b, long n) {
    CHECK(a.finite == b.finite, "%s: finite %ld, %ld", what, a.finite, b.finite);
    CHECK(a.flagged == b.flagged, "%s: flagged %ld, %ld", what, a.flagged, b.flagged);
    CHECK(close_to(a.sum, b.sum, 1e-5) || fabs(a.sum - b.sum) < 1e-5 * sqrt(fabs(a.sum_squares) * n), "%s: sum %g, %g", what,
          a.sum, b.sum);
    CHECK(close_to(a.sum_squares, b.sum_squares, 1e-5), "%s: squares %g, %g", what, a.sum_squares, b.sum_squares);
    CHECK(close_to(a.derivative, b.derivative, 1e-5) || fabs(a.derivative - b.derivative) < 1e-5 * n, "%s: derivative %g, %g",
          what, a.derivative, b.derivative);
}

static void check_activations(const float *x, const float *g, long n, const char *input) {
    float *y[3], *out[3], *plain = malloc(n * 4), *plain_back = malloc(n * 4);
    for (int kind = 0; kind < 3; kind++) {
        gg_summary in[3], summary[3], alone_x[3], alone_y[3], pair_x, pair_y;
        double received[3], sent[3];
        for (int level = 2; level >= 1; level--) {
            y[level] = malloc(n * 4);
            out[level] = malloc(n * 4);
            gg_limit_isa_level(level);
            gg_activation_forward_summarized_f32(x, y[level], n, kind, &in[level], &summary[level]);
            gg_summary_f32(x, n, -1, &alone_x[level]);
            gg_summary_f32(y[level], n, kind, &alone_y[level]);
            if (level == 2) gg_summary_pair_f32(x, y[2], n, kind, &pair_x, &pair_y);
            gg_activation_backward_summarized_f32(x, y[level], g, out[level], n, kind, &received[level], &sent[level]);
        }
        gg_limit_isa_level(1);
        if (kind == 0) gg_sigmoid_f32(x, plain, n);
        else if (kind == 1) gg_tanh_f32(x, plain, n);
        else gg_relu_f32(x, plain, n);
        gg_activation_backward_f32(x, plain, g, plain_back, n, kind);
        char what[200];
        snprintf(what, sizeof what, "%s, kind %d", input, kind);
        CHECK(memcmp(y[2], plain, n * 4) == 0 && memcmp(y[1], plain, n * 4) == 0, "%s: forward bits", what);
        CHECK(memcmp(out[2], plain_back, n * 4) == 0 && memcmp(out[1], plain_back, n * 4) == 0, "%s: backward bits", what);
        const struct { const char *name; gg_summary got, expected; } cases[] = {
            {"input summary", alone_x[2], alone_x[1]}, {"output summary", alone_y[2], alone_y[1]},
            {"pair, input", pair_x, alone_x[1]},        {"pair, output", pair_y, alone_y[1]},
            {"forward, input", in[2], alone_x[1]},      {"forward, output", summary[2], alone_y[1]},
        };
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            char label[260];
            snprintf(label, sizeof label, "%s, %s", what, cases[c].name);
            compare(label, cases[c].got, cases[c].expected, n);
        }
        double gradient = gg_sum_squares_f32(g, n), back = gg_sum_squares_f32(plain_back, n);
        CHECK(close_to(received[2], gradient, 1e-5) && close_to(received[1], gradient, 1e-5), "%s: Σ g² %g, %g, %g", what,
              received[2], received[1], gradient);
        CHECK(close_to(sent[2], back, 1e-5) && close_to(sent[1], back, 1e-5), "%s: Σ out² %g, %g, %g", what, sent[2], sent[1],
              back);
        for (int level = 1; level <= 2; level++) {
            free(y[level]);
            free(out[level]);
        }
    }
    free(plain);
    free(plain_back);
}

// rule 0: SGD, 1: SGD with momentum, Nesterov and weight decay, 2: Adam; measure 0: none,
// 1: all three sums, 2: Σ g² only. Two steps each.
static void check_optimizers(const float *g, long n, const char *input) {
    for (int rule = 0; rule < 3; rule++)
        for (int measure = 0; measure < 3; measure++) {
            float *p[3], *b[3], *m[3], *v[3];
            gg_step_measure sums[3];
            for (int level = 2; level >= 1; level--) {
                p[level] = malloc(n * 4), b[level] = malloc(n * 4), m[level] = calloc(n, 4), v[level] = calloc(n, 4);
                for (long i = 0; i < n; i++) p[level][i] = 0.05f * (float)((i * 7919) % 1000) / 1000.0f - 0.025f, b[level][i] = 0.001f;
                gg_limit_isa_level(level);
                memset(&sums[level], 0, sizeof sums[level]);
                sums[level].gradient_only = measure == 2;
                gg_step_measure *out = measure ? &sums[level] : 0;
                for (int step = 0; step < 2; step++) {
                    if (rule == 0) gg_sgd_f32(p[level], g, 0, n, 0.1f, 0, 0, 1, 1, 0, out);
                    else if (rule == 1) gg_sgd_f32(p[level], g, b[level], n, 0.1f, 1e-4f, 0.9f, 1, step == 0, 1, out);
                    else gg_adam_f32(p[level], g, m[level], v[level], 0, n, 1, 0, 0.1f, 0.999f, 0.001f, 1e-3f, 1, 1e-8f, out);
                }
            }
            CHECK(memcmp(p[2], p[1], n * 4) == 0, "%s, rule %d, measure %d: weight bits", input, rule, measure);
            if (measure)
                CHECK(close_to(sums[2].gradient_squares, sums[1].gradient_squares, 1e-5), "%s, rule %d: Σ g² %g, %g", input, rule,
                      sums[2].gradient_squares, sums[1].gradient_squares);
            if (measure == 1) {
                CHECK(close_to(sums[2].weight_squares, sums[1].weight_squares, 1e-5), "%s, rule %d: Σ p² %g, %g", input, rule,
                      sums[2].weight_squares, sums[1].weight_squares);
                CHECK(close_to(sums[2].update_squares, sums[1].update_squares, 1e-5), "%s, rule %d: Σ Δp² %g, %g", input, rule,
                      sums[2].update_squares, sums[1].update_squares);
            }
            for (int level = 1; level <= 2; level++) free(p[level]), free(b[level]), free(m[level]), free(v[level]);
        }
}

// Random floats of standard deviation `scale`.
static float *randoms(long n, float scale) {
    float *a = malloc(n * 4);
    for (long i = 0; i < n; i++) a[i] = normal() * scale;
    return a;
}

static float *copy(const float *a, long n) { return memcpy(malloc(n * 4), a, n * 4); }

#define SAME(what, a, b, count) CHECK(memcmp(a, b, (count) * 4) == 0, "batch %ld, n %ld, %s: %s bits", batch, n, state_name, what)

// The LSTM and GRU cells' forward and backward passes: the same bits at both levels.
static void check_cells(long batch, long n, int with_state) {
    const char *state_name = with_state ? "with a state" : "from zero";
    float *lstm_gates = randoms(batch * 4 * n, 2), *c_old = with_state ? randoms(batch * n, 1) : 0;
    float *dh = randoms(batch * n, 1), *dc = randoms(batch * n, 1);
    float *gru_gates = randoms(batch * 3 * n, 2), *recurrent = randoms(batch * 3 * n, 1), *bias = randoms(3 * n, 0.5f);
    float *h_old = with_state ? randoms(batch * n, 1) : 0;
    float *gates[3], *c_new[3], *tanh_c[3], *h[3], *dc_out[3], *delta[3];
    float *gru[3], *hn[3], *gru_h[3], *gru_dh[3], *input_delta[3], *recurrent_delta[3];
    for (int level = 2; level >= 1; level--) {
        gg_limit_isa_level(level);
        gates[level] = copy(lstm_gates, batch * 4 * n), c_new[level] = malloc(batch * n * 4);
        tanh_c[level] = malloc(batch * n * 4), h[level] = malloc(batch * n * 4);
        gg_lstm_forward_f32(batch, n, gates[level], c_old, c_new[level], tanh_c[level], h[level]);
        dc_out[level] = copy(dc, batch * n), delta[level] = malloc(batch * 4 * n * 4);
        gg_lstm_backward_f32(batch, n, gates[level], c_old, tanh_c[level], dh, dc_out[level], delta[level]);
        gru[level] = copy(gru_gates, batch * 3 * n), hn[level] = malloc(batch * n * 4), gru_h[level] = malloc(batch * n * 4);
        gg_gru_forward_f32(batch, n, gru[level], recurrent, bias, h_old, hn[level], gru_h[level]);
        gru_dh[level] = copy(dh, batch * n);
        input_delta[level] = malloc(batch * 3 * n * 4), recurrent_delta[level] = malloc(batch * 3 * n * 4);
        gg_gru_backward_f32(batch, n, gru[level], hn[level], h_old, gru_dh[level], input_delta[level], recurrent_delta[level]);
    }
    SAME("LSTM gates", gates[2], gates[1], batch * 4 * n);
    SAME("LSTM c", c_new[2], c_new[1], batch * n);
    SAME("LSTM tanh c", tanh_c[2], tanh_c[1], batch * n);
    SAME("LSTM h", h[2], h[1], batch * n);
    SAME("LSTM dc", dc_out[2], dc_out[1], batch * n);
    SAME("LSTM deltas", delta[2], delta[1], batch * 4 * n);
    SAME("GRU gates", gru[2], gru[1], batch * 3 * n);
    SAME("GRU hn", hn[2], hn[1], batch * n);
    SAME("GRU h", gru_h[2], gru_h[1], batch * n);
    SAME("GRU dh", gru_dh[2], gru_dh[1], batch * n);
    SAME("GRU input deltas", input_delta[2], input_delta[1], batch * 3 * n);
    SAME("GRU recurrent deltas", recurrent_delta[2], recurrent_delta[1], batch * 3 * n);
    for (int level = 1; level <= 2; level++) {
        free(gates[level]), free(c_new[level]), free(tanh_c[level]), free(h[level]), free(dc_out[level]), free(delta[level]);
        free(gru[level]), free(hn[level]), free(gru_h[level]), free(gru_dh[level]), free(input_delta[level]);
        free(recurrent_delta[level]);
    }
    free(lstm_gates), free(c_old), free(dh), free(dc), free(gru_gates), free(recurrent), free(bias), free(h_old);
}

// The panel GEMM (gg_panel_gemm_f32, and gg_small_gemm_f32 on B packed by gg_small_gemm_pack_f32)
// at level 2 (64-column panels, the AVX-512 kernel and packings) against level 1 (24-column
// panels): the same bits, since both sum each value of C over k in the same order (slices of
// 128, fused multiply-adds), and both within float's rounding of a double product. `mode`
// 0: C = A·B, 1: C += A·B, 2: C = A·B + a bias row.
static void check_gemm(long m, long n, long k, int transpose_a, int transpose_b, int mode) {
    long lda = (transpose_a ? m : k) + 3, ldb = (transpose_b ? k : n) + 5, ldc = n + 2;
    float *a = randoms((transpose_a ? k : m) * lda, 1), *b = randoms((transpose_b ? n : k) * ldb, 1);
    float *c0 = randoms(m * ldc, 1), *bias = randoms(n, 1), *c[3], *packed_c[3];
    for (int level = 2; level >= 1; level--) {
        gg_limit_isa_level(level);
        c[level] = copy(c0, m * ldc);
        CHECK(gg_panel_gemm_f32(transpose_a, transpose_b, m, n, k, a, lda, b, ldb, c[level], ldc, mode == 1,
                                mode == 2 ? bias : 0),
              "gemm %ldx%ldx%ld: level %d not run", m, n, k, level);
        if (transpose_a || mode == 2) continue;  // gg_small_gemm_f32: A as it is, no bias
        long width = gg_small_gemm_panel_width();
        float *packed = malloc(((n + width - 1) / width * width * k + 1) * 4);
        gg_small_gemm_pack_f32(k, n, b, ldb, transpose_b, width, packed);
        packed_c[level] = copy(c0, m * ldc);
        gg_small_gemm_f32(m, n, k, a, lda, packed, width, packed_c[level], ldc, mode == 1);
        free(packed);
    }
    char what[120];
    snprintf(what, sizeof what, "gemm %ldx%ldx%ld, A%s, B%s, mode %d", m, n, k, transpose_a ? "ᵀ" : "", transpose_b ? "ᵀ" : "", mode);
    long worst = -1;
    for (long i = 0; i < m; i++)
        for (long j = 0; j < n; j++) {
            double exact = mode == 1 ? c0[i * ldc + j] : mode == 2 ? bias[j] : 0, size = fabs(exact);
            for (long p = 0; p < k; p++) {
                double product = (double)a[transpose_a ? p * lda + i : i * lda + p] * b[transpose_b ? j * ldb + p : p * ldb + j];
                exact += product;
                size += fabs(product);
            }
            if (worst < 0 && !(fabs(c[2][i * ldc + j] - exact) <= 1e-5 * size)) worst = i * ldc + j;
        }
    CHECK(worst < 0, "%s: C[%ld] %g, off the double product", what, worst, worst < 0 ? 0 : c[2][worst]);
    CHECK(memcmp(c[2], c[1], m * ldc * 4) == 0, "%s: panel GEMM bits", what);
    if (!transpose_a && mode != 2) {
        CHECK(memcmp(packed_c[2], c[2], m * ldc * 4) == 0 && memcmp(packed_c[1], c[1], m * ldc * 4) == 0,
              "%s: prepacked bits", what);
        free(packed_c[1]), free(packed_c[2]);
    }
    free(a), free(b), free(c0), free(bias), free(c[1]), free(c[2]);
}

int main(void) {
    if (gg_limit_isa_level(2) != 2) {
        printf("FAIL: level 2 not available (built without GG_EMULATE_AVX512, or no AVX2 here)\n");
        return 1;
    }
    const long sizes[] = {1, 15, 33, 1000, 1024, 2049, 5000, 40000, 70001};
    const float scales[] = {1, 3, 1e-20f, 1e-30f, 1e18f};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (size_t c = 0; c < sizeof scales / sizeof scales[0]; c++)
            for (int special = 0; special < 2; special++) {
                long n = sizes[s];
                float *x = malloc(n * 4), *g = malloc(n * 4);
                for (long i = 0; i < n; i++) x[i] = normal() * (c < 2 ? scales[c] : 3), g[i] = normal() * scales[c];
                if (special && n > 20) x[7] = NAN, x[n - 3] = INFINITY, g[n / 2] = NAN;
                char input[100];
                snprintf(input, sizeof input, "n %ld, scale %g%s", n, scales[c], special && n > 20 ? ", NaN and ∞" : "");
                check_activations(x, g, n, input);
                check_optimizers(g, n, input);
                free(x);
                free(g);
            }
    const long cells[][2] = {{1, 5}, {3, 37}, {32, 128}, {64, 200}};
    for (size_t c = 0; c < sizeof cells / sizeof cells[0]; c++)
        for (int with_state = 0; with_state < 2; with_state++) check_cells(cells[c][0], cells[c][1], with_state);
    // Ragged panels and row blocks, k over one 128-row slice, products split over two threads
    // with each half's last panel in 32-row pieces (m > 32, at least 2¹⁹ multiply-adds).
    const long products[][3] = {{1, 1, 1},     {3, 5, 7},       {4, 64, 128},   {5, 65, 129},   {37, 100, 300},
                                {128, 256, 256}, {130, 200, 37}, {70, 17, 260}, {256, 10, 256}, {33, 130, 1},
                                {96, 300, 64}};
    for (size_t p = 0; p < sizeof products / sizeof products[0]; p++)
        for (int transposes = 0; transposes < 4; transposes++)
            for (int mode = 0; mode < 3; mode++)
                check_gemm(products[p][0], products[p][1], products[p][2], transposes & 1, transposes >> 1, mode);
    printf("%s: %d failures\n", failures ? "FAILED" : "passed", failures);
    return failures != 0;
}
