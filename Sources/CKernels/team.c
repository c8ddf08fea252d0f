#include "CKernels.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SRL_PAUSE() _mm_pause()
#elif defined(__aarch64__)
#define SRL_PAUSE() __asm__ __volatile__("yield")
#else
#define SRL_PAUSE() ((void)0)
#endif

// A team of helper threads for work of tens of microseconds (a GEMM of a 256-wide layer):
// waking a Dispatch worker for each piece costs about as much as the piece on a loaded VM.
//
// Helpers spin for a while after their last piece of work and then sleep. A caller claims
// parts of its own job alongside the helpers, from one shared ticket, and only waits for
// parts a helper has already started; a helper that is asleep or descheduled therefore
// never delays a job, it just does not help. One job at a time: a caller that finds the
// team busy (A3C's workers) runs its parts alone.

#define SRL_TEAM_MAX_HELPERS 7
// How long an idle helper keeps spinning before it sleeps: longer than the gaps between
// the GEMMs of a training step, short enough not to hold a core through environment steps
// (a Python worker of the Gymnasium bridge may need it).
#define SRL_TEAM_SPIN_NS 100000L

// `ticket` holds the current job's number in its high 32 bits and the next unclaimed part
// in its low 32: a claim is a compare-and-swap on both, so a helper still looking at a
// finished job can never claim a part of the next one.
static struct {
    pthread_mutex_t post;
    pthread_mutex_t sleep;
    pthread_cond_t wake;
    _Atomic uint64_t ticket;
    _Atomic long partsDone;
    _Atomic int sleepers;
    _Atomic int helpers;
    _Atomic long parts;
    _Atomic(srl_team_part) function;
    _Atomic(void *) context;
} team = {
    .post = PTHREAD_MUTEX_INITIALIZER,
    .sleep = PTHREAD_MUTEX_INITIALIZER,
    .wake = PTHREAD_COND_INITIALIZER,
};

static long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)t.tv_sec * 1000000000L + t.tv_nsec;
}

// Claims and runs parts of job `job` until none are left or another job has started.
static void team_work(uint32_t job) {
    uint64_t ticket = atomic_load_explicit(&team.ticket, memory_order_acquire);
    for (;;) {
        if ((uint32_t)(ticket >> 32) != job) return;
        // The job's fields were stored before the release that published its ticket.
        long parts = atomic_load_explicit(&team.parts, memory_order_relaxed);
        long part = (long)(ticket & 0xFFFFFFFFu);
        if (part >= parts) return;
        if (!atomic_compare_exchange_weak_explicit(&team.ticket, &ticket, ticket + 1, memory_order_acq_rel,
                                                   memory_order_acquire))
            continue;
        srl_team_part function = atomic_load_explicit(&team.function, memory_order_relaxed);
        function(atomic_load_explicit(&team.context, memory_order_relaxed), part, parts);
        atomic_fetch_add_explicit(&team.partsDone, 1, memory_order_release);
        ticket = atomic_load_explicit(&team.ticket, memory_order_acquire);
    }
}

static uint32_t current_job(void) { return (uint32_t)(atomic_load_explicit(&team.ticket, memory_order_acquire) >> 32); }

static void *team_main(void *unused) {
    (void)unused;
    uint32_t seen = current_job();
    for (;;) {
        long start = now_ns();
        uint32_t job;
        int spins = 0;
        while ((job = current_job()) == seen) {
            if (++spins % 64 == 0 && now_ns() - start > SRL_TEAM_SPIN_NS) {
                pthread_mutex_lock(&team.sleep);
                atomic_fetch_add(&team.sleepers, 1);
                while (current_job() == seen) pthread_cond_wait(&team.wake, &team.sleep);
                atomic_fetch_sub(&team.sleepers, 1);
                pthread_mutex_unlock(&team.sleep);
                start = now_ns();
            } else {
                SRL_PAUSE();
            }
        }
        seen = job;
        team_work(job);
    }
    return 0;
}

// Starts helpers until there are `wanted` (at most SRL_TEAM_MAX_HELPERS); called with
// team.post held. Returns how many there are.
static int team_grow(int wanted) {
    if (wanted > SRL_TEAM_MAX_HELPERS) wanted = SRL_TEAM_MAX_HELPERS;
    int have = atomic_load(&team.helpers);
    while (have < wanted) {
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        int failed = pthread_create(&thread, &attributes, team_main, 0);
        pthread_attr_destroy(&attributes);
        if (failed) break;
        atomic_store(&team.helpers, ++have);
    }
    return have;
}

