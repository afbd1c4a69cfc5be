// Sigmoid and tanh over arrays (FastMath.h's Cephes polynomials), chosen per instruction set.
#include "CKernels.h"
#include "Dispatch.h"
#include "FastMath.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// In place (x == y) and out of place are separate loops: for x == y LLVM's run-time overlap
// check would fail and the scalar fallback loop would run. Four vectors per iteration
// (interleave_count), so that several exp-and-divide chains are in flight: on an AMD EPYC Zen 3
// (AVX2) the sigmoid over twenty W2 layers (128 × 256 each, two threads) took 140–143 µs
// against 186–196, tanh then sigmoid over 2048 floats in L1 1.41 against 1.59 ns per float
// (one thread); W5's step was unchanged (1.00×, 100 pairs twice). Two vectors had shown no gain
// on the sigmoid alone.
#define GG_MAP(f)                                                                  \
    if (x == y) {                                                                  \
        float *p = y;                                                              \
        _Pragma("clang loop interleave_count(4)")                                  \
        for (long i = 0; i < n; i++) p[i] = f(p[i]);                               \
    } else {                                                                       \
        const float *restrict in = x;                                              \
        float *restrict out = y;                                                   \
        _Pragma("clang loop interleave_count(4)")                                  \
        for (long i = 0; i < n; i++) out[i] = f(in[i]);                            \
    }


#define GG_SIGMOID_BODY GG_MAP(gg_sigmoid)
#define GG_TANH_BODY GG_MAP(gg_tanh)
#define GG_RELU(v) ((v) < 0.0f ? 0.0f : (v))  // PyTorch's rule: NaN and −0 pass through
#define GG_RELU_BODY GG_MAP(GG_RELU)

typedef void (*gg_unary)(const float *, float *, long);

static void sigmoid_baseline(const float *x, float *y, long n) { GG_SIGMOID_BODY }
static void tanh_baseline(const float *x, float *y, long n) { GG_TANH_BODY }
static void relu_baseline(const float *x, float *y, long n) { GG_RELU_BODY }

#if defined(__x86_64__)
GG_AVX512 static void sigmoid_avx512(const float *x, float *y, long n) { GG_SIGMOID_BODY }
GG_AVX512 static void tanh_avx512(const float *x, float *y, long n) { GG_TANH_BODY }
GG_AVX2 static void sigmoid_avx2(const float *x, float *y, long n) { GG_SIGMOID_BODY }
GG_AVX2 static void tanh_avx2(const float *x, float *y, long n) { GG_TANH_BODY }
GG_AVX512 static void relu_avx512(const float *x, float *y, long n) { GG_RELU_BODY }
GG_AVX2 static void relu_avx2(const float *x, float *y, long n) { GG_RELU_BODY }

static int gg_hardware_isa(void) {  // 2: AVX-512, 1: AVX2 + FMA, 0: baseline
    __builtin_cpu_init();
#if defined(GG_EMULATE_AVX512)
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 2;  // Dispatch.h
#endif
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl")) return 2;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 1;
    return 0;
}
#else
static int gg_hardware_isa(void) { return 0; }
#endif

// GRADGUARD_ISA=avx2 (or baseline) makes GradGuard behave as on a CPU without AVX-512 (or
// AVX2): to compare with such a machine, or to rule out a kernel. Other values: no cap.
int gg_detected_isa(void) {
    int level = gg_hardware_isa();
    const char *cap = getenv("GRADGUARD_ISA");
    if (cap && strcmp(cap, "avx2") == 0 && level > 1) level = 1;
    if (cap && strcmp(cap, "baseline") == 0) level = 0;
    return level;
}

static int isa_cache = -1;  // written once with the same value by any thread that races here

int gg_isa_level(void) {
    int value = __atomic_load_n(&isa_cache, __ATOMIC_RELAXED);
    if (value < 0) {
        value = gg_detected_isa();
        __atomic_store_n(&isa_cache, value, __ATOMIC_RELAXED);
    }
    return value;
}

static void sigmoid_range(const float *x, float *y, long n) {
#if defined(__x86_64__)
    switch (gg_isa_level()) {
    case 2: sigmoid_avx512(x, y, n); return;
    case 1: sigmoid_avx2(x, y, n); return;
    }
#endif
    sigmoid_baseline(x, y, n);
}

static void tanh_range(const float *x, float *y, long n) {
#if defined(__x86_64__)
    switch (gg_isa_level()) {
    case 2: tanh_avx512(x, y, n); return;
    case 1: tanh_avx2(x, y, n); return;
    }
#endif
    tanh_baseline(x, y, n);
}

static void relu_range(const float *x, float *y, long n) {
#if defined(__x86_64__)
    switch (gg_isa_level()) {
    case 2: relu_avx512(x, y, n); return;
    case 1: relu_avx2(x, y, n); return;
    }
#endif
    relu_baseline(x, y, n);
}

// --- Large arrays: half on the helper thread -------------------------------------------------
// From GG_ACTIVATION_SPLIT elements (a 128 × 128 layer output) the two halves run at once
// (gg_run_in_halves), split at a multiple of 16 floats so that no cache line is written by both.
// Each element's arithmetic is unchanged, so the result is the same bits.

typedef struct {
    gg_unary range;
    const float *x;
    float *y;
    long n;
} gg_unary_task;

static void unary_half(void *context, int half) {
    gg_unary_task *t = context;
    long middle = gg_split_point(t->n);
    long begin = half ? middle : 0, count = half ? t->n - middle : middle;
    t->range(t->x + begin, t->y + begin, count);
}

