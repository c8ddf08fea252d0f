import CKernels
// Operations that rearrange values without changing them.

extension Tensor {
    /// The same values with a new shape; one axis may be -1 and is then inferred.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var resolved = newShape
        if let inferred = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != inferred }.reduce(1) { $0 * $1.element }
            precondition(known > 0 && count % known == 0, "reshaped: cannot reshape \(shape) to \(newShape)")
            resolved[inferred] = count / known
        }
        precondition(Tensor.count(of: resolved) == count, "reshaped: cannot reshape \(shape) (\(count) values) to \(newShape)")
        let out = withShape(resolved)
        guard let tape = GradientTape.recording(self) else { return out.detached }
        let original = shape
        return tape.recordUnary(out.detached, self) { g in g.withShape(original) }
    }
}

// MARK: Axes

extension Tensor {
    /// Normalises a possibly negative axis against `rank` axes.
    @inline(__always)
    static func normalizedAxis(_ axis: Int, rank: Int, function: String, shape: [Int]) -> Int {
        let a = axis < 0 ? axis + rank : axis
        precondition(a >= 0 && a < rank, "\(function): axis \(axis) out of range for shape \(shape)")
        return a
    }

    /// The last two axes swapped: the matrix transpose, batched over leading axes.
    public func transposed() -> Tensor {
        precondition(rank >= 2, "transposed: need at least 2 axes, got shape \(shape)")
        var order = Array(0..<rank)
        order.swapAt(rank - 2, rank - 1)
        return permuted(order)
    }

    /// The axes reordered: axis `i` of the result is axis `axes[i]` of this tensor, as in
    /// NumPy's `transpose(axes)`. Gradient: the inverse permutation.
    public func permuted(_ axes: [Int]) -> Tensor {
        precondition(axes.count == rank, "permuted: \(axes) does not list the \(rank) axes of shape \(shape)")
        let order = axes.map { Tensor.normalizedAxis($0, rank: rank, function: "permuted", shape: shape) }
        precondition(Set(order).count == rank, "permuted: \(axes) is not a permutation of the axes of shape \(shape)")
        let out = permutedValue(order)
        guard let tape = GradientTape.recording(self) else { return out }
        var inverse = order
        for (i, axis) in order.enumerated() { inverse[axis] = i }
        return tape.recordUnary(out, self) { g in g.permutedValue(inverse) }
    }

    /// The permutation without recording.
    func permutedValue(_ order: [Int]) -> Tensor {
        let outShape = order.map { shape[$0] }
        if order == Array(0..<rank) { return withShape(outShape).detached }
        let out = Tensor(uninitializedShape: outShape)
        let src = storage.pointer, dst = out.storage.pointer
        // A swap of the last two axes is the common case (matmul-shaped data); the C kernel
        // transposes in 8x8 register blocks.
        if order.dropLast(2).elementsEqual(0..<(rank - 2)) {
            let rows = shape[rank - 2], cols = shape[rank - 1]
            let matrix = rows &* cols
            let batch = matrix == 0 ? 0 : count / matrix
            CPU.parallelFor(batch, costPerItem: matrix) { range in
                for b in range { srl_transpose(src + b &* matrix, rows, cols, cols, dst + b &* matrix) }
            }
            return out
        }
        var sourceStrides = [Int](repeating: 1, count: rank)
        for d in stride(from: rank - 2, through: 0, by: -1) { sourceStrides[d] = sourceStrides[d + 1] * shape[d + 1] }
        let strides = order.map { sourceStrides[$0] }
        let step = strides.last ?? 0
        Tensor.walk(shape: outShape) { outer, inner, offsetOf in
            let base = offsetOf(strides)
            for j in 0..<inner { dst[outer &+ j] = src[base &+ j &* step] }
        }
        return out
    }

    /// The axes from `startAxis` on merged into one: `[B, C, H, W]` becomes `[B, C·H·W]` by
    /// default, the input a dense layer expects after convolutions.
    public func flattened(startAxis: Int = 1) -> Tensor {
        let start = Tensor.normalizedAxis(startAxis, rank: rank, function: "flattened", shape: shape)
        return reshaped(Array(shape[..<start]) + [Tensor.count(of: Array(shape[start...]))])
    }

