#ifndef SWIFTRL_CLIBM_H
#define SWIFTRL_CLIBM_H

// libm functions that Swift's Glibc module does not import. glibc declares `sincos` only
// under _GNU_SOURCE; it computes sine and cosine with one argument reduction and returns
// bit-for-bit what `sin` and `cos` return separately (checked over 20M arguments), so
// environments that must match NumPy's float64 results may use it.

#if defined(__APPLE__)
#include <math.h>
static inline void srl_sincos(double x, double *s, double *c) { __sincos(x, s, c); }
#else
#if !defined(_GNU_SOURCE)
#define _GNU_SOURCE 1
#endif
#include <math.h>
static inline void srl_sincos(double x, double *s, double *c) { sincos(x, s, c); }
#endif

#endif
