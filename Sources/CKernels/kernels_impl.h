// Kernels written once with 16-lane vector extensions and compiled once per ISA level:
// kernels.c includes this file with SRL_ATTR and SRL_FN set for each level, and clang
// lowers the same source to SSE2, AVX2+FMA or AVX-512 code. `acc += a * b` contracts to
// FMA wherever the target has it (clang's default -ffp-contract=on).

#define SRL_INLINE static inline __attribute__((always_inline)) SRL_ATTR

SRL_INLINE v16f SRL_FN(load)(const float *p) { v16f v; __builtin_memcpy(&v, p, sizeof v); return v; }
SRL_INLINE void SRL_FN(store)(float *p, v16f v) { __builtin_memcpy(p, &v, sizeof v); }

// One MR x (16*NV) block of C over kc steps of k. A(i, k) = A[i*ars + k*acs];
// B rows are contiguous with stride ldb. The loops have constant bounds after inlining
// into a switch case, so the accumulators live in registers.
SRL_INLINE void SRL_FN(block)(const int mr, const int nv, long kc,
                              const float *A, long ars, long acs,
                              const float *B, long ldb,
                              float *C, long ldc, float alpha, float beta) {
    v16f acc[SRL_MR][SRL_NV];
    for (int r = 0; r < mr; r++)
        for (int v = 0; v < nv; v++) acc[r][v] = (v16f)0.0f;
    for (long k = 0; k < kc; k++) {
        v16f b[SRL_NV];
        for (int v = 0; v < nv; v++) b[v] = SRL_FN(load)(B + k * ldb + 16 * v);
        for (int r = 0; r < mr; r++) {
            v16f a = (v16f)(A[r * ars + k * acs]);
            for (int v = 0; v < nv; v++) acc[r][v] += a * b[v];
        }
    }
    for (int r = 0; r < mr; r++) {
        for (int v = 0; v < nv; v++) {
            float *c = C + r * ldc + 16 * v;
            v16f out = acc[r][v] * alpha;
            if (beta != 0.0f) out += SRL_FN(load)(c) * beta;
            SRL_FN(store)(c, out);
        }
    }
}

// Dispatches a block with runtime mr <= SRL_MR to a specialization with constant bounds.
static SRL_ATTR void SRL_FN(block_any)(int mr, int nv, long kc, const float *A, long ars, long acs,
                                       const float *B, long ldb, float *C, long ldc,
                                       float alpha, float beta) {
#define SRL_CASE(R)                                                                        \
    case R:                                                                                \
        if (nv == SRL_NV) SRL_FN(block)(R, SRL_NV, kc, A, ars, acs, B, ldb, C, ldc, alpha, beta); \
        else SRL_FN(block)(R, 1, kc, A, ars, acs, B, ldb, C, ldc, alpha, beta);           \
        break;
    switch (mr) {
        SRL_CASE(1)
#if SRL_MR >= 2
        SRL_CASE(2)
#endif
#if SRL_MR >= 3
        SRL_CASE(3)
#endif
#if SRL_MR >= 4
        SRL_CASE(4)
#endif
#if SRL_MR >= 5
        SRL_CASE(5)
#endif
#if SRL_MR >= 6
        SRL_CASE(6)
#endif
#if SRL_MR >= 7
        SRL_CASE(7)
#endif
#if SRL_MR >= 8
        SRL_CASE(8)
#endif
        default: break;
    }
#undef SRL_CASE
}