    /// Axes of extent 1 inserted so that they sit at `axes` in the result (negative axes
    /// count from the end of the result): `[3, 4]` expanded at 0 is `[1, 3, 4]`, at -1 `[3, 4, 1]`.
    public func expandingShape(at axes: Int...) -> Tensor {
        expandingShape(at: axes)
    }

    /// Axes of extent 1 inserted at `axes` of the result.
    public func expandingShape(at axes: [Int]) -> Tensor {
        let newRank = rank + axes.count
        let positions = axes.map { Tensor.normalizedAxis($0, rank: newRank, function: "expandingShape", shape: shape) }
        precondition(Set(positions).count == positions.count, "expandingShape: repeated axis in \(axes)")
        var newShape = [Int]()
        newShape.reserveCapacity(newRank)
        var next = 0
        for d in 0..<newRank {
            if positions.contains(d) {
                newShape.append(1)
            } else {
                newShape.append(shape[next])
                next += 1
            }
        }
        return reshaped(newShape)
    }

    /// The axes at `axes` removed; each must have extent 1. With no axes, every axis of
    /// extent 1 is removed, like NumPy's `squeeze()`.
    public func squeezingShape(at axes: Int...) -> Tensor {
        squeezingShape(at: axes)
    }

    /// The axes at `axes` removed (all axes of extent 1 when `axes` is empty).
    public func squeezingShape(at axes: [Int]) -> Tensor {
        let removed: Set<Int>
        if axes.isEmpty {
            removed = Set(shape.indices.filter { shape[$0] == 1 })
        } else {
            removed = Set(axes.map { Tensor.normalizedAxis($0, rank: rank, function: "squeezingShape", shape: shape) })
            for a in removed {
                precondition(shape[a] == 1, "squeezingShape: axis \(a) of shape \(shape) has extent \(shape[a]), not 1")
            }
        }
        return reshaped(shape.indices.filter { !removed.contains($0) }.map { shape[$0] })
    }
}

// MARK: Joining and slicing

