#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Softmax, log-softmax and log-sum-exp over one axis. The axis is viewed as [outer, n, inner]
// and each of the outer·inner lanes is normalised on its own after subtracting its maximum,
// so no exponential overflows. Raw loops: these run on every policy step of every agent.

extension Tensor {
    /// The [outer, n, inner] view of `axis` (negative counts from the end).
    @inline(__always)
    func axisView(_ axis: Int, function: String) -> (axis: Int, outer: Int, n: Int, inner: Int) {
        let a = axis < 0 ? axis + rank : axis
        precondition(a >= 0 && a < rank, "\(function): axis \(axis) out of range for shape \(shape)")
        var outer = 1, inner = 1
        for d in 0..<a { outer &*= shape[d] }
        for d in (a + 1)..<rank { inner &*= shape[d] }
        return (a, outer, shape[a], inner)
    }

    /// eˣ / Σeˣ along `axis`. Gradient: y ⊙ (g − Σ g⊙y) along the axis.
    public func softmax(alongAxis axis: Int = -1) -> Tensor {
        let (_, outer, n, inner) = axisView(axis, function: "softmax")
        let out = Tensor(uninitializedShape: shape)
        Tensor.normalizeLanes(storage.pointer, out.storage.pointer, outer: outer, n: n, inner: inner, logarithmic: false)
        guard let tape = GradientTape.recording(self) else { return out }
        let y = out
        return tape.recordUnary(out, self) { g in
            let gx = Tensor(uninitializedShape: y.shape)
            let pg = g.storage.pointer, py = y.storage.pointer, px = gx.storage.pointer
            CPU.parallelFor(outer, costPerItem: n &* inner &* 3) { range in
                for o in range {
                    for i in 0..<inner {
                        let base = o &* n &* inner &+ i
                        var dot: Float = 0
                        for j in 0..<n { let k = base &+ j &* inner; dot += pg[k] * py[k] }
                        for j in 0..<n { let k = base &+ j &* inner; px[k] = py[k] * (pg[k] - dot) }
                    }
                }
            }
            return gx
        }
    }

    /// x − log Σeˣ along `axis`, computed without forming the softmax so that very negative
    /// log-probabilities stay finite. Gradient: g − softmax ⊙ Σg along the axis.
    public func logSoftmax(alongAxis axis: Int = -1) -> Tensor {
        let (_, outer, n, inner) = axisView(axis, function: "logSoftmax")
        let out = Tensor(uninitializedShape: shape)
        Tensor.normalizeLanes(storage.pointer, out.storage.pointer, outer: outer, n: n, inner: inner, logarithmic: true)
        guard let tape = GradientTape.recording(self) else { return out }
        let y = out
        return tape.recordUnary(out, self) { g in
            let gx = Tensor(uninitializedShape: y.shape)
            let pg = g.storage.pointer, py = y.storage.pointer, px = gx.storage.pointer
            CPU.parallelFor(outer, costPerItem: n &* inner &* 8) { range in
                for o in range {
                    for i in 0..<inner {
                        let base = o &* n &* inner &+ i
                        var total: Float = 0
                        for j in 0..<n { total += pg[base &+ j &* inner] }
                        for j in 0..<n { let k = base &+ j &* inner; px[k] = pg[k] - expf(py[k]) * total }
                    }
                }
            }
            return gx
        }
    }

    /// log Σeˣ along `axis`, stabilised by the maximum. Gradient: g · softmax(x).
    public func logSumExp(alongAxis axis: Int = -1, keepDims: Bool = false) -> Tensor {
        let (a, outer, n, inner) = axisView(axis, function: "logSumExp")
        var kept = shape
        kept[a] = 1
        let out = Tensor(uninitializedShape: kept)
        let px = storage.pointer, po = out.storage.pointer
        CPU.parallelFor(outer, costPerItem: n &* inner &* 8) { range in
            for o in range {
                for i in 0..<inner {
                    let base = o &* n &* inner &+ i
                    var top = -Float.infinity
                    for j in 0..<n { top = Swift.max(top, px[base &+ j &* inner]) }
                    if !top.isFinite { po[o &* inner &+ i] = top; continue }
                    var total: Float = 0
                    for j in 0..<n { total += expf(px[base &+ j &* inner] - top) }
                    po[o &* inner &+ i] = top + logf(total)
                }
            }
        }
        let result = keepDims ? out : out.withShape(shape.enumerated().filter { $0.offset != a }.map(\.element))
        guard let tape = GradientTape.recording(self) else { return result }
        let x = detached
        return tape.recordUnary(result, self) { g in
            let p = x.softmax(alongAxis: a)
            return Tensor.broadcasting(p, g.withShape(kept), *)
        }
    }

    /// Writes softmax (or log-softmax when `logarithmic`) of every lane of `src` to `dst`.
    static func normalizeLanes(_ src: UnsafeMutablePointer<Float>, _ dst: UnsafeMutablePointer<Float>,
                               outer: Int, n: Int, inner: Int, logarithmic: Bool) {
        if inner == 1 {
            // Contiguous rows, the usual last-axis case: unit-stride loops.
            CPU.parallelFor(outer, costPerItem: n &* 12) { range in
                for o in range {
                    let s = src + o &* n, d = dst + o &* n
                    var top = -Float.infinity
                    for j in 0..<n where s[j] > top { top = s[j] }
                    // Masked logits (-inf) simply get probability 0. Only a row with no finite
                    // maximum cannot be shifted by it; it is left unshifted, with IEEE results.
                    if !top.isFinite { top = 0 }
                    var total: Float = 0
                    if logarithmic {
                        for j in 0..<n { total += expf(s[j] - top) }
                        let shift = top + logf(total)
                        for j in 0..<n { d[j] = s[j] - shift }
                    } else {
                        for j in 0..<n { let e = expf(s[j] - top); d[j] = e; total += e }
                        let scale = 1 / total
                        for j in 0..<n { d[j] *= scale }
                    }
                }
            }
            return
        }
        CPU.parallelFor(outer, costPerItem: n &* inner &* 12) { range in
            for o in range {
                for i in 0..<inner {
                    let base = o &* n &* inner &+ i
                    var top = -Float.infinity
                    for j in 0..<n { top = Swift.max(top, src[base &+ j &* inner]) }
                    if !top.isFinite { top = 0 }
                    var total: Float = 0
                    if logarithmic {
                        for j in 0..<n { total += expf(src[base &+ j &* inner] - top) }
                        let shift = top + logf(total)
                        for j in 0..<n { let k = base &+ j &* inner; dst[k] = src[k] - shift }
                    } else {
                        for j in 0..<n {
                            let k = base &+ j &* inner
                            let e = expf(src[k] - top)
                            dst[k] = e
                            total += e
                        }
                        let scale = 1 / total
                        for j in 0..<n { dst[base &+ j &* inner] *= scale }
                    }
                }
            }
        }
    }
}
