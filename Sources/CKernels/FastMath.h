// Cephes expf and tanhf (S. L. Moshier, "Methods and Programs for Mathematical Functions",
// 1989) written branch-free so clang vectorises the loops that call them; within 2.5 ulp of
// double-precision libm (KernelMathTests). NaN propagates. Private to CKernels.
#pragma once
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

static inline __attribute__((always_inline)) float gg_sigmoid(float x) { return 1.0f / (1.0f + gg_exp(-x)); }
