// GradGuard's C helpers: vectorised float math with run-time CPU dispatch, and glibc malloc
// tuning. Swift's compiler targets baseline x86-64 (SSE2) and SwiftPM libraries may not pass
// -march flags, so the element-wise hot loops that need AVX2/AVX-512 live here, compiled per
// function with `__attribute__((target(...)))` and chosen once at run time.
#pragma once

/// y[i] = 1 / (1 + exp(-x[i])) for i < n; x and y are the same array or do not overlap.
void gg_sigmoid_f32(const float *x, float *y, long n);

/// y[i] = tanh(x[i]) for i < n; x and y are the same array or do not overlap.
void gg_tanh_f32(const float *x, float *y, long n);

/// The instruction set the kernels run with on this CPU: "avx512", "avx2" or "baseline".
const char *gg_vector_isa(void);

/// Sets glibc's mmap and trim thresholds in bytes; returns 1 when both were accepted
/// (0 on other C libraries).
int gg_keep_freed_memory(int mmap_threshold, int trim_threshold);
