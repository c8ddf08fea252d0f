#include "CKernels.h"

// Every v16f helper is always_inline, so the psABI note about passing 64-byte vectors
// between functions of different ISA levels never applies.
#pragma clang diagnostic ignored "-Wpsabi"

#include <stdlib.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <string.h>
#include <stdio.h>
#include <pthread.h>
#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#define SRL_X86 1
#endif
#if !defined(_WIN32)
#include <dlfcn.h>
#endif

typedef float v16f __attribute__((ext_vector_type(16)));
typedef float v8f __attribute__((ext_vector_type(8)));
typedef int v16i __attribute__((ext_vector_type(16)));

// ---- One instantiation of kernels_impl.h per ISA level ----

#define SRL_ATTR
#define SRL_FN(name) srl_generic_##name
#define SRL_MR 2
#define SRL_NV 1
#define SRL_GV 2
#include "kernels_impl.h"
#undef SRL_ATTR
#undef SRL_FN
#undef SRL_MR
#undef SRL_NV
#undef SRL_GV

#if SRL_X86
#define SRL_ATTR __attribute__((target("avx2,fma")))
#define SRL_FN(name) srl_avx2_##name
#define SRL_MR 6
#define SRL_NV 1
#define SRL_GV 4
#include "kernels_impl.h"
#undef SRL_ATTR
#undef SRL_FN
#undef SRL_MR
#undef SRL_NV
#undef SRL_GV

#define SRL_ATTR __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,avx2,fma")))
#define SRL_FN(name) srl_avx512_##name
#define SRL_MR 8
#define SRL_NV 2
#define SRL_GV 8
#include "kernels_impl.h"
#undef SRL_ATTR
#undef SRL_FN
#undef SRL_MR
#undef SRL_NV
#undef SRL_GV
#endif

// ---- CPU level ----

static int detected_level = -1;
static int level_cap = -1;

int srl_cpu_max_level(void) {
    if (detected_level < 0) {
        int level = 0;
#if SRL_X86
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) level = 1;
        if (level == 1 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
            __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw"))
            level = 2;
#endif
        detected_level = level;
    }
    return detected_level;
}

int srl_cpu_level(void) {
    int level = srl_cpu_max_level();
    if (level_cap >= 0 && level_cap < level) level = level_cap;
    return level;
}

void srl_set_cpu_level_cap(int cap) { level_cap = cap; }

// Calls the variant of a kernel for the current level: SRL_DISPATCH(adam(p, g, ...)).
#define SRL_DISPATCH(CALL)                          \
    switch (srl_cpu_level()) {                      \
    SRL_DISPATCH_X86(CALL)                          \
    default: srl_generic_##CALL; break;             \
    }
#if SRL_X86
#define SRL_DISPATCH_X86(CALL) case 2: srl_avx512_##CALL; break; case 1: srl_avx2_##CALL; break;
#else
#define SRL_DISPATCH_X86(CALL)
#endif

// ---- Flush to zero ----

#if SRL_X86
#define SRL_FTZ_BEGIN unsigned int srl_saved_csr = _mm_getcsr(); _mm_setcsr(srl_saved_csr | 0x8040);
#define SRL_FTZ_END _mm_setcsr(srl_saved_csr);
#else
#define SRL_FTZ_BEGIN
#define SRL_FTZ_END
#endif

void srl_enable_flush_to_zero(void) {
#if SRL_X86
    _mm_setcsr(_mm_getcsr() | 0x8040);
#endif
}

// ---- GEMM ----

// Per-thread scratch for packed and padded panels, grown on demand and reused, so
// steady-state GEMM calls never allocate. A thread-specific destructor frees it when its
// thread ends: threads that live for one piece of work (A3C's workers, one set per
// iteration) would otherwise leak a block each.
static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static __thread float *scratch = 0;
static __thread size_t scratch_count = 0;

static void scratch_destroy(void *p) {
    free(p);
    scratch = 0;
    scratch_count = 0;
}

static void scratch_key_init(void) { pthread_key_create(&scratch_key, scratch_destroy); }

static float *scratch_floats(size_t count) {
    if (count > scratch_count) {
        free(scratch);
        size_t bytes = (count * sizeof(float) + 63) / 64 * 64;
        scratch = aligned_alloc(64, bytes);
        if (!scratch) {
            fprintf(stderr, "swiftrl: out of memory allocating %zu bytes of GEMM scratch\n", bytes);
            abort();
        }
        scratch_count = count;
        pthread_once(&scratch_once, scratch_key_init);
        pthread_setspecific(scratch_key, scratch);
    }
    return scratch;
}