// C = alpha * A * B + beta * C where B is K x N row-major (already untransposed).
// The last N % 16 columns go through a zero-padded copy so every load is a full vector.
static SRL_ATTR void SRL_FN(gemm_nn)(long M, long N, long K, float alpha,
                                     const float *A, long ars, long acs,
                                     const float *B, long ldb, float beta, float *C, long ldc,
                                     float *tailB, float *tailC) {
    const long KC = 256;
    const long NR = 16 * SRL_NV;
    const long nFull = N / 16 * 16;
    const long nTail = N - nFull;
    for (long k0 = 0; k0 < K; k0 += KC) {
        const long kc = (K - k0 < KC) ? K - k0 : KC;
        const float b0 = (k0 == 0) ? beta : 1.0f;
        const float *Ak = A + k0 * acs;
        const float *Bk = B + k0 * ldb;
        long j0 = 0;
        for (; j0 + NR <= nFull; j0 += NR)
            for (long i0 = 0; i0 < M; i0 += SRL_MR) {
                int mr = (int)((M - i0 < SRL_MR) ? M - i0 : SRL_MR);
                SRL_FN(block_any)(mr, SRL_NV, kc, Ak + i0 * ars, ars, acs, Bk + j0, ldb,
                                  C + i0 * ldc + j0, ldc, alpha, b0);
            }
        for (; j0 < nFull; j0 += 16)
            for (long i0 = 0; i0 < M; i0 += SRL_MR) {
                int mr = (int)((M - i0 < SRL_MR) ? M - i0 : SRL_MR);
                SRL_FN(block_any)(mr, 1, kc, Ak + i0 * ars, ars, acs, Bk + j0, ldb,
                                  C + i0 * ldc + j0, ldc, alpha, b0);
            }
        if (nTail > 0 && M * nTail <= 32) {
            // A few rows (acting with batch 1): padding a panel would cost more than
            // computing the last columns directly.
            for (long i = 0; i < M; i++)
                for (long j = nFull; j < N; j++) {
                    float s = 0.0f;
                    for (long k = 0; k < kc; k++) s += Ak[i * ars + k * acs] * Bk[k * ldb + j];
                    float *c = C + i * ldc + j;
                    *c = alpha * s + (b0 != 0.0f ? b0 * *c : 0.0f);
                }
        } else if (nTail > 0) {
            for (long k = 0; k < kc; k++) {
                for (long j = 0; j < nTail; j++) tailB[k * 16 + j] = Bk[k * ldb + nFull + j];
                for (long j = nTail; j < 16; j++) tailB[k * 16 + j] = 0.0f;
            }
            for (long i0 = 0; i0 < M; i0 += SRL_MR) {
                int mr = (int)((M - i0 < SRL_MR) ? M - i0 : SRL_MR);
                for (int r = 0; r < mr; r++)
                    for (long j = 0; j < 16; j++)
                        tailC[r * 16 + j] = j < nTail ? C[(i0 + r) * ldc + nFull + j] : 0.0f;
                SRL_FN(block_any)(mr, 1, kc, Ak + i0 * ars, ars, acs, tailB, 16,
                                  tailC, 16, alpha, b0);
                for (int r = 0; r < mr; r++)
                    for (long j = 0; j < nTail; j++)
                        C[(i0 + r) * ldc + nFull + j] = tailC[r * 16 + j];
            }
        }
    }
}

// One row of C (acting with batch 1): C[0, :] = alpha * A[0, :] * B + beta * C[0, :].
// A single accumulator per panel would wait on FMA latency each k, so SRL_GV panels are
// processed together, and leftover panels split k into four independent partial sums.
static SRL_ATTR void SRL_FN(gemv)(long N, long K, float alpha, const float *A, long acs,
                                  const float *B, long ldb, float beta, float *C) {
    long j0 = 0;
    for (; j0 + 16 * SRL_GV <= N; j0 += 16 * SRL_GV) {
        v16f acc[SRL_GV];
        for (int v = 0; v < SRL_GV; v++) acc[v] = (v16f)0.0f;
        for (long k = 0; k < K; k++) {
            v16f a = (v16f)(A[k * acs]);
            for (int v = 0; v < SRL_GV; v++) acc[v] += a * SRL_FN(load)(B + k * ldb + j0 + 16 * v);
        }
        for (int v = 0; v < SRL_GV; v++) {
            v16f out = acc[v] * alpha;
            if (beta != 0.0f) out += SRL_FN(load)(C + j0 + 16 * v) * beta;
            SRL_FN(store)(C + j0 + 16 * v, out);
        }
    }
    for (; j0 + 16 <= N; j0 += 16) {
        v16f acc[4] = {(v16f)0.0f, (v16f)0.0f, (v16f)0.0f, (v16f)0.0f};
        long k = 0;
        for (; k + 4 <= K; k += 4)
            for (int u = 0; u < 4; u++) acc[u] += (v16f)(A[(k + u) * acs]) * SRL_FN(load)(B + (k + u) * ldb + j0);
        for (; k < K; k++) acc[0] += (v16f)(A[k * acs]) * SRL_FN(load)(B + k * ldb + j0);
        v16f out = ((acc[0] + acc[1]) + (acc[2] + acc[3])) * alpha;
        if (beta != 0.0f) out += SRL_FN(load)(C + j0) * beta;
        SRL_FN(store)(C + j0, out);
    }
    for (; j0 < N; j0++) {
        float s0 = 0.0f, s1 = 0.0f;
        long k = 0;
        for (; k + 2 <= K; k += 2) {
            s0 += A[k * acs] * B[k * ldb + j0];
            s1 += A[(k + 1) * acs] * B[(k + 1) * ldb + j0];
        }
        if (k < K) s0 += A[k * acs] * B[k * ldb + j0];
        C[j0] = alpha * (s0 + s1) + (beta != 0.0f ? beta * C[j0] : 0.0f);
    }
}

