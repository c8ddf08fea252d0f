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

SRL_INLINE v8f SRL_FN(load8)(const float *p) { v8f v; __builtin_memcpy(&v, p, sizeof v); return v; }
SRL_INLINE void SRL_FN(store8)(float *p, v8f v) { __builtin_memcpy(p, &v, sizeof v); }

// dst (cols x rows, row stride ldd) = src (rows x cols, row stride lds) transposed, in 8x8
// register blocks: unpack pairs of rows, then pairs of pairs, then swap 128-bit halves
// (the classic three-stage AVX transpose written with portable shuffles).
static SRL_ATTR void SRL_FN(transpose_to)(const float *src, long rows, long cols, long lds, float *dst, long ldd) {
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
                SRL_FN(store8)(dst + (c0 + j) * ldd + r0, __builtin_shufflevector(u[j], u[j + 4], 0, 1, 2, 3, 8, 9, 10, 11));
                SRL_FN(store8)(dst + (c0 + j + 4) * ldd + r0, __builtin_shufflevector(u[j], u[j + 4], 4, 5, 6, 7, 12, 13, 14, 15));
            }
        }
        for (; c0 < cols; c0++)
            for (int i = 0; i < 8; i++) dst[c0 * ldd + r0 + i] = src[(r0 + i) * lds + c0];
    }
    for (; r0 < rows; r0++)
        for (long c = 0; c < cols; c++) dst[c * ldd + r0] = src[r0 * lds + c];
}

static SRL_ATTR void SRL_FN(transpose)(const float *src, long rows, long cols, long lds, float *dst) {
    SRL_FN(transpose_to)(src, rows, cols, lds, dst, rows);
}

// Copies op(B)(k, j) for k < kc, j < nc into a kc x width panel (row stride width),
// zero-filling columns nc..width so the micro-kernel only loads full vectors. `B` points
// at op(B)(0, 0); a transposed B (stored N x K) is transposed here, a panel at a time,
// so no full transposed copy is ever written. Contiguous panels also keep the B rows the
// kernel walks from colliding in a few L1 sets, as rows 1 KiB apart do.
static SRL_ATTR void SRL_FN(pack_b)(const float *B, long ldb, int transB, long kc, long nc, long width, float *dst) {
    const long nv = nc / 16 * 16;
    if (transB) {
        SRL_FN(transpose_to)(B, nc, kc, ldb, dst, width);
        if (nc < width)
            for (long k = 0; k < kc; k++)
                for (long j = nc; j < width; j++) dst[k * width + j] = 0.0f;
        return;
    }
    // Whole vectors rather than a memcpy call per row: rows are only 64-128 bytes.
    for (long k = 0; k < kc; k++) {
        const float *b = B + k * ldb;
        float *d = dst + k * width;
        for (long j = 0; j < nv; j += 16) SRL_FN(store)(d + j, SRL_FN(load)(b + j));
        if (nv < width) {
            SRL_FN(store)(d + nv, (v16f)0.0f);
            for (long j = nv; j < nc; j++) d[j] = b[j];
        }
    }
}

