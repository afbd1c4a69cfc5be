// GradGuard's C helpers: vectorised float math with run-time CPU dispatch, and glibc malloc
// tuning. Swift's compiler targets baseline x86-64 (SSE2) and SwiftPM libraries may not pass
// -march flags, so the element-wise hot loops that need AVX2/AVX-512 live here, compiled per
// function with `__attribute__((target(...)))` and chosen once at run time.
#pragma once

/// y[i] = 1 / (1 + exp(-x[i])) for i < n; x and y are the same array or do not overlap.
void gg_sigmoid_f32(const float *x, float *y, long n);

/// y[i] = tanh(x[i]) for i < n; x and y are the same array or do not overlap.
void gg_tanh_f32(const float *x, float *y, long n);

/// y[i] = x[i] < 0 ? 0 : x[i] (Activation.relu's rule, PyTorch's: NaN and −0 pass through) for
/// i < n; x and y are the same array or do not overlap.
void gg_relu_f32(const float *x, float *y, long n);

/// out[i] = g[i] · f′ for i < n, f′ from the output y (kind 0 sigmoid: y(1 − y); kind 1 tanh:
/// 1 − y²); kind 2 ReLU chooses on the input x: 0 where x ≤ 0, else g[i] (PyTorch's
/// threshold_backward: g passes at NaN, and 0 stays 0 for an infinite g); out does not overlap
/// the others.
void gg_activation_backward_f32(const float *x, const float *y, const float *g, float *out, long n, int kind);

/// out[j] = Σ over r < rows of x[r·cols + j] for j < cols, the rows added in order (the same
/// bits as a scalar loop); out does not overlap x.
void gg_sum_rows_f32(const float *x, long rows, long cols, float *out);

/// The instruction set the kernels run with on this CPU: "avx512", "avx2" or "baseline".
const char *gg_vector_isa(void);

/// For tests: makes every kernel use at most `level` (2 AVX-512, 1 AVX2 + FMA, 0 baseline;
/// -1 or above what the CPU has: the CPU's own) from now on; returns the level in force.
int gg_limit_isa_level(int level);

/// Sets glibc's mmap and trim thresholds in bytes; returns 1 when both were accepted
/// (0 on other C libraries).
int gg_keep_freed_memory(int mmap_threshold, int trim_threshold);

/// Sum and sum of squares of the finite elements (double's range, float blocks), and how many
/// are finite.
typedef struct {
    double sum;
    double sum_squares;
    long finite;
} gg_stats;

/// One pass over x[0..<n]: the statistics of its finite elements.
void gg_stats_f32(const float *x, long n, gg_stats *out);

/// An activation's statistics from one pass: gg_stats' three, and for an activation's outputs
/// gg_activation_stats_f32's two (derivative: Σ σ′; flagged: saturated or active count).
typedef struct {
    double sum;
    double sum_squares;
    long finite;
    double derivative;
    long flagged;
} gg_summary;

/// One pass over x[0..<n]: the statistics of its finite elements and, with kind 0 (sigmoid),
/// 1 (tanh) or 2 (ReLU), those of gg_activation_stats_f32; kind −1: derivative and flagged 0.
void gg_summary_f32(const float *x, long n, int kind, gg_summary *out);

/// gg_summary_f32 of x[0..<n] (kind −1) in *input and of y[0..<n] (kind) in *output, from one
/// loop over both (the same sums; added in another order than two calls on AVX-512, within
/// float rounding).
void gg_summary_pair_f32(const float *x, const float *y, long n, int kind, gg_summary *input, gg_summary *output);

/// y = f(x) for f sigmoid (kind 0), tanh (1) or ReLU (2, y = x where x > 0, else 0) over
/// x[0..<n], the same bits as gg_sigmoid_f32 / gg_tanh_f32, and in the same pass the
/// gg_summary_f32 of x (kind −1) in *input and of y (kind) in *output. x and y do not overlap.
void gg_activation_forward_summarized_f32(const float *x, float *y, long n, int kind, gg_summary *input,
                                          gg_summary *output);

/// gg_activation_backward_f32, and in the same pass Σ g² in *gradient_squares and Σ out² in
/// *input_gradient_squares (double, as gg_sum_squares_f32).
void gg_activation_backward_summarized_f32(const float *x, const float *y, const float *g, float *out, long n, int kind,
                                           double *gradient_squares, double *input_gradient_squares);