void srl_transpose(const float *src, long rows, long cols, long lds, float *dst) {
    SRL_DISPATCH(transpose(src, rows, cols, lds, dst))
}

void srl_sgemm(int transA, int transB, long M, long N, long K, float alpha,
               const float *A, long lda, const float *B, long ldb,
               float beta, float *C, long ldc) {
    if (M <= 0 || N <= 0) return;
    if (K <= 0 || alpha == 0.0f) {
        for (long i = 0; i < M; i++)
            for (long j = 0; j < N; j++) C[i * ldc + j] = beta == 0.0f ? 0.0f : beta * C[i * ldc + j];
        return;
    }
    SRL_FTZ_BEGIN
    // One packed B panel (KC x 32 floats), SRL_MR x 16 for the padded last columns, and a
    // contiguous copy of a strided single row of A.
    const size_t panelFloats = 256 * 32, tailFloats = 8 * 16;
    const int gatherA = M == 1 && transB && transA && K > 1;
    float *buf = scratch_floats(panelFloats + tailFloats + (gatherA ? (size_t)K : 0));
    float *panel = buf, *tailC = buf + panelFloats;
    long ars = transA ? 1 : lda, acs = transA ? lda : 1;
    if (M == 1) {
        if (transB) {
            const float *a = A;
            if (gatherA) {
                float *row = buf + panelFloats + tailFloats;
                for (long k = 0; k < K; k++) row[k] = A[k * lda];
                a = row;
            }
            SRL_DISPATCH(gemv_t(N, K, alpha, a, B, ldb, beta, C))
        } else {
            SRL_DISPATCH(gemv(N, K, alpha, A, acs, B, ldb, beta, C))
        }
        SRL_FTZ_END
        return;
    }
    // Narrow outputs (a policy's logits, a value): dot products or outer products instead
    // of 16-lane blocks that would be mostly padding. B's columns fit the panel.
    if (N <= 4 && M >= 16 && K >= 16 && (!transA || !transB) && (size_t)(N * K) <= panelFloats) {
        if (transA) SRL_DISPATCH(gemm_narrow_at(M, N, K, alpha, A, lda, B, ldb, beta, C, ldc))
        else SRL_DISPATCH(gemm_narrow(M, N, K, alpha, A, lda, B, ldb, transB, beta, C, ldc, panel))
        SRL_FTZ_END
        return;
    }
    SRL_DISPATCH(gemm(M, N, K, alpha, A, ars, acs, B, ldb, transB, beta, C, ldc, panel, tailC))
    SRL_FTZ_END
}

// ---- Optimizer and layer kernels ----

void srl_adam(float *param, const float *grad, float *m, float *v, long n,
              float stepSize, float beta1, float beta2, float invSqrtBias2, float eps) {
    SRL_FTZ_BEGIN
    SRL_DISPATCH(adam(param, grad, m, v, n, stepSize, beta1, beta2, invSqrtBias2, eps))
    SRL_FTZ_END
}

void srl_rmsprop(float *param, const float *grad, float *v, float *mg, float *buf, long n,
                 float lr, float rho, float momentum, float eps, int epsInside) {
    SRL_FTZ_BEGIN
    SRL_DISPATCH(rmsprop(param, grad, v, mg, buf, n, lr, rho, momentum, eps, epsInside))
    SRL_FTZ_END
}

void srl_bias_act(const float *x, const float *bias, float *out, long rows, long cols, int relu) {
    SRL_DISPATCH(bias_act(x, bias, out, rows, cols, relu))
}

void srl_column_sums(const float *x, float *out, long rows, long cols, int accumulate) {
    SRL_DISPATCH(column_sums(x, out, rows, cols, accumulate))
}

void srl_binary(int op, const float *a, long aStep, const float *b, long bStep, float *out, long n) {
    SRL_DISPATCH(binary(op, a, aStep, b, bStep, out, n))
}

void srl_relu(const float *x, float *out, long n) { SRL_DISPATCH(relu(x, out, n)) }
void srl_tanh(const float *x, float *out, long n) { SRL_DISPATCH(tanh(x, out, n)) }
void srl_tanh_backward(const float *g, const float *y, float *out, long n) { SRL_DISPATCH(tanh_backward(g, y, out, n)) }

void srl_relu_backward(const float *g, const float *y, float *out, long n) {
    SRL_DISPATCH(relu_backward(g, y, out, n))
}

// ---- Tensor memory cache ----

