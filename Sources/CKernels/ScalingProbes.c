// Probes of how far this machine's cores scale, for the benchmarks that compare one thread or
// process with two: a register-resident FMA loop (no memory traffic, so two cores that are
// really two cores take half the time) and a streaming sum over a buffer larger than the caches
// (bound by the memory bandwidth the cores share). Virtual machines can fall short of 2× on
// both: two vCPUs may share one physical core, or its frequency drops when both run AVX-512.
#include <time.h>
#include "CKernels.h"
#include "Dispatch.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

// 16 independent accumulators: enough to cover the FMA latency on two ports. The widest vectors
// the kernels use, since AVX-512 may lower the clock when both cores run it.
#if defined(__x86_64__)
GG_AVX512 static float gg_fma_chains_avx512(long iterations) {
    __m512 acc[16];
    __m512 scale = _mm512_set1_ps(0.999999f), shift = _mm512_set1_ps(1e-7f);
    for (int i = 0; i < 16; i++) acc[i] = _mm512_set1_ps((float)i);
    for (long it = 0; it < iterations; it++)
        for (int i = 0; i < 16; i++) acc[i] = _mm512_fmadd_ps(acc[i], scale, shift);
    __m512 total = acc[0];
    for (int i = 1; i < 16; i++) total = _mm512_add_ps(total, acc[i]);
    return _mm512_reduce_add_ps(total);
}

GG_AVX2 static float gg_fma_chains_avx2(long iterations) {
    __m256 acc[16];
    __m256 scale = _mm256_set1_ps(0.999999f), shift = _mm256_set1_ps(1e-7f);
    for (int i = 0; i < 16; i++) acc[i] = _mm256_set1_ps((float)i);
    for (long it = 0; it < iterations; it++)
        for (int i = 0; i < 16; i++) acc[i] = _mm256_fmadd_ps(acc[i], scale, shift);
    __m256 total = acc[0];
    for (int i = 1; i < 16; i++) total = _mm256_add_ps(total, acc[i]);
    float lanes[8];
    _mm256_storeu_ps(lanes, total);
    return lanes[0] + lanes[7];
}
#endif

static float gg_fma_chains_scalar(long iterations) {
    float acc[16];
    for (int i = 0; i < 16; i++) acc[i] = (float)i;
    for (long it = 0; it < iterations; it++)
        for (int i = 0; i < 16; i++) acc[i] = acc[i] * 0.999999f + 1e-7f;
    float total = 0;
    for (int i = 0; i < 16; i++) total += acc[i];
    return total;
}

static float gg_fma_chains(long iterations) {
#if defined(__x86_64__)
    if (gg_isa_level() >= 2) return gg_fma_chains_avx512(iterations);
    if (gg_isa_level() >= 1) return gg_fma_chains_avx2(iterations);
#endif
    return gg_fma_chains_scalar(iterations);
}

static float gg_stream_sum(const float *x, long n) {
    float lanes[16] = {0};
    long i = 0;
    for (; i + 16 <= n; i += 16)
        for (int l = 0; l < 16; l++) lanes[l] += x[i + l];
    for (; i < n; i++) lanes[0] += x[i];
    float total = 0;
    for (int l = 0; l < 16; l++) total += lanes[l];
    return total;
}

typedef struct {
    int kind;
    long work;
    const float *x;
    long n;
    float sink[2];
} gg_probe_task;

static void gg_probe_part(gg_probe_task *t, int half, int halves) {
    if (t->kind == 0) {
        long share = t->work / halves;
        t->sink[half] = gg_fma_chains(share);
    } else {
        long begin = half * (t->n / halves), end = half == halves - 1 ? t->n : begin + t->n / halves;
        float sum = 0;
        for (long r = 0; r < t->work; r++) sum += gg_stream_sum(t->x + begin, end - begin);
        t->sink[half] = sum;
    }
}

static void gg_probe_half(void *context, int half) { gg_probe_part(context, half, 2); }

static double gg_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

double gg_probe_seconds(int kind, int threads, long work, const float *x, long n, float *sink) {
    gg_probe_task task = {kind, work, x, n, {0, 0}};
    double start = gg_now();
    if (threads == 2) gg_run_in_halves(gg_probe_half, &task);
    else gg_probe_part(&task, 0, 1);
    double seconds = gg_now() - start;
    *sink = task.sink[0] + task.sink[1];
    return seconds;
}
