#ifndef SWIFTRL_CPROCESS_H
#define SWIFTRL_CPROCESS_H

// libc functions for managing worker processes that Swift's Glibc module does not import:
// glibc declares `sched_getcpu`, the CPU_SET macros and `memfd_create` only under _GNU_SOURCE.

#if defined(__linux__)
#if !defined(_GNU_SOURCE)
#define _GNU_SOURCE 1
#endif
#include <sched.h>
#include <sys/mman.h>
/// An anonymous shared-memory file (close-on-exec), or -1.
static inline int srl_memfd(const char *name) { return memfd_create(name, MFD_CLOEXEC); }
/// Pins the calling thread to the core it runs on now; returns that core, or -1.
static inline int srl_pin_current_thread(void) {
    int cpu = sched_getcpu();
    if (cpu < 0) return -1;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof(set), &set) == 0 ? cpu : -1;
}
#else
static inline int srl_memfd(const char *name) { (void)name; return -1; }
static inline int srl_pin_current_thread(void) { return -1; }
#endif

#endif
