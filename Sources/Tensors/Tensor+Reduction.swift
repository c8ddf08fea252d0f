// Reductions over axes. Each axis is reduced as a [outer, n, inner] view so the inner
// loop runs over contiguous memory.

extension Tensor {
    /// Normalises possibly negative axes and checks them against the rank.
    func normalizedAxes(_ axes: [Int]) -> [Int] {
        let normalized = axes.map { $0 < 0 ? $0 + rank : $0 }
        for (given, axis) in zip(axes, normalized) {
            precondition(axis >= 0 && axis < rank, "axis \(given) out of range for shape \(shape)")
        }
        return Array(Set(normalized)).sorted()
    }

    /// Reduces along `axes` with `combine`, starting from `initial`, without recording.
    @inline(__always)
    func reduced(alongAxes axes: [Int], keepDims: Bool, initial: Float, _ combine: (Float, Float) -> Float) -> Tensor {
        let axes = normalizedAxes(axes)
        var current = self
        for axis in axes {
            let n = current.shape[axis]
            let outer = Tensor.count(of: Array(current.shape[..<axis]))
            let inner = Tensor.count(of: Array(current.shape[(axis + 1)...]))
            var newShape = current.shape
            newShape[axis] = 1
            let out = Tensor(repeating: initial, shape: newShape)
            let pi = current.storage.pointer, po = out.storage.pointer
            CPU.parallelFor(outer, costPerItem: n &* inner) { range in
                for o in range {
                    let dst = po + o &* inner
                    for j in 0..<n {
                        let src = pi + (o &* n &+ j) &* inner
                        for i in 0..<inner { dst[i] = combine(dst[i], src[i]) }
                    }
                }
            }
            current = out
        }
        if !keepDims {
            let axisSet = Set(axes)
            current = current.withShape(shape.enumerated().filter { !axisSet.contains($0.offset) }.map(\.element))
        }
        return current
    }

    /// Sum of every value, as a Float, without recording.
    func sumOfAll() -> Float {
        var total: Float = 0
        let p = storage.pointer
        // Eight partial sums keep the loop vectorised and the rounding error small.
        var partial = SIMD8<Float>()
        var i = 0
        while i + 8 <= count {
            partial += UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
            i += 8
        }
        total = partial.sum()
        while i < count { total += p[i]; i += 1 }
        return total
    }

    /// Repeats a reduced gradient back over the axes it was reduced from.
    func expanded(from reducedShape: [Int], keptShape: [Int], to fullShape: [Int]) -> Tensor {
        Tensor.broadcasting(Tensor.zeros(fullShape), withShape(keptShape), +)
    }

    /// The shape with `axes` set to 1.
    func keptShape(_ axes: [Int]) -> [Int] {
        var s = shape
        for a in axes { s[a] = 1 }
        return s
    }

    /// Sum over `axes` (every axis when nil).
    public func sum(alongAxes axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let axes = normalizedAxes(axes ?? Array(0..<rank))
        let out: Tensor
        if axes.count == rank && !keepDims {
            out = Tensor(sumOfAll())
        } else {
            out = reduced(alongAxes: axes, keepDims: keepDims, initial: 0, +)
        }
        guard let tape = GradientTape.recording(self) else { return out }
        let full = shape, kept = keptShape(axes)
        return tape.recordUnary(out, self) { g in g.expanded(from: g.shape, keptShape: kept, to: full) }
    }

    /// Sum over one axis.
    public func sum(alongAxis axis: Int, keepDims: Bool = false) -> Tensor {
        sum(alongAxes: [axis], keepDims: keepDims)
    }

    /// Mean over `axes` (every axis when nil).
    public func mean(alongAxes axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let axes = normalizedAxes(axes ?? Array(0..<rank))
        let n = axes.reduce(1) { $0 * shape[$1] }
        return sum(alongAxes: axes, keepDims: keepDims) * (1 / Float(Swift.max(n, 1)))
    }

    /// Mean over one axis.
    public func mean(alongAxis axis: Int, keepDims: Bool = false) -> Tensor {
        mean(alongAxes: [axis], keepDims: keepDims)
    }
}

// Extrema. The gradient of a maximum (or minimum) is split evenly among the values that
// attain it, the symmetric subgradient TensorFlow uses; with distinct values it all flows
// to the single arg-extremum.

extension Tensor {
    /// Largest value over `axes` (every axis when nil). On ties the gradient is shared evenly.
    public func max(alongAxes axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        extremum(alongAxes: axes, keepDims: keepDims, initial: -.infinity) { Swift.max($0, $1) }
    }

    /// Largest value along one axis.
    public func max(alongAxis axis: Int, keepDims: Bool = false) -> Tensor {
        max(alongAxes: [axis], keepDims: keepDims)
    }