/// Σ x[i]² in double over every element (NaN or ±inf make it NaN or inf).
double gg_sum_squares_f32(const float *x, long n);

/// Σ (a[i] − b[i])² in double, each difference taken in float.
double gg_distance_squared_f32(const float *a, const float *b, long n);

/// One pass over an activation's outputs y[0..<n]: returns Σ σ′ (from y) and sets *flagged.
/// kind 0, sigmoid: σ′ = y(1 − y), flagged = saturated (y < 0.0025 or y > 0.9975);
/// kind 1, tanh: σ′ = 1 − y², flagged = saturated (|y| > 0.995);
/// kind 2, ReLU: σ′ = 1 where y > 0, flagged = those active outputs.
double gg_activation_stats_f32(const float *y, long n, int kind, long *flagged);

/// The vector instruction set this CPU (and its OS) supports: 2 AVX-512 (F, DQ, VL),
/// 1 AVX2 + FMA, 0 neither; at most what the environment's GRADGUARD_ISA allows (avx2: 1,
/// baseline: 0), which makes GradGuard behave as on such a CPU.
int gg_cpu_isa_level(void);

/// 1 on an AMD CPU.
int gg_cpu_is_amd(void);

/// 1 when the CPU has AVX-512 BF16 (Cooper Lake, Sapphire Rapids and later; Zen 4 and later).
int gg_cpu_has_avx512_bf16(void);

/// What one optimizer step did to one parameter, with double's range: Σ p² after the step,
/// Σ g² of the gradient it used, Σ (p_after − p_before)² (in scaled float blocks, within about
/// 1e-6 relative; a block out of float's safe range in double — OptimizerKernels.c). `gradient_only` is an
/// input: 1 sums Σ g² alone (the other two are left 0).
typedef struct {
    double weight_squares;
    double gradient_squares;
    double update_squares;
    int gradient_only;
} gg_step_measure;

/// One SGD step (PyTorch's rule) over n floats in place: d = g + wd·p; without a momentum
/// buffer (b NULL) p ← p − lr·d; with one, b ← d on the first step, else mu·b + keep·d, and
/// p ← p − lr·(nesterov ? d + mu·b : b). With out, measures the step in the same pass.
void gg_sgd_f32(float *p, const float *g, float *b, long n, float lr, float wd, float mu, float keep, int first, int nesterov,
                gg_step_measure *out);

/// One Adam step (Kingma & Ba 2015, PyTorch's rule) over n floats in place: p ← p·decay;
/// d = g + coupled·p; m ← m + (1 − β₁)(d − m); v ← β₂v + (1 − β₂)d²; with vmax (AMSGrad, may be
/// NULL) vmax ← max(vmax, v); p ← p − step_size·m / (√(vmax or v) / correction2 + eps).
/// With out, measures the step in the same pass.
void gg_adam_f32(float *p, const float *g, float *m, float *v, float *vmax, long n, float decay, float coupled,
                 float one_minus_b1, float b2, float one_minus_b2, float step_size, float correction2, float eps,
                 gg_step_measure *out);

/// Measures a step after the fact from the weights before it (`old`).
void gg_measure_step_f32(const float *p, const float *g, const float *old, long n, gg_step_measure *out);

/// The column-panel width of the small-GEMM kernel for this CPU: 64 (AVX-512), 24 (AVX2 + FMA),
/// or 0 where it does not run (use BLAS there).
long gg_small_gemm_panel_width(void);

/// Packs B (k × n, row stride ldb; with transposed, B is given as its transpose, n × k) into
/// `packed` (ceil(n / width) · width · k floats): column panels of `width`, rows contiguous,
/// zero-padded. `width` is gg_small_gemm_panel_width().
void gg_small_gemm_pack_f32(long k, long n, const float *b, long ldb, int transposed, long width, float *packed);

/// C = A·B (accumulate 0) or C + A·B (accumulate 1), row-major A [m × k] (lda) and C [m × n]
/// (ldc), B packed with panel `width` by gg_small_gemm_pack_f32, for the small products of a
/// recurrent step; from 2¹⁹ multiply-adds, half of the panels run on the helper thread.
void gg_small_gemm_f32(long m, long n, long k, const float *a, long lda, const float *packed, long width, float *c,
                       long ldc, int accumulate);

