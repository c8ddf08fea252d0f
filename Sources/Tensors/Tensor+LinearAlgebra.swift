// Matrix multiplication, batched over leading axes with broadcasting.

/// `op(a) · op(b)` over the last two axes, where op transposes when asked. Leading axes
/// are batch axes and broadcast like elementwise operations.
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    let out = Tensor.matmulValue(a, b, transposeA: transposeA, transposeB: transposeB)
    guard let tape = GradientTape.recording(a, b) else { return out }
    let ad = a.detached, bd = b.detached
    return tape.recordBinary(out, a, b) { g, needA, needB in
        // With C = op(A)·op(B): dop(A) = G·op(B)ᵀ and dop(B) = op(A)ᵀ·G, transposed back
        // when A or B was stored transposed. Batch broadcasting is undone by summation.
        var ga: Tensor?, gb: Tensor?
        if needA {
            let full = transposeA ? Tensor.matmulValue(bd, g, transposeA: transposeB, transposeB: true)
                                  : Tensor.matmulValue(g, bd, transposeA: false, transposeB: !transposeB)
            ga = full.unbroadcast(to: ad.shape)
        }
        if needB {
            let full = transposeB ? Tensor.matmulValue(g, ad, transposeA: true, transposeB: transposeA)
                                  : Tensor.matmulValue(ad, g, transposeA: !transposeA, transposeB: false)
            gb = full.unbroadcast(to: bd.shape)
        }
        return (ga, gb)
    }
}

extension Tensor {
    /// Matrix product of two tensors (see ``matmul(_:_:transposeA:transposeB:)``).
    public func matmul(_ other: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        Tensors.matmul(self, other, transposeA: transposeA, transposeB: transposeB)
    }

    /// The product without recording.
    static func matmulValue(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool) -> Tensor {
        precondition(a.rank >= 2 && b.rank >= 2, "matmul: operands need at least 2 axes, got \(a.shape) and \(b.shape)")
        let ar = a.shape[a.rank - 2], ac = a.shape[a.rank - 1]
        let br = b.shape[b.rank - 2], bc = b.shape[b.rank - 1]
        let m = transposeA ? ac : ar, k = transposeA ? ar : ac
        let kb = transposeB ? bc : br, n = transposeB ? br : bc
        precondition(k == kb, "matmul: inner dimensions differ: \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "")")
        let batchA = Array(a.shape.dropLast(2)), batchB = Array(b.shape.dropLast(2))
        // A batch of rows against one matrix is a single GEMM with the batch folded into M.
        if batchB.allSatisfy({ $0 == 1 }) && !transposeA && batchA.count >= batchB.count {
            let rows = Tensor.count(of: batchA) * m
            let out = Tensor(uninitializedShape: batchA + [m, n])
            CPU.gemm(transposeA: false, transposeB: transposeB, m: rows, n: n, k: k,
                     a: a.storage.pointer, lda: ac, b: b.storage.pointer, ldb: bc,
                     c: out.storage.pointer, ldc: n)
            return out
        }
        let batch = Tensor.broadcastShape(batchA, batchB)
        let out = Tensor(uninitializedShape: batch + [m, n])
        let sa = Tensor.broadcastStrides(batchA, to: batch), sb = Tensor.broadcastStrides(batchB, to: batch)
        let count = Tensor.count(of: batch)
        var index = [Int](repeating: 0, count: batch.count)
        for t in 0..<count {
            var oa = 0, ob = 0
            for d in 0..<batch.count { oa += index[d] * sa[d]; ob += index[d] * sb[d] }
            CPU.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                     a: a.storage.pointer + oa * ar * ac, lda: ac, b: b.storage.pointer + ob * br * bc, ldb: bc,
                     c: out.storage.pointer + t * m * n, ldc: n)
            Tensor.advance(&index, within: batch, axes: batch.count)
        }
        return out
    }
}

/// The affine map `x · weight + bias` over the last axis of `x`, followed by `activation`
/// when given, as one tape entry: the workhorse of dense layers. `weight` is
/// [inputSize, outputSize]; `bias` is [outputSize]. Fusing the activation saves a tensor
/// and a tape entry per layer, which is a tenth of a small network's training step.
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor?, activation: LinearActivation? = nil) -> Tensor {
    precondition(weight.rank == 2, "linear: weight must be [input, output], got \(weight.shape)")
    let k = weight.shape[0], n = weight.shape[1]
    precondition(x.shape.last == k, "linear: input \(x.shape) does not end in \(k) (weight \(weight.shape))")
    if let bias { precondition(bias.shape == [n], "linear: bias \(bias.shape) should be [\(n)]") }
    let rows = x.count / max(k, 1)
    let out = Tensor(uninitializedShape: Array(x.shape.dropLast()) + [n])
    let po = out.storage.pointer
    if let bias {
        let pb = bias.storage.pointer
        for r in 0..<rows { (po + r * n).update(from: pb, count: n) }
    }
    CPU.gemm(transposeA: false, transposeB: false, m: rows, n: n, k: k, a: x.storage.pointer, lda: k,
             b: weight.storage.pointer, ldb: n, beta: bias == nil ? 0 : 1, c: po, ldc: n)
    activation?.apply(po, into: po, count: rows * n)
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    guard let tape = GradientTape.recording(inputs) else { return out }
    let xd = x.detached, wd = weight.detached, y = out
    let needX = tape.tracks(x), needW = tape.tracks(weight), needB = bias.map { tape.tracks($0) } ?? false
    return tape.recordNary(out, inputs) { upstream in
        // The gradient before the activation, from the saved output.
        let g = activation.map { $0.gradient(upstream, output: y) } ?? upstream
        var grads: [Tensor?] = [nil, nil, nil]
        if needX {
            let gx = Tensor(uninitializedShape: xd.shape)
            CPU.gemm(transposeA: false, transposeB: true, m: rows, n: k, k: n, a: g.storage.pointer, lda: n,
                     b: wd.storage.pointer, ldb: n, c: gx.storage.pointer, ldc: k)
            grads[0] = gx
        }
        if needW {
            let gw = Tensor(uninitializedShape: [k, n])
            CPU.gemm(transposeA: true, transposeB: false, m: k, n: n, k: rows, a: xd.storage.pointer, lda: k,
                     b: g.storage.pointer, ldb: n, c: gw.storage.pointer, ldc: n)
            grads[1] = gw
        }
        if needB {
            grads[2] = g.columnSums(columns: n)
        }
        return grads
    }
}

import CKernels