static SRL_ATTR void SRL_FN(adam)(float *p, const float *g, float *m, float *v, long n,
                                  float stepSize, float beta1, float beta2, float invSqrtBias2, float eps) {
    const float c1 = 1.0f - beta1, c2 = 1.0f - beta2;
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        v16f gv = SRL_FN(load)(g + i);
        v16f mv = SRL_FN(load)(m + i) * beta1 + gv * c1;
        v16f vv = SRL_FN(load)(v + i) * beta2 + gv * gv * c2;
        v16f denom = __builtin_elementwise_sqrt(vv) * invSqrtBias2 + eps;
        SRL_FN(store)(m + i, mv);
        SRL_FN(store)(v + i, vv);
        SRL_FN(store)(p + i, SRL_FN(load)(p + i) - stepSize * mv / denom);
    }
    for (; i < n; i++) {
        float gi = g[i];
        m[i] = beta1 * m[i] + c1 * gi;
        v[i] = beta2 * v[i] + c2 * gi * gi;
        p[i] -= stepSize * m[i] / (__builtin_sqrtf(v[i]) * invSqrtBias2 + eps);
    }
}

SRL_INLINE v16f SRL_FN(rms_step)(v16f gv, v16f *vv, v16f *mg, int centered, float rho, float eps, int epsInside) {
    *vv = *vv * rho + gv * gv * (1.0f - rho);
    v16f d = *vv;
    if (centered) {
        *mg = *mg * rho + gv * (1.0f - rho);
        d -= *mg * *mg;
    }
    v16f denom = epsInside ? __builtin_elementwise_sqrt(d + eps) : __builtin_elementwise_sqrt(d) + eps;
    return gv / denom;
}

static SRL_ATTR void SRL_FN(rmsprop)(float *p, const float *g, float *v, float *mg, float *buf, long n,
                                     float lr, float rho, float momentum, float eps, int epsInside) {
    const int centered = mg != 0;
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        v16f vv = SRL_FN(load)(v + i);
        v16f mgv = centered ? SRL_FN(load)(mg + i) : (v16f)0.0f;
        v16f step = SRL_FN(rms_step)(SRL_FN(load)(g + i), &vv, &mgv, centered, rho, eps, epsInside);
        SRL_FN(store)(v + i, vv);
        if (centered) SRL_FN(store)(mg + i, mgv);
        if (buf) {
            step = SRL_FN(load)(buf + i) * momentum + step;
            SRL_FN(store)(buf + i, step);
        }
        SRL_FN(store)(p + i, SRL_FN(load)(p + i) - step * lr);
    }
    for (; i < n; i++) {
        float gi = g[i];
        v[i] = rho * v[i] + (1.0f - rho) * gi * gi;
        float d = v[i];
        if (centered) {
            mg[i] = rho * mg[i] + (1.0f - rho) * gi;
            d -= mg[i] * mg[i];
        }
        float denom = epsInside ? __builtin_sqrtf(d + eps) : __builtin_sqrtf(d) + eps;
        float step = gi / denom;
        if (buf) {
            buf[i] = momentum * buf[i] + step;
            step = buf[i];
        }
        p[i] -= lr * step;
    }
}

static SRL_ATTR void SRL_FN(bias_act)(const float *x, const float *bias, float *out, long rows, long cols, int relu) {
    for (long r = 0; r < rows; r++) {
        const float *xr = x + r * cols;
        float *o = out + r * cols;
        long c = 0;
        for (; c + 16 <= cols; c += 16) {
            v16f y = SRL_FN(load)(xr + c) + SRL_FN(load)(bias + c);
            if (relu) y = __builtin_elementwise_max(y, (v16f)0.0f);
            SRL_FN(store)(o + c, y);
        }
        for (; c < cols; c++) {
            float y = xr[c] + bias[c];
            o[c] = (relu && y < 0.0f) ? 0.0f : y;
        }
    }
}

static SRL_ATTR void SRL_FN(column_sums)(const float *x, float *out, long rows, long cols, int accumulate) {
    if (!accumulate)
        for (long c = 0; c < cols; c++) out[c] = 0.0f;
    long c = 0;
    for (; c + 16 <= cols; c += 16) {
        v16f s = SRL_FN(load)(out + c);
        for (long r = 0; r < rows; r++) s += SRL_FN(load)(x + r * cols + c);
        SRL_FN(store)(out + c, s);
    }
    for (; c < cols; c++) {
        float s = out[c];
        for (long r = 0; r < rows; r++) s += x[r * cols + c];
        out[c] = s;
    }
}


