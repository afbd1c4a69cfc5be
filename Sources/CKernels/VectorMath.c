// Cephes expf and tanhf (S. L. Moshier, "Methods and Programs for Mathematical Functions",
// 1989) written branch-free so clang vectorises the loops; within 2.5 ulp of double-precision
// libm (KernelMathTests). NaN propagates.
#include "CKernels.h"
#include "Dispatch.h"
#include <stdint.h>
#include <string.h>

static inline __attribute__((always_inline)) float gg_exp(float x) {
    // Clamped to [-87.34, 88] so 2^n stays a normal float; n is rounded with the 1.5·2^23
    // trick, so no float-to-int conversion is involved.
    float c = x > 88.0f ? 88.0f : (x < -87.3365447505531f ? -87.3365447505531f : x);
    const float shifter = 12582912.0f;
    float shifted = c * 1.44269504088896341f + shifter;
    float n = shifted - shifter;
    float r = c - n * 0.693359375f;
    r = r + n * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    float er = p * (r * r) + r + 1.0f;
    uint32_t bits;
    memcpy(&bits, &shifted, sizeof bits);
    bits = (bits + (127u - 0x4B400000u)) << 23;  // the low mantissa bits of `shifted` hold n
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return er * scale;
}

static inline __attribute__((always_inline)) float gg_tanh(float x) {
    // An odd polynomial below |x| = 0.625, 1 − 2/(e^{2|x|} + 1) above; both computed, one kept.
    float a = x < 0 ? -x : x;
    float s = x * x;
    float p = -5.70498872745e-3f;
    p = p * s + 2.06390887954e-2f;
    p = p * s - 5.37397155531e-2f;
    p = p * s + 1.33314422036e-1f;
    p = p * s - 3.33332819422e-1f;
    float small = p * s * x + x;
    float large = 1.0f - 2.0f / (gg_exp(2.0f * a) + 1.0f);
    large = x < 0 ? -large : large;
    return a < 0.625f ? small : large;
}

// In place (x == y) and out of place are separate loops: for x == y LLVM's run-time overlap
// check would fail and the scalar fallback loop would run.
#define GG_MAP(f)                                                                  \
    if (x == y) {                                                                  \
        float *p = y;                                                              \
        for (long i = 0; i < n; i++) p[i] = f(p[i]);                               \
    } else {                                                                       \
        const float *restrict in = x;                                              \
        float *restrict out = y;                                                   \
        for (long i = 0; i < n; i++) out[i] = f(in[i]);                            \
    }

static inline __attribute__((always_inline)) float gg_sigmoid(float x) { return 1.0f / (1.0f + gg_exp(-x)); }

#define GG_SIGMOID_BODY GG_MAP(gg_sigmoid)
#define GG_TANH_BODY GG_MAP(gg_tanh)

typedef void (*gg_unary)(const float *, float *, long);

static void sigmoid_baseline(const float *x, float *y, long n) { GG_SIGMOID_BODY }
static void tanh_baseline(const float *x, float *y, long n) { GG_TANH_BODY }

#if defined(__x86_64__)
GG_AVX512 static void sigmoid_avx512(const float *x, float *y, long n) { GG_SIGMOID_BODY }
GG_AVX512 static void tanh_avx512(const float *x, float *y, long n) { GG_TANH_BODY }
GG_AVX2 static void sigmoid_avx2(const float *x, float *y, long n) { GG_SIGMOID_BODY }
GG_AVX2 static void tanh_avx2(const float *x, float *y, long n) { GG_TANH_BODY }

static int detected_isa(void) {  // 2: AVX-512, 1: AVX2 + FMA, 0: baseline
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl")) return 2;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 1;
    return 0;
}
#else
static int detected_isa(void) { return 0; }
#endif

int gg_isa_level(void) {
    static int cached = -1;  // written once with the same value by any thread that races here
    int value = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (value < 0) {
        value = detected_isa();
        __atomic_store_n(&cached, value, __ATOMIC_RELAXED);
    }
    return value;
}

void gg_sigmoid_f32(const float *x, float *y, long n) {
#if defined(__x86_64__)
    switch (gg_isa_level()) {
    case 2: sigmoid_avx512(x, y, n); return;
    case 1: sigmoid_avx2(x, y, n); return;
    }
#endif
    sigmoid_baseline(x, y, n);
}

void gg_tanh_f32(const float *x, float *y, long n) {
#if defined(__x86_64__)
    switch (gg_isa_level()) {
    case 2: tanh_avx512(x, y, n); return;
    case 1: tanh_avx2(x, y, n); return;
    }
#endif
    tanh_baseline(x, y, n);
}

const char *gg_vector_isa(void) {
    switch (gg_isa_level()) {
    case 2: return "avx512";
    case 1: return "avx2";
    default: return "baseline";
    }
}