// C = alpha * A * op(B) + beta * C, with A(i, k) = A[i*ars + k*acs] and op(B) = B (K x N,
// row stride ldb) or, when transB, B stored N x K. Loops run k blocks, then panels of
// 16*SRL_NV columns of B (packed once, reused by every row block), then SRL_MR rows.
// `panel` holds KC x 16*SRL_NV floats and `tailC` SRL_MR x 16.
static SRL_ATTR void SRL_FN(gemm)(long M, long N, long K, float alpha,
                                  const float *A, long ars, long acs,
                                  const float *B, long ldb, int transB, float beta, float *C, long ldc,
                                  float *panel, float *tailC) {
    const long KC = 256;
    const long NR = 16 * SRL_NV;
    // Only a transposed B is packed: measured on Zen 5, copying panels of an untransposed B
    // cost more than the kernel gained from reading them contiguously, at every RL shape.
    const int pack = transB;
    for (long k0 = 0; k0 < K; k0 += KC) {
        const long kc = (K - k0 < KC) ? K - k0 : KC;
        const float b0 = (k0 == 0) ? beta : 1.0f;
        const float *Ak = A + k0 * acs;
        for (long j0 = 0; j0 < N; j0 += NR) {
            const long nc = (N - j0 < NR) ? N - j0 : NR;
            const long nFull = nc / 16 * 16, nTail = nc - nFull;
            const float *src = transB ? B + j0 * ldb + k0 : B + k0 * ldb + j0;
            // A few rows (acting with batch 1): padding the last columns to a vector would
            // cost more than computing them directly.
            const int directTail = nTail > 0 && M * nTail <= 32;
            const float *Bp = src;
            long ldp = ldb;
            if (pack || (nTail > 0 && !directTail)) {
                const long cols = directTail ? nFull : nc;
                const long width = (cols + 15) / 16 * 16;
                SRL_FN(pack_b)(src, ldb, transB, kc, cols, width, panel);
                Bp = panel;
                ldp = width;
            }
            for (long i0 = 0; i0 < M; i0 += SRL_MR) {
                const int mr = (int)((M - i0 < SRL_MR) ? M - i0 : SRL_MR);
                const float *Ai = Ak + i0 * ars;
                float *Ci = C + i0 * ldc + j0;
                if (nFull == NR) SRL_FN(block_any)(mr, SRL_NV, kc, Ai, ars, acs, Bp, ldp, Ci, ldc, alpha, b0);
                else
                    for (long j = 0; j < nFull; j += 16)
                        SRL_FN(block_any)(mr, 1, kc, Ai, ars, acs, Bp + j, ldp, Ci + j, ldc, alpha, b0);
                if (nTail > 0 && !directTail) {
                    for (int r = 0; r < mr; r++) {
                        SRL_FN(store)(tailC + r * 16, (v16f)0.0f);
                        if (b0 != 0.0f)
                            for (long j = 0; j < nTail; j++) tailC[r * 16 + j] = Ci[r * ldc + nFull + j];
                    }
                    SRL_FN(block_any)(mr, 1, kc, Ai, ars, acs, Bp + nFull, ldp, tailC, 16, alpha, b0);
                    for (int r = 0; r < mr; r++)
                        for (long j = 0; j < nTail; j++) Ci[r * ldc + nFull + j] = tailC[r * 16 + j];
                }
            }
            if (directTail) {
                const long bks = transB ? 1 : ldb, bjs = transB ? ldb : 1;
                for (long i = 0; i < M; i++)
                    for (long j = nFull; j < nc; j++) {
                        float s = 0.0f;
                        for (long k = 0; k < kc; k++) s += Ak[i * ars + k * acs] * src[k * bks + j * bjs];
                        float *c = C + i * ldc + j0 + j;
                        *c = alpha * s + (b0 != 0.0f ? b0 * *c : 0.0f);
                    }
            }
        }
    }
}

// Sixteen vectors to one whose lane r is the sum of a[r]'s lanes: four rounds that each
// pair vectors, put the first half of every lane group of both side by side and add the
// second halves (groups of 16, 8, 4, 2 lanes), keeping the order of a.
#define SRL_FOLD16_LO 0,1,2,3,4,5,6,7, 16,17,18,19,20,21,22,23
#define SRL_FOLD16_HI 8,9,10,11,12,13,14,15, 24,25,26,27,28,29,30,31
#define SRL_FOLD8_LO 0,1,2,3, 8,9,10,11, 16,17,18,19, 24,25,26,27
#define SRL_FOLD8_HI 4,5,6,7, 12,13,14,15, 20,21,22,23, 28,29,30,31
#define SRL_FOLD4_LO 0,1, 4,5, 8,9, 12,13, 16,17, 20,21, 24,25, 28,29
#define SRL_FOLD4_HI 2,3, 6,7, 10,11, 14,15, 18,19, 22,23, 26,27, 30,31
#define SRL_FOLD2_LO 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30
#define SRL_FOLD2_HI 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31
SRL_INLINE v16f SRL_FN(row_sums16)(const v16f *a) {
    v16f s8[8], s4[4], s2[2];
    for (int i = 0; i < 8; i++)
        s8[i] = __builtin_shufflevector(a[2 * i], a[2 * i + 1], SRL_FOLD16_LO)
              + __builtin_shufflevector(a[2 * i], a[2 * i + 1], SRL_FOLD16_HI);
    for (int i = 0; i < 4; i++)
        s4[i] = __builtin_shufflevector(s8[2 * i], s8[2 * i + 1], SRL_FOLD8_LO)
              + __builtin_shufflevector(s8[2 * i], s8[2 * i + 1], SRL_FOLD8_HI);
    for (int i = 0; i < 2; i++)
        s2[i] = __builtin_shufflevector(s4[2 * i], s4[2 * i + 1], SRL_FOLD4_LO)
              + __builtin_shufflevector(s4[2 * i], s4[2 * i + 1], SRL_FOLD4_HI);
    return __builtin_shufflevector(s2[0], s2[1], SRL_FOLD2_LO) + __builtin_shufflevector(s2[0], s2[1], SRL_FOLD2_HI);
}