// Training repeats the same tensor shapes every step, and freeing a large block hands its
// pages back to the kernel, so the next step page-faults and zeroes them again (over half
// the time of a CNN step when measured). Each thread keeps recently freed blocks by exact
// size and hands them out again. Blocks up to 256 MB: the im2col patches of a batch of 256
// Atari frames through the Nature CNN's first layer are 105 MB, and at 64 MB PPO on Pong
// spent a third of its time in page faults.
#define SRL_POOL_SLOTS 128
#define SRL_POOL_DEPTH 8
#define SRL_POOL_MIN_BYTES 4096
#define SRL_POOL_MAX_BLOCK (256UL << 20)
#define SRL_POOL_MAX_CACHED (1024UL << 20)

typedef struct {
    size_t bytes;
    int count;
    void *blocks[SRL_POOL_DEPTH];
} srl_pool_slot;

// Tensors of a few rows (a minibatch's losses, log-probabilities, a batch of four actions)
// are under 4 KB and far more numerous; glibc's aligned allocation of them (memalign, and
// the fastbin consolidation it triggers) was a tenth of a PPO run on CartPole. They get
// one free list per 64-byte size class, threaded through the freed blocks themselves.
#define SRL_SMALL_CLASSES (SRL_POOL_MIN_BYTES / 64)
#define SRL_SMALL_DEPTH 256

typedef struct {
    void *head;
    int count;
} srl_small_list;

typedef struct {
    srl_pool_slot slots[SRL_POOL_SLOTS];
    srl_small_list small[SRL_SMALL_CLASSES];
    size_t cached;
} srl_pool;

static pthread_key_t pool_key;
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
static __thread srl_pool *thread_pool = 0;
static __thread int thread_pool_destroyed = 0;

// Runs on the exiting thread. Destructors of other thread-specific values may run after it
// and release the last reference to a tensor (a worker's closure holding an agent's networks):
// those frees and any allocation must then bypass the pool instead of writing into the
// freed one, which corrupted the heap when short-lived threads trained networks.
static void pool_destroy(void *p) {
    srl_pool *pool = p;
    for (int i = 0; i < SRL_POOL_SLOTS; i++)
        for (int j = 0; j < pool->slots[i].count; j++) free(pool->slots[i].blocks[j]);
    for (int i = 0; i < SRL_SMALL_CLASSES; i++) {
        void *block = pool->small[i].head;
        while (block) {
            void *next = *(void **)block;
            free(block);
            block = next;
        }
    }
    free(pool);
    thread_pool = 0;
    thread_pool_destroyed = 1;
}

static void pool_key_init(void) { pthread_key_create(&pool_key, pool_destroy); }

static srl_pool *pool_get(void) {
    if (thread_pool_destroyed) return 0;
    if (!thread_pool) {
        pthread_once(&pool_once, pool_key_init);
        thread_pool = calloc(1, sizeof(srl_pool));
        if (thread_pool) pthread_setspecific(pool_key, thread_pool);
    }
    return thread_pool;
}

static size_t pool_round(size_t bytes) { return (bytes + 63) / 64 * 64; }

static srl_pool_slot *pool_slot(srl_pool *pool, size_t bytes, int forInsert) {
    // Fibonacci hashing of the size, then up to four neighbouring slots.
    size_t base = (size_t)(((bytes / 64) * 0x9E3779B97F4A7C15ULL) >> 57) % SRL_POOL_SLOTS;
    for (int probe = 0; probe < 4; probe++) {
        srl_pool_slot *slot = &pool->slots[(base + probe) % SRL_POOL_SLOTS];
        if (slot->bytes == bytes) return slot;
        if (forInsert && slot->count == 0) {
            slot->bytes = bytes;
            return slot;
        }
    }
    return 0;
}

void *srl_allocate(size_t bytes) {
    bytes = pool_round(bytes ? bytes : 1);
    if (bytes < SRL_POOL_MIN_BYTES) {
        srl_pool *pool = pool_get();
        srl_small_list *list = pool ? &pool->small[bytes / 64 - 1] : 0;
        if (list && list->head) {
            void *block = list->head;
            list->head = *(void **)block;
            list->count--;
            return block;
        }
    } else if (bytes <= SRL_POOL_MAX_BLOCK) {
        srl_pool *pool = pool_get();
        srl_pool_slot *slot = pool ? pool_slot(pool, bytes, 0) : 0;
        if (slot && slot->count > 0) {
            pool->cached -= bytes;
            return slot->blocks[--slot->count];
        }
    }
    void *p = aligned_alloc(64, bytes);
    if (!p) {
        fprintf(stderr, "swiftrl: out of memory allocating a tensor of %zu bytes\n", bytes);
        abort();
    }
    return p;
}

