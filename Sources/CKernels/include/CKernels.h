#ifndef SWIFTRL_CKERNELS_H
#define SWIFTRL_CKERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction-set level the kernels dispatch to: 0 portable, 1 AVX2+FMA, 2 AVX-512.
int srl_cpu_level(void);
/// Highest level the CPU supports, independent of any cap.
int srl_cpu_max_level(void);
/// Caps the dispatch level (tests use it to exercise every variant); -1 restores auto.
void srl_set_cpu_level_cap(int cap);

/// Row-major single-precision GEMM with our own kernels:
/// C[M,N] = alpha * op(A)[M,K] * op(B)[K,N] + beta * C. op(X) = X or X^T.
void srl_sgemm(int transA, int transB, long M, long N, long K, float alpha,
               const float *A, long lda, const float *B, long ldb,
               float beta, float *C, long ldc);

/// One part of a job for srl_team_run: `part` of `parts`.
typedef void (*srl_team_part)(void *context, long part, long parts);
/// Runs `function` for parts 0..<parts on the calling thread and up to parts - 1 helper
/// threads, which spin briefly between jobs and then sleep; returns when every part is done.
/// The caller claims parts too, so a sleeping or busy helper never delays the job; a
/// caller that finds the team working for another thread runs every part itself.
void srl_team_run(srl_team_part function, void *context, long parts);
/// srl_sgemm with C split into up to `parts` across the team (at least 16 rows of C a
/// part): by rows (whole 16-row blocks), or by columns (whole 32-column panels) when B is
/// transposed and wide, so that no part packs panels another part multiplies. The same
/// result as srl_sgemm, bit for bit.
void srl_sgemm_team(int transA, int transB, long M, long N, long K, float alpha,
                    const float *A, long lda, const float *B, long ldb,
                    float beta, float *C, long ldc, long parts);

/// dst (cols x rows, contiguous) = transpose of src (rows x cols with row stride lds).
void srl_transpose(const float *src, long rows, long cols, long lds, float *dst);

/// Loads OpenBLAS with dlopen. Returns 1 when cblas_sgemm is available.
/// Sets OPENBLAS_CORETYPE=SkylakeX first on AVX-512 CPUs unless the user set it
/// (OpenBLAS 0.3.21 otherwise picks its AVX2 kernels on Zen 4/5).
int srl_blas_load(void);
int srl_blas_is_loaded(void);
/// The path and core OpenBLAS reports, or a reason it is not loaded.
const char *srl_blas_description(void);
void srl_blas_set_threads(int threads);
/// Same contract as srl_sgemm, through cblas_sgemm. Must only be called when loaded.
void srl_blas_sgemm(int transA, int transB, long M, long N, long K, float alpha,
                    const float *A, long lda, const float *B, long ldb,
                    float beta, float *C, long ldc);

/// 64-byte-aligned memory for tensor storage, reusing blocks of the same size that this
/// thread freed recently (steady-state training then neither calls malloc nor page-faults).
void *srl_allocate(size_t bytes);
/// Returns memory from srl_allocate; `bytes` must be the size it was allocated with.
void srl_deallocate(void *pointer, size_t bytes);

/// Tells glibc's malloc to keep freed memory for reuse instead of returning it to the
/// kernel (large mmap threshold, no trimming, 64 MB top pad). Returns 1 when applied.
int srl_retain_freed_memory(void);

/// Thread-local pointer to the gradient tape being recorded on this thread.
void *srl_current_tape(void);
void srl_set_current_tape(void *tape);

/// Adam (Kingma & Ba, PyTorch's form): m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
/// p -= stepSize * m / (sqrt(v) * invSqrtBias2 + eps), stepSize = lr / (1 - b1^t).
/// Runs with flush-to-zero so decaying moments never become denormals.
void srl_adam(float *param, const float *grad, float *m, float *v, long n,
              float stepSize, float beta1, float beta2, float invSqrtBias2, float eps);

/// RMSprop: v = rho v + (1-rho) g^2; centered: mg = rho mg + (1-rho) g, d = v - mg^2, else d = v;
/// denom = sqrt(d + eps) when epsInside (TensorFlow) else sqrt(d) + eps (PyTorch);
/// momentum > 0: buf = momentum buf + g / denom, p -= lr buf; else p -= lr g / denom.
/// `mg` may be NULL when not centered, `buf` NULL when momentum is 0.
void srl_rmsprop(float *param, const float *grad, float *v, float *mg, float *buf, long n,
                 float lr, float rho, float momentum, float eps, int epsInside);

/// out[i] = max(x[i] + bias[i % cols], 0) (relu != 0) or x[i] + bias[i % cols], rows x cols.
void srl_bias_act(const float *x, const float *bias, float *out, long rows, long cols, int relu);

/// Sum over rows: out[c] = sum_r x[r, c] (+ out[c] when accumulate).
void srl_column_sums(const float *x, float *out, long rows, long cols, int accumulate);

/// out[i] = a[i*aStep] op b[i*bStep] for op 0 add, 1 subtract, 2 multiply, 3 divide;
/// a step of 0 broadcasts that operand's first value. aStep and bStep are 0 or 1.
void srl_binary(int op, const float *a, long aStep, const float *b, long bStep, float *out, long n);

/// out = max(x, 0).
void srl_relu(const float *x, float *out, long n);
/// out = tanh(x), vectorised (Cephes' tanhf; within a few ulps of libm).
void srl_tanh(const float *x, float *out, long n);
/// out = g (1 - y^2) (the tanh gradient from its output y).
void srl_tanh_backward(const float *g, const float *y, float *out, long n);
/// out = g where y > 0 else 0 (the relu gradient from its output y).
void srl_relu_backward(const float *g, const float *y, float *out, long n);

/// Enables flush-to-zero and denormals-are-zero on the calling thread.
void srl_enable_flush_to_zero(void);

#ifdef __cplusplus
}
#endif

#endif
