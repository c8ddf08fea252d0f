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
        return sum(alongAxes: axes, keepDims: keepDims) * (1 / Float(max(n, 1)))
    }

    /// Mean over one axis.
    public func mean(alongAxis axis: Int, keepDims: Bool = false) -> Tensor {
        mean(alongAxes: [axis], keepDims: keepDims)
    }
}