extension Tensor {
    /// The tensors joined along an existing axis. All must have the same rank and agree on
    /// every other axis. Gradient: the matching slice of the output gradient to each input.
    public static func concatenate(_ tensors: [Tensor], alongAxis axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "concatenate: no tensors")
        let first = tensors[0]
        precondition(first.rank > 0, "concatenate: cannot join rank-0 tensors; use stack")
        let a = normalizedAxis(axis, rank: first.rank, function: "concatenate", shape: first.shape)
        var outShape = first.shape
        outShape[a] = 0
        for t in tensors {
            precondition(t.rank == first.rank && t.shape.indices.allSatisfy { $0 == a || t.shape[$0] == first.shape[$0] },
                         "concatenate: shape \(t.shape) does not match \(first.shape) outside axis \(a)")
            outShape[a] += t.shape[a]
        }
        let outer = count(of: Array(first.shape[..<a])), inner = count(of: Array(first.shape[(a + 1)...]))
        let out = Tensor(uninitializedShape: outShape)
        let po = out.storage.pointer
        let rowLength = outShape[a] &* inner
        var offset = 0
        for t in tensors {
            let chunk = t.shape[a] &* inner, pt = t.storage.pointer
            for o in 0..<outer { (po + (o &* rowLength &+ offset)).update(from: pt + o &* chunk, count: chunk) }
            offset += chunk
        }
        guard let tape = GradientTape.recording(tensors) else { return out }
        let extents = tensors.map { $0.shape[a] }
        let needed = tensors.map { tape.tracks($0) }
        return tape.recordNary(out, tensors) { g in
            var grads = [Tensor?]()
            grads.reserveCapacity(extents.count)
            var start = 0
            for (extent, need) in zip(extents, needed) {
                grads.append(need ? g.slicedValue(axis: a, range: start..<(start + extent)) : nil)
                start += extent
            }
            return grads
        }
    }

    /// The tensors, all of one shape, joined along a new axis inserted at `axis`:
    /// `n` tensors of `[3, 4]` stacked at 0 give `[n, 3, 4]`.
    public static func stack(_ tensors: [Tensor], alongAxis axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "stack: no tensors")
        let shape = tensors[0].shape
        for t in tensors {
            precondition(t.shape == shape, "stack: shapes \(t.shape) and \(shape) differ")
        }
        let a = normalizedAxis(axis, rank: shape.count + 1, function: "stack", shape: shape)
        return concatenate(tensors.map { $0.expandingShape(at: a) }, alongAxis: a)
    }

    /// A copy of the positions `range` along `axis`. Gradient: the output gradient placed
    /// back at those positions, zero elsewhere.
    public func sliced(alongAxis axis: Int, range: Range<Int>) -> Tensor {
        let a = Tensor.normalizedAxis(axis, rank: rank, function: "sliced", shape: shape)
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[a],
                     "sliced: range \(range) out of bounds for axis \(a) of shape \(shape)")
        let out = slicedValue(axis: a, range: range)
        guard let tape = GradientTape.recording(self) else { return out }
        let full = shape
        return tape.recordUnary(out, self) { g in
            let gx = Tensor.zeros(full)
            let outer = Tensor.count(of: Array(full[..<a])), inner = Tensor.count(of: Array(full[(a + 1)...]))
            let chunk = range.count &* inner, row = full[a] &* inner, start = range.lowerBound &* inner
            let pg = g.storage.pointer, px = gx.storage.pointer
            for o in 0..<outer { (px + (o &* row &+ start)).update(from: pg + o &* chunk, count: chunk) }
            return gx
        }
    }

    /// The rows `range` along the first axis (see ``sliced(alongAxis:range:)``).
    public subscript(_ range: Range<Int>) -> Tensor {
        sliced(alongAxis: 0, range: range)
    }

    /// The slice without recording.
    func slicedValue(axis a: Int, range: Range<Int>) -> Tensor {
        var outShape = shape
        outShape[a] = range.count
        let out = Tensor(uninitializedShape: outShape)
        let outer = Tensor.count(of: Array(shape[..<a])), inner = Tensor.count(of: Array(shape[(a + 1)...]))
        let chunk = range.count &* inner, row = shape[a] &* inner, start = range.lowerBound &* inner
        let px = storage.pointer, po = out.storage.pointer
        for o in 0..<outer { (po + o &* chunk).update(from: px + (o &* row &+ start), count: chunk) }
        return out
    }

    /// The values repeated to `shape` by NumPy broadcasting rules (axes of extent 1 stretch,
    /// missing leading axes are added). Gradient: summed back with ``unbroadcast(to:)``.
    public func broadcasted(to target: [Int]) -> Tensor {
        precondition(Tensor.broadcastShape(shape, target) == target, "broadcasted: shape \(shape) does not broadcast to \(target)")
        let out = broadcastedValue(to: target)
        guard let tape = GradientTape.recording(self) else { return out }
        let original = shape
        return tape.recordUnary(out, self) { g in g.unbroadcast(to: original) }
    }

    /// The broadcast without recording.
    func broadcastedValue(to target: [Int]) -> Tensor {
        if target == shape { return detached }
        let out = Tensor(uninitializedShape: target)
        let src = storage.pointer, dst = out.storage.pointer
        let n = out.count
        if count == 1 {
            dst.initialize(repeating: src[0], count: n)
        } else if Tensor.isTrailingSuffix(shape, of: target) {
            for r in 0..<(n / count) { (dst + r &* count).update(from: src, count: count) }
        } else {
            let strides = Tensor.broadcastStrides(shape, to: target)
            let step = strides.last ?? 0
            Tensor.walk(shape: target) { outer, inner, offsetOf in
                let base = offsetOf(strides)
                for j in 0..<inner { dst[outer &+ j] = src[base &+ j &* step] }
            }
        }
        return out
    }
}