void srl_team_run(srl_team_part function, void *context, long parts) {
    if (parts <= 1 || pthread_mutex_trylock(&team.post) != 0) {
        for (long part = 0; part < parts; part++) function(context, part, parts);
        return;
    }
    if (team_grow((int)parts - 1) == 0) {
        pthread_mutex_unlock(&team.post);
        for (long part = 0; part < parts; part++) function(context, part, parts);
        return;
    }
    // No part of the previous job is still running (its caller waited for all of them),
    // and its ticket is exhausted, so the fields can be rewritten before the next ticket
    // publishes them.
    atomic_store_explicit(&team.function, function, memory_order_relaxed);
    atomic_store_explicit(&team.context, context, memory_order_relaxed);
    atomic_store_explicit(&team.parts, parts, memory_order_relaxed);
    atomic_store_explicit(&team.partsDone, 0, memory_order_relaxed);
    uint32_t job = current_job() + 1;
    // Sequentially consistent, against a helper that is about to sleep: either it sees the
    // new job, or this sees it counted among the sleepers and wakes it.
    atomic_store(&team.ticket, (uint64_t)job << 32);
    if (atomic_load(&team.sleepers) > 0) {
        pthread_mutex_lock(&team.sleep);
        pthread_cond_broadcast(&team.wake);
        pthread_mutex_unlock(&team.sleep);
    }
    team_work(job);
    while (atomic_load_explicit(&team.partsDone, memory_order_acquire) < parts) SRL_PAUSE();
    pthread_mutex_unlock(&team.post);
}

// ---- GEMM split by rows across the team ----

typedef struct {
    int transA, transB;
    long M, N, K;
    float alpha, beta;
    const float *A;
    long lda;
    const float *B;
    long ldb;
    float *C;
    long ldc;
    int byColumns;
} srl_gemm_job;

static void gemm_part(void *context, long part, long parts) {
    const srl_gemm_job *job = context;
    if (job->byColumns) {
        // Whole 32-column panels of op(B): each part packs only the panels it multiplies.
        long panels = (job->N + 31) / 32;
        long first = panels * part / parts * 32, last = panels * (part + 1) / parts * 32;
        if (last > job->N) last = job->N;
        if (first >= last) return;
        const float *b = job->transB ? job->B + first * job->ldb : job->B + first;
        srl_sgemm(job->transA, job->transB, job->M, last - first, job->K, job->alpha, job->A, job->lda, b, job->ldb,
                  job->beta, job->C + first, job->ldc);
        return;
    }
    // Row blocks of whole 16-row multiples, so the kernels' register blocks stay full.
    long blocks = (job->M + 15) / 16;
    long first = blocks * part / parts * 16, last = blocks * (part + 1) / parts * 16;
    if (last > job->M) last = job->M;
    if (first >= last) return;
    // Rows of op(A) start at row `first` of A, or at column `first` when A is transposed.
    const float *a = job->transA ? job->A + first : job->A + first * job->lda;
    srl_sgemm(job->transA, job->transB, last - first, job->N, job->K, job->alpha, a, job->lda, job->B, job->ldb,
              job->beta, job->C + first * job->ldc, job->ldc);
}

void srl_sgemm_team(int transA, int transB, long M, long N, long K, float alpha,
                    const float *A, long lda, const float *B, long ldb,
                    float beta, float *C, long ldc, long parts) {
    // At least 16 rows of C a part, whichever way it is split.
    if (parts > M / 16) parts = M / 16;
    if (parts < 1) parts = 1;
    // A transposed B is packed panel by panel; split by rows, every part would pack all of
    // it. Split its columns instead when there are enough of them (the input gradient g Wᵀ
    // of a wide layer).
    int byColumns = transB && N >= 64 * parts && N >= M;
    srl_gemm_job job = {transA, transB, M, N, K, alpha, beta, A, lda, B, ldb, C, ldc, byColumns};
    long blocks = byColumns ? (N + 31) / 32 : (M + 15) / 16;
    if (parts > blocks) parts = blocks;
    srl_team_run(gemm_part, &job, parts);
}