// C (M x N, N <= 4) = alpha * A * op(B) + beta * C for a narrow output (a policy or value
// head): the register-blocked kernel would fill one or two of its 16 lanes. Each output is
// a dot product of a row of A (contiguous) with a column of op(B), packed once into `bt`
// (N x K); sixteen rows' partial sums are reduced together by row_sums16.
static SRL_ATTR void SRL_FN(gemm_narrow)(long M, long N, long K, float alpha, const float *A, long lda,
                                         const float *B, long ldb, int transB, float beta, float *C, long ldc,
                                         float *bt) {
    for (long j = 0; j < N; j++)
        for (long k = 0; k < K; k++) bt[j * K + k] = transB ? B[j * ldb + k] : B[k * ldb + j];
    const long kv = K / 16 * 16;
    for (long i0 = 0; i0 < M; i0 += 16) {
        const int rows = (int)(M - i0 < 16 ? M - i0 : 16);
        for (long j = 0; j < N; j++) {
            const float *b = bt + j * K;
            v16f acc[16];
            for (int r = 0; r < 16; r++) acc[r] = (v16f)0.0f;
            for (int r = 0; r < rows; r++) {
                const float *a = A + (i0 + r) * lda;
                for (long k = 0; k < kv; k += 16) acc[r] += SRL_FN(load)(a + k) * SRL_FN(load)(b + k);
            }
            v16f sums = SRL_FN(row_sums16)(acc);
            for (int r = 0; r < rows; r++) {
                const float *a = A + (i0 + r) * lda;
                float s = sums[r];
                for (long k = kv; k < K; k++) s += a[k] * b[k];
                float *c = C + (i0 + r) * ldc + j;
                *c = alpha * s + (beta != 0.0f ? beta * *c : 0.0f);
            }
        }
    }
}

// C (M x N, N <= 4) = alpha * Aᵀ * B + beta * C with A stored K x M: a narrow head's
// weight gradient, xᵀ g. Sums of outer products of A's contiguous rows with B's rows,
// 64 outputs (four vectors) by N at a time.
static SRL_ATTR void SRL_FN(gemm_narrow_at)(long M, long N, long K, float alpha, const float *A, long lda,
                                            const float *B, long ldb, float beta, float *C, long ldc) {
    for (long i0 = 0; i0 < M; i0 += 64) {
        const long width = M - i0 < 64 ? M - i0 : 64;
        const int full = (int)(width / 16);
        v16f acc[4][4];
        for (int v = 0; v < 4; v++)
            for (int j = 0; j < 4; j++) acc[v][j] = (v16f)0.0f;
        float tail[4][16] = {{0}};
        for (long k = 0; k < K; k++) {
            const float *a = A + k * lda + i0;
            const float *b = B + k * ldb;
            for (int v = 0; v < full; v++) {
                v16f av = SRL_FN(load)(a + 16 * v);
                for (long j = 0; j < N; j++) acc[v][j] += av * (v16f)(b[j]);
            }
            for (long i = full * 16; i < width; i++)
                for (long j = 0; j < N; j++) tail[j][i - full * 16] += a[i] * b[j];
        }
        for (long i = 0; i < width; i++)
            for (long j = 0; j < N; j++) {
                float s = i < full * 16 ? acc[i / 16][j][i % 16] : tail[j][i - full * 16];
                float *c = C + (i0 + i) * ldc + j;
                *c = alpha * s + (beta != 0.0f ? beta * *c : 0.0f);
            }
    }
}

