// One helper thread that runs half of a short parallel task while the calling thread runs the
// other half. Handing work over costs well under a microsecond while the helper waits actively,
// which it does for GG_SPIN_NS after each task before it sleeps on a condition variable; a pool
// that sleeps between tasks (Dispatch's) costs several microseconds per hand-over, as much as
// the work in a recurrent layer's per-step product. While it waits actively it yields the CPU
// every few microseconds, so that BLAS threads (which wait the same way) still get to run.
// The second half goes to whichever thread claims it first: a caller that finishes its own half
// before the helper has started (asleep, or sharing its CPU with a BLAS thread, it may start
// tens or hundreds of microseconds late on a virtual machine) runs the second half itself
// rather than wait. One caller at a time: a second concurrent caller runs its whole task itself.
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "CKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#define GG_PAUSE() _mm_pause()
#else
#define GG_PAUSE() ((void)0)
#endif

// 1 ms of active waiting after a task, then sleep. With 0.2 ms the helper slept through each of
// W2's OpenBLAS products capped at AVX2 (about 0.3 ms) and was not there for the element-wise
// halves after them. Same binary, switching step by step (Xeon model 207, 600 or more pairs):
// W2 capped at AVX2 0.955× the step time (95 % confidence 0.949–0.965), on AVX-512 0.989×
// (0.981–1.000); W3, W4 and W5 within ±1 % on both (their intervals include 1).
#define GG_SPIN_NS 1000000L

static pthread_once_t helper_once = PTHREAD_ONCE_INIT;
static int helper_ready;  // 1 when the helper runs
static pthread_mutex_t helper_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t helper_wake = PTHREAD_COND_INITIALIZER;
static long helper_posted, helper_done;  // task counters (atomic)
static long helper_claimed;              // atomic: the last task whose second half a thread took
static int helper_sleeping;              // atomic
static int helper_busy;                  // atomic: a caller holds the helper
static void (*helper_function)(void *, int);
static void *helper_context;

static long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

/// Waits actively until `*counter` differs from `value` (or equals it, with `until_equal`):
/// a few pauses, then a yield, so another thread that needs this CPU gets it.
static void wait_for(long *counter, long value, int until_equal) {
    for (long spins = 1;; spins++) {
        long current = __atomic_load_n(counter, __ATOMIC_ACQUIRE);
        if ((current == value) == until_equal) return;
        GG_PAUSE();
        if (spins % 64 == 0) sched_yield();
    }
}

/// Takes task `task`'s second half for the calling thread; false when the other thread has it.
static int gg_claim_second_half(long task) {
    long previous = task - 1;
    return __atomic_compare_exchange_n(&helper_claimed, &previous, task, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

static void *helper_main(void *unused) {
    (void)unused;
    long seen = 0;
    for (;;) {
        long start = now_ns();
        for (long spins = 1; __atomic_load_n(&helper_posted, __ATOMIC_ACQUIRE) == seen; spins++) {
            GG_PAUSE();
            if (spins % 64 != 0) continue;
            if (now_ns() - start < GG_SPIN_NS) {
                sched_yield();
                continue;
            }
            pthread_mutex_lock(&helper_lock);
            __atomic_store_n(&helper_sleeping, 1, __ATOMIC_SEQ_CST);
            while (__atomic_load_n(&helper_posted, __ATOMIC_SEQ_CST) == seen) pthread_cond_wait(&helper_wake, &helper_lock);
            __atomic_store_n(&helper_sleeping, 0, __ATOMIC_RELAXED);
            pthread_mutex_unlock(&helper_lock);
        }
        seen = __atomic_load_n(&helper_posted, __ATOMIC_ACQUIRE);
        // Task `seen` is the caller's latest; it cannot post another before this one ends, and
        // ends without the helper only once it has claimed the half itself.
        if (!gg_claim_second_half(seen)) continue;
        helper_function(helper_context, 1);
        __atomic_store_n(&helper_done, seen, __ATOMIC_RELEASE);
    }
    return 0;
}

// A forked child has no helper thread: it runs every task itself.
static void helper_forget(void) { helper_ready = 0; }

static int helper_enabled = 1;

void gg_helper_set_enabled(int enabled) { __atomic_store_n(&helper_enabled, enabled != 0, __ATOMIC_SEQ_CST); }

static void helper_start(void) {
    pthread_atfork(0, 0, helper_forget);
    const char *setting = getenv("GRADGUARD_HELPER_THREAD");
    if (setting && strcmp(setting, "0") == 0) return;
    cpu_set_t cpus;
    if (sched_getaffinity(0, sizeof cpus, &cpus) != 0 || CPU_COUNT(&cpus) < 2) return;
    pthread_t thread;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&thread, &attributes, helper_main, 0) == 0) helper_ready = 1;
    pthread_attr_destroy(&attributes);
}

static int gg_helper_available(void) {
    pthread_once(&helper_once, helper_start);
    return helper_ready;
}

int gg_helper_thread_available(void) { return gg_helper_available(); }

void gg_run_in_halves(void (*function)(void *context, int half), void *context) {
    if (!__atomic_load_n(&helper_enabled, __ATOMIC_RELAXED) || !gg_helper_available()
        || __atomic_exchange_n(&helper_busy, 1, __ATOMIC_ACQUIRE)) {
        function(context, 0);
        function(context, 1);
        return;
    }
    helper_function = function;
    helper_context = context;
    long task = __atomic_add_fetch(&helper_posted, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&helper_sleeping, __ATOMIC_SEQ_CST)) {
        pthread_mutex_lock(&helper_lock);
        pthread_cond_signal(&helper_wake);
        pthread_mutex_unlock(&helper_lock);
    }
    function(context, 0);
    if (gg_claim_second_half(task)) function(context, 1);
    else wait_for(&helper_done, task, 1);
    __atomic_store_n(&helper_busy, 0, __ATOMIC_RELEASE);
}

long gg_claim_next(long *counter) { return __atomic_fetch_add(counter, 1, __ATOMIC_RELAXED); }