static void run_unary(gg_unary range, const float *x, float *y, long n) {
    if (n < GG_ACTIVATION_SPLIT) {
        range(x, y, n);
        return;
    }
    gg_unary_task task = {range, x, y, n};
    gg_run_in_halves(unary_half, &task);
}

void gg_sigmoid_f32(const float *x, float *y, long n) { run_unary(sigmoid_range, x, y, n); }
void gg_tanh_f32(const float *x, float *y, long n) { run_unary(tanh_range, x, y, n); }
void gg_relu_f32(const float *x, float *y, long n) { run_unary(relu_range, x, y, n); }

int gg_limit_isa_level(int level) {
    int detected = gg_detected_isa();
    int value = level < 0 || level > detected ? detected : level;
    gg_isa_level();  // fill the cache first, so that this store is the last one
    __atomic_store_n(&isa_cache, value, __ATOMIC_RELAXED);
    return value;
}

const char *gg_vector_isa(void) {
    switch (gg_isa_level()) {
    case 2: return "avx512";
    case 1: return "avx2";
    default: return "baseline";
    }
}

// --- Back-propagation through an activation: out = g · f′, f′ read from the output y (sigmoid:
// y(1 − y), tanh: 1 − y²) or, for ReLU, a choice on the input x (0 where x ≤ 0, else g, as
// PyTorch's threshold_backward), in one pass and without fusing
// multiply-adds, so the result is the same bits as g ⊙ f′ computed in two passes.
#pragma clang fp contract(off)

// ReLU's g is loaded whatever x is: loaded under the condition, it would need masked loads to
// vectorise, which SSE2 and NEON lack (the x86 baseline took 0.43–0.96 ns per float, now
// 0.09–0.17; AMD EPYC Zen 4, 1024 floats in L1).
#define GG_ACTIVATION_BACKWARD_BODY                                                \
    if (kind == 0)                                                                 \
        for (long i = 0; i < n; i++) out[i] = g[i] * (y[i] * (1.0f - y[i]));       \
    else if (kind == 1)                                                            \
        for (long i = 0; i < n; i++) out[i] = g[i] * (1.0f - y[i] * y[i]);         \
    else                                                                           \
        for (long i = 0; i < n; i++) {                                             \
            float gi = g[i];                                                       \
            out[i] = x[i] <= 0.0f ? 0.0f : gi;                                     \
        }

#define GG_ACTIVATION_BACKWARD_ARGS                                                \
    const float *restrict x, const float *restrict y, const float *restrict g, float *restrict out, long n, int kind

static void activation_backward_baseline(GG_ACTIVATION_BACKWARD_ARGS) { GG_ACTIVATION_BACKWARD_BODY }
#if defined(__x86_64__)
GG_AVX512 static void activation_backward_avx512(GG_ACTIVATION_BACKWARD_ARGS) { GG_ACTIVATION_BACKWARD_BODY }
GG_AVX2 static void activation_backward_avx2(GG_ACTIVATION_BACKWARD_ARGS) { GG_ACTIVATION_BACKWARD_BODY }
#endif

static void activation_backward_range(const float *x, const float *y, const float *g, float *out, long n, int kind) {
#if defined(__x86_64__)
    switch (gg_isa_level()) {
    case 2: activation_backward_avx512(x, y, g, out, n, kind); return;
    case 1: activation_backward_avx2(x, y, g, out, n, kind); return;
    }
#endif
    activation_backward_baseline(x, y, g, out, n, kind);
}

typedef struct {
    const float *x, *y, *g;
    float *out;
    long n;
    int kind;
} gg_backward_task;

static void backward_half(void *context, int half) {
    gg_backward_task *t = context;
    long middle = gg_split_point(t->n);
    long begin = half ? middle : 0, count = half ? t->n - middle : middle;
    activation_backward_range(t->x + begin, t->y + begin, t->g + begin, t->out + begin, count, t->kind);
}

void gg_activation_backward_f32(const float *x, const float *y, const float *g, float *out, long n, int kind) {
    if (n < GG_ACTIVATION_SPLIT) {
        activation_backward_range(x, y, g, out, n, kind);
        return;
    }
    gg_backward_task task = {x, y, g, out, n, kind};
    gg_run_in_halves(backward_half, &task);
}

// --- Sum of a matrix's rows (a bias gradient): out[j] = Σ_r x[r·cols + j], the rows added in
// order, so the result is the same bits as the scalar loop it replaces; vectorised along j.
#define GG_SUM_ROWS_BODY                                                           \
    for (long j = 0; j < cols; j++) out[j] = 0.0f;                                 \
    for (long r = 0; r < rows; r++) {                                              \
        const float *restrict row = x + r * cols;                                  \
        for (long j = 0; j < cols; j++) out[j] += row[j];                          \
    }

#define GG_SUM_ROWS_ARGS const float *restrict x, long rows, long cols, float *restrict out

static void sum_rows_baseline(GG_SUM_ROWS_ARGS) { GG_SUM_ROWS_BODY }
#if defined(__x86_64__)
GG_AVX512 static void sum_rows_avx512(GG_SUM_ROWS_ARGS) { GG_SUM_ROWS_BODY }
GG_AVX2 static void sum_rows_avx2(GG_SUM_ROWS_ARGS) { GG_SUM_ROWS_BODY }
#endif

void gg_sum_rows_f32(const float *x, long rows, long cols, float *out) {
#if defined(__x86_64__)
    switch (gg_isa_level()) {
    case 2: sum_rows_avx512(x, rows, cols, out); return;
    case 1: sum_rows_avx2(x, rows, cols, out); return;
    }
#endif
    sum_rows_baseline(x, rows, cols, out);
}