SRL_INLINE float SRL_FN(sum16)(v16f v) {
    v8f h = __builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7) + __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15);
    float s = 0.0f;
    for (int i = 0; i < 8; i++) s += h[i];
    return s;
}

// One row of C against a transposed B (stored N x K): C[0, j] = alpha * a . B[j, :] + beta * C[0, j],
// dot products along contiguous rows, four rows of B at a time for independent sums.
static SRL_ATTR void SRL_FN(gemv_t)(long N, long K, float alpha, const float *a,
                                    const float *B, long ldb, float beta, float *C) {
    long j = 0;
    for (; j < N; j += 4) {
        const int rows = (N - j < 4) ? (int)(N - j) : 4;
        v16f acc[4] = {(v16f)0.0f, (v16f)0.0f, (v16f)0.0f, (v16f)0.0f};
        long k = 0;
        for (; k + 16 <= K; k += 16) {
            v16f av = SRL_FN(load)(a + k);
            for (int u = 0; u < rows; u++) acc[u] += av * SRL_FN(load)(B + (j + u) * ldb + k);
        }
        for (int u = 0; u < rows; u++) {
            float s = SRL_FN(sum16)(acc[u]);
            for (long kk = k; kk < K; kk++) s += a[kk] * B[(j + u) * ldb + kk];
            C[j + u] = alpha * s + (beta != 0.0f ? beta * C[j + u] : 0.0f);
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

// e^t for t in [0, 88] (Cephes' expf: a degree-6 polynomial on t − n ln 2, times 2^n).
SRL_INLINE v16f SRL_FN(exp16)(v16f t) {
    v16f n = __builtin_elementwise_floor(t * 1.44269504088896341f + 0.5f);
    v16f r = t - n * 0.693359375f + n * 2.12194440e-4f;
    v16f p = ((((1.9875691500e-4f * r + 1.3981999507e-3f) * r + 8.3334519073e-3f) * r + 4.1665795894e-2f) * r
              + 1.6666665459e-1f) * r + 5.0000001201e-1f;
    v16f y = p * r * r + r + 1.0f;
    v16i bits = (__builtin_convertvector(n, v16i) + 127) << 23;
    v16f scale;
    __builtin_memcpy(&scale, &bits, sizeof scale);
    return y * scale;
}

// tanh as Cephes' tanhf computes it: an odd polynomial below |x| = 0.625, 1 − 2/(e^2|x| + 1)
// above (saturating to ±1), within a few float ulps of libm's tanhf.
SRL_INLINE v16f SRL_FN(tanh16)(v16f x) {
    v16f ax = __builtin_elementwise_abs(x);
    v16f z = x * x;
    v16f small = ((((-5.70498872745e-3f * z + 2.06390887954e-2f) * z - 5.37397155531e-2f) * z + 1.33314422036e-1f) * z
                  - 3.33332819422e-1f) * z * x + x;
    v16f e = SRL_FN(exp16)(__builtin_elementwise_min(ax + ax, (v16f)88.0f));
    v16f large = 1.0f - 2.0f / (e + 1.0f);
    large = x < 0.0f ? -large : large;
    v16f y = ax < 0.625f ? small : large;
    // NaN stays NaN, so a diverging network shows it.
    return x == x ? y : x;
}

static SRL_ATTR void SRL_FN(tanh)(const float *x, float *out, long n) {
    long i = 0;
    for (; i + 16 <= n; i += 16) SRL_FN(store)(out + i, SRL_FN(tanh16)(SRL_FN(load)(x + i)));
    if (i < n) {
        float tail[16] = {0};
        for (long j = i; j < n; j++) tail[j - i] = x[j];
        v16f y = SRL_FN(tanh16)(SRL_FN(load)(tail));
        for (long j = i; j < n; j++) out[j] = y[j - i];
    }
}

// Gradient of tanh from its output: g (1 − y²).
static SRL_ATTR void SRL_FN(tanh_backward)(const float *g, const float *y, float *out, long n) {
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        v16f yv = SRL_FN(load)(y + i);
        SRL_FN(store)(out + i, SRL_FN(load)(g + i) * (1.0f - yv * yv));
    }
    for (; i < n; i++) out[i] = g[i] * (1.0f - y[i] * y[i]);
}

#undef SRL_INLINE