void srl_deallocate(void *p, size_t bytes) {
    bytes = pool_round(bytes ? bytes : 1);
    if (bytes < SRL_POOL_MIN_BYTES) {
        srl_pool *pool = pool_get();
        srl_small_list *list = pool ? &pool->small[bytes / 64 - 1] : 0;
        if (list && list->count < SRL_SMALL_DEPTH) {
            *(void **)p = list->head;
            list->head = p;
            list->count++;
            return;
        }
    } else if (bytes <= SRL_POOL_MAX_BLOCK) {
        srl_pool *pool = pool_get();
        if (pool && pool->cached + bytes <= SRL_POOL_MAX_CACHED) {
            srl_pool_slot *slot = pool_slot(pool, bytes, 1);
            if (slot && slot->count < SRL_POOL_DEPTH) {
                slot->blocks[slot->count++] = p;
                pool->cached += bytes;
                return;
            }
        }
    }
    free(p);
}

// Arrays outside the tensor pool (observations, rollout buffers, temporaries of a few MB to
// hundreds) are malloc'd and freed every step too; by default glibc maps the large ones
// afresh and trims the heap, so each step page-faults them in again. Measured on PPO with
// the Nature CNN on Pong: a third of the run in the kernel, and 1.4x faster with this.
int srl_retain_freed_memory(void) {
#if defined(__GLIBC__)
    int ok = mallopt(M_MMAP_THRESHOLD, 1 << 30) || mallopt(M_MMAP_THRESHOLD, 32 << 20);
    ok &= mallopt(M_TRIM_THRESHOLD, 1 << 30);
    ok &= mallopt(M_TOP_PAD, 64 << 20);
    return ok;
#else
    return 0;
#endif
}

// ---- Thread-local tape ----

static __thread void *current_tape = 0;
void *srl_current_tape(void) { return current_tape; }
void srl_set_current_tape(void *tape) { current_tape = tape; }

// ---- OpenBLAS through dlopen ----

typedef void (*cblas_sgemm_fn)(int, int, int, int, int, int, float, const float *, int,
                               const float *, int, float, float *, int);
typedef void (*set_threads_fn)(int);
typedef char *(*corename_fn)(void);

static cblas_sgemm_fn blas_sgemm = 0;
static set_threads_fn blas_set_threads = 0;
static char blas_desc[512] = "not loaded: call srl_blas_load";

int srl_blas_load(void) {
    if (blas_sgemm) return 1;
#if defined(_WIN32)
    snprintf(blas_desc, sizeof blas_desc, "not supported on this platform");
    return 0;
#else
#if SRL_X86
    if (srl_cpu_max_level() >= 2 && getenv("OPENBLAS_CORETYPE") == 0)
        setenv("OPENBLAS_CORETYPE", "SkylakeX", 0);
#endif
    const char *names[] = {
        "libopenblas.so.0", "libopenblas.so", "libopenblasp.so.0",
        "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
        "/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0",
        "/opt/homebrew/opt/openblas/lib/libopenblas.dylib", "/usr/local/opt/openblas/lib/libopenblas.dylib",
        "/System/Library/Frameworks/Accelerate.framework/Accelerate",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        void *h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
        if (!h) continue;
        cblas_sgemm_fn f = (cblas_sgemm_fn)dlsym(h, "cblas_sgemm");
        if (!f) { dlclose(h); continue; }
        blas_set_threads = (set_threads_fn)dlsym(h, "openblas_set_num_threads");
        corename_fn core = (corename_fn)dlsym(h, "openblas_get_corename");
        snprintf(blas_desc, sizeof blas_desc, "%s (core %s)", names[i], core ? core() : "unknown");
        blas_sgemm = f;
        return 1;
    }
    snprintf(blas_desc, sizeof blas_desc,
             "not loaded: no OpenBLAS found (install it with `apt-get install libopenblas0`); "
             "using SwiftRL's own kernels");
    return 0;
#endif
}

int srl_blas_is_loaded(void) { return blas_sgemm != 0; }
const char *srl_blas_description(void) { return blas_desc; }
void srl_blas_set_threads(int threads) {
    if (blas_set_threads) blas_set_threads(threads);
}

void srl_blas_sgemm(int transA, int transB, long M, long N, long K, float alpha,
                    const float *A, long lda, const float *B, long ldb,
                    float beta, float *C, long ldc) {
    // CblasRowMajor = 101, CblasNoTrans = 111, CblasTrans = 112.
    blas_sgemm(101, transA ? 112 : 111, transB ? 112 : 111, (int)M, (int)N, (int)K, alpha,
               A, (int)lda, B, (int)ldb, beta, C, (int)ldc);
}