    /// Smallest value over `axes` (every axis when nil). On ties the gradient is shared evenly.
    public func min(alongAxes axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        extremum(alongAxes: axes, keepDims: keepDims, initial: .infinity) { Swift.min($0, $1) }
    }

    /// Smallest value along one axis.
    public func min(alongAxis axis: Int, keepDims: Bool = false) -> Tensor {
        min(alongAxes: [axis], keepDims: keepDims)
    }

    @inline(__always)
    private func extremum(alongAxes axes: [Int]?, keepDims: Bool, initial: Float,
                          _ combine: (Float, Float) -> Float) -> Tensor {
        precondition(count > 0, "max/min: tensor of shape \(shape) is empty")
        let axes = normalizedAxes(axes ?? Array(0..<rank))
        if axes.count == 1 { return extremum(alongAxis: axes[0], keepDims: keepDims, combine) }
        let out = reduced(alongAxes: axes, keepDims: keepDims, initial: initial, combine)
        guard let tape = GradientTape.recording(self) else { return out }
        let x = detached, kept = keptShape(axes), y = out.withShape(kept)
        return tape.recordUnary(out, self) { g in
            let hits = Tensor.broadcasting(x, y) { $0 == $1 ? 1 : 0 }
            let ties = hits.reduced(alongAxes: axes, keepDims: true, initial: 0, +)
            let share = Tensor.broadcasting(g.withShape(kept), ties, /)
            return Tensor.broadcasting(hits, share, *)
        }
    }

    /// One axis as [outer, n, inner] lanes in a single pass each way: the Q-learning target
    /// max over actions runs this on every update.
    @inline(__always)
    private func extremum(alongAxis a: Int, keepDims: Bool, _ combine: (Float, Float) -> Float) -> Tensor {
        var outer = 1, inner = 1
        for d in 0..<a { outer &*= shape[d] }
        for d in (a + 1)..<rank { inner &*= shape[d] }
        let n = shape[a]
        var outShape = shape
        if keepDims { outShape[a] = 1 } else { outShape.remove(at: a) }
        let out = Tensor(uninitializedShape: outShape)
        let px = storage.pointer, po = out.storage.pointer
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o &* n &* inner &+ i
                var best = px[base]
                for j in 1..<n { best = combine(best, px[base &+ j &* inner]) }
                po[o &* inner &+ i] = best
            }
        }
        guard let tape = GradientTape.recording(self) else { return out }
        let x = detached, y = out
        return tape.recordUnary(out, self) { g in
            let gx = Tensor(uninitializedShape: x.shape)
            let px = x.storage.pointer, py = y.storage.pointer, pg = g.storage.pointer, pgx = gx.storage.pointer
            for o in 0..<outer {
                for i in 0..<inner {
                    let base = o &* n &* inner &+ i, lane = o &* inner &+ i
                    let best = py[lane]
                    var ties = 0
                    for j in 0..<n where px[base &+ j &* inner] == best { ties &+= 1 }
                    let share = pg[lane] / Float(Swift.max(ties, 1))
                    for j in 0..<n { pgx[base &+ j &* inner] = px[base &+ j &* inner] == best ? share : 0 }
                }
            }
            return gx
        }
    }

    /// Position of the largest value along `axis`, which is removed from the shape. Ties go
    /// to the first position, as in NumPy, so greedy actions are deterministic.
    public func argmax(alongAxis axis: Int = -1) -> IndexTensor {
        argExtremum(alongAxis: axis, function: "argmax") { $0 > $1 }
    }

    /// Position of the smallest value along `axis`, which is removed from the shape. Ties go
    /// to the first position.
    public func argmin(alongAxis axis: Int = -1) -> IndexTensor {
        argExtremum(alongAxis: axis, function: "argmin") { $0 < $1 }
    }

    @inline(__always)
    private func argExtremum(alongAxis axis: Int, function: String, _ better: (Float, Float) -> Bool) -> IndexTensor {
        let (a, outer, n, inner) = axisView(axis, function: function)
        precondition(n > 0, "\(function): axis \(axis) of shape \(shape) is empty")
        let p = storage.pointer
        let scalars = [Int32](unsafeUninitializedCapacity: outer &* inner) { buffer, initialized in
            for o in 0..<outer {
                for i in 0..<inner {
                    let base = o &* n &* inner &+ i
                    var best = p[base], bestIndex = 0
                    for j in 1..<n where better(p[base &+ j &* inner], best) {
                        best = p[base &+ j &* inner]
                        bestIndex = j
                    }
                    buffer[o &* inner &+ i] = Int32(truncatingIfNeeded: bestIndex)
                }
            }
            initialized = outer &* inner
        }
        var resultShape = shape
        resultShape.remove(at: a)
        return IndexTensor(shape: resultShape, scalars: scalars)
    }
}