/// C = op(A)·op(B) (accumulate 0) or C + op(A)·op(B) (accumulate 1) for row-major matrices, op
/// being a transpose where asked (A given as k × m, B as n × k): the small-GEMM kernel with B
/// packed on each call (into a buffer the calling thread keeps), each half of the column panels
/// packed and multiplied on this thread and the helper thread. With `row_bias` (n floats, or
/// NULL), C = op(A)·op(B) + row_bias on every row: the same bits as C first holding the bias
/// rows and accumulate 1, without that pass over C. Returns 0, doing nothing, where no kernel
/// runs on this CPU or the buffer cannot be allocated (use BLAS there).
int gg_panel_gemm_f32(int transpose_a, int transpose_b, long m, long n, long k, const float *a, long lda,
                      const float *b, long ldb, float *c, long ldc, int accumulate, const float *row_bias);

/// Whether a product of this size should run on gg_panel_gemm_f32 rather than BLAS: on AVX-512,
/// with A (m × k) up to 2¹⁷ floats, n ≥ 16 (or over 2¹⁸ multiply-adds) and up to 2²⁶
/// multiply-adds, unless the environment sets GRADGUARD_GEMM=blas.
int gg_gemm_prefers_panel(long m, long n, long k);

/// One LSTM time step's element-wise part over a [batch, n] block (PyTorch's equations, gates
/// i, f, g, o): `gates` ([batch, 4n]) holds the pre-activations and is overwritten with the
/// activated gates; c = f·c_old + i·g (c_old NULL: zero), tanh_c = tanh(c), h = o·tanh_c.
void gg_lstm_forward_f32(long batch, long n, float *gates, const float *c_old, float *c_new, float *tanh_c, float *h);

/// Its backward pass: with dh = ∂L/∂h_t and dc = ∂L/∂c_t from step t+1, writes the gate deltas
/// (δi, δf, δg, δo, [batch, 4n]) and replaces dc by ∂L/∂c_{t−1}.
void gg_lstm_backward_f32(long batch, long n, const float *gates, const float *c_old, const float *tanh_c,
                          const float *dh, float *dc, float *delta);

/// One GRU time step's element-wise part (gates r, z, n): `gates` ([batch, 3n]) holds
/// W_i· x + b_i· and is overwritten with r, z and the candidate; `recurrent` ([batch, 3n]) is
/// W_h· h_old, `bias` b_h· ([3n]); hn = W_hn h_old + b_hn; h = (1 − z)·candidate + z·h_old
/// (h_old NULL: zero).
void gg_gru_forward_f32(long batch, long n, float *gates, const float *recurrent, const float *bias,
                        const float *h_old, float *hn, float *h);

/// Its backward pass: from dh = ∂L/∂h_t writes the input-side deltas (δr, δz, δn) and the
/// recurrent-side ones (δr, δz, δn·r), and replaces dh by its direct part dh·z.
void gg_gru_backward_f32(long batch, long n, const float *gates, const float *hn, const float *h_old, float *dh,
                         float *input_delta, float *recurrent_delta);

/// Seconds for a scaling probe on 1 thread or on 2 (this one and the helper, each half the work):
/// kind 0 runs `work` iterations of 16 register-resident FMA chains (no memory traffic); kind 1
/// sums the n floats at x `work` times (memory bandwidth once x outgrows the caches). `sink`
/// receives a value of the work, so it cannot be skipped.
double gg_probe_seconds(int kind, int threads, long work, const float *x, long n, float *sink);

/// Runs function(context, 0) on this thread and function(context, 1) on the helper thread at
/// the same time, and returns when both are done; without a helper (one CPU in this process's
/// affinity mask, GRADGUARD_HELPER_THREAD=0, a forked child) or while another thread uses it,
/// runs both halves here, one after the other. The helper starts on the first call. The second
/// half runs on whichever thread claims it first: if the helper has not started it by the time
/// this thread finishes the first half, this thread runs it too.
void gg_run_in_halves(void (*function)(void *context, int half), void *context);
/// Atomically adds 1 to *counter and returns its value before: the next piece of a shared task
/// for whichever thread calls first.
long gg_claim_next(long *counter);
/// 1 when the helper thread runs (starting it if it has not started), 0 when gg_run_in_halves
/// runs both halves on the calling thread (see above).
int gg_helper_thread_available(void);
/// Lets gg_run_in_halves use the helper thread (1, the default) or run both halves on the calling
/// thread (0): processes that share the cores (mpirun) turn it off while they all work.
void gg_helper_set_enabled(int enabled);