// Elementwise binary op over n values; a and b advance by aStep/bStep (1, or 0 for a
// broadcast scalar). The op switch sits outside the loops so each loop vectorises.
#define SRL_BINARY_LOOP(EXPR, SEXPR)                                                      \
    if (aStep == 1 && bStep == 1) {                                                       \
        for (; i + 16 <= n; i += 16) {                                                    \
            v16f x = SRL_FN(load)(a + i), y = SRL_FN(load)(b + i);                        \
            SRL_FN(store)(out + i, EXPR);                                                 \
        }                                                                                 \
    } else if (aStep == 1) {                                                              \
        v16f y = (v16f)(b[0]);                                                            \
        for (; i + 16 <= n; i += 16) { v16f x = SRL_FN(load)(a + i); SRL_FN(store)(out + i, EXPR); } \
    } else if (bStep == 1) {                                                              \
        v16f x = (v16f)(a[0]);                                                            \
        for (; i + 16 <= n; i += 16) { v16f y = SRL_FN(load)(b + i); SRL_FN(store)(out + i, EXPR); } \
    }                                                                                     \
    for (; i < n; i++) { float xs = a[i * aStep], ys = b[i * bStep]; out[i] = SEXPR; }

static SRL_ATTR void SRL_FN(binary)(int op, const float *a, long aStep, const float *b, long bStep, float *out, long n) {
    long i = 0;
    switch (op) {
    case 0: { SRL_BINARY_LOOP(x + y, xs + ys) break; }
    case 1: { SRL_BINARY_LOOP(x - y, xs - ys) break; }
    case 2: { SRL_BINARY_LOOP(x * y, xs * ys) break; }
    case 3: { SRL_BINARY_LOOP(x / y, xs / ys) break; }
    default: break;
    }
}
#undef SRL_BINARY_LOOP

static SRL_ATTR void SRL_FN(relu)(const float *x, float *out, long n) {
    long i = 0;
    for (; i + 16 <= n; i += 16) SRL_FN(store)(out + i, __builtin_elementwise_max(SRL_FN(load)(x + i), (v16f)0.0f));
    for (; i < n; i++) out[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

// Gradient of relu from its output: g where y > 0, else 0.
static SRL_ATTR void SRL_FN(relu_backward)(const float *g, const float *y, float *out, long n) {
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        v16f yv = SRL_FN(load)(y + i);
        v16f gv = SRL_FN(load)(g + i);
        SRL_FN(store)(out + i, yv > 0.0f ? gv : (v16f)0.0f);
    }
    for (; i < n; i++) out[i] = y[i] > 0.0f ? g[i] : 0.0f;
}


SRL_INLINE v8f SRL_FN(load8)(const float *p) { v8f v; __builtin_memcpy(&v, p, sizeof v); return v; }
SRL_INLINE void SRL_FN(store8)(float *p, v8f v) { __builtin_memcpy(p, &v, sizeof v); }

// dst (cols x rows, row stride rows) = src (rows x cols, row stride lds) transposed, in 8x8
// register blocks: unpack pairs of rows, then pairs of pairs, then swap 128-bit halves
// (the classic three-stage AVX transpose written with portable shuffles).
static SRL_ATTR void SRL_FN(transpose)(const float *src, long rows, long cols, long lds, float *dst) {
    long r0 = 0;
    for (; r0 + 8 <= rows; r0 += 8) {
        long c0 = 0;
        for (; c0 + 8 <= cols; c0 += 8) {
            v8f r[8];
            for (int i = 0; i < 8; i++) r[i] = SRL_FN(load8)(src + (r0 + i) * lds + c0);
            v8f t[8], u[8];
            for (int i = 0; i < 8; i += 2) {
                t[i] = __builtin_shufflevector(r[i], r[i + 1], 0, 8, 1, 9, 4, 12, 5, 13);
                t[i + 1] = __builtin_shufflevector(r[i], r[i + 1], 2, 10, 3, 11, 6, 14, 7, 15);
            }
            for (int i = 0; i < 8; i += 4) {
                u[i] = __builtin_shufflevector(t[i], t[i + 2], 0, 1, 8, 9, 4, 5, 12, 13);
                u[i + 1] = __builtin_shufflevector(t[i], t[i + 2], 2, 3, 10, 11, 6, 7, 14, 15);
                u[i + 2] = __builtin_shufflevector(t[i + 1], t[i + 3], 0, 1, 8, 9, 4, 5, 12, 13);
                u[i + 3] = __builtin_shufflevector(t[i + 1], t[i + 3], 2, 3, 10, 11, 6, 7, 14, 15);
            }
            for (int j = 0; j < 4; j++) {
                SRL_FN(store8)(dst + (c0 + j) * rows + r0, __builtin_shufflevector(u[j], u[j + 4], 0, 1, 2, 3, 8, 9, 10, 11));
                SRL_FN(store8)(dst + (c0 + j + 4) * rows + r0, __builtin_shufflevector(u[j], u[j + 4], 4, 5, 6, 7, 12, 13, 14, 15));
            }
        }
        for (; c0 < cols; c0++)
            for (int i = 0; i < 8; i++) dst[c0 * rows + r0 + i] = src[(r0 + i) * lds + c0];
    }
    for (; r0 < rows; r0++)
        for (long c = 0; c < cols; c++) dst[c * rows + r0] = src[r0 * lds + c];
}

#undef SRL_INLINE
