// Picking values by integer index: Q(s, a) from a batch of Q-values and the actions taken,
// log π(a|s) from log-probabilities, and the one-hot encodings of discrete actions.

extension Tensor {
    /// Values picked along `axis` by `indices`, in one of two forms:
    ///
    /// - `indices.rank == rank - 1`: one value per position, and `axis` is removed. Its shape
    ///   must equal this shape without `axis`. With Q-values `[B, A]` and actions `[B]`,
    ///   `q.gathering(actions, alongAxis: 1)` is `[B]` with `out[b] = q[b, actions[b]]`.
    /// - `indices.rank == rank`: NumPy's `take_along_axis`. The shapes agree except along
    ///   `axis`, where `indices` may have any length `k`, and the result has `indices.shape`:
    ///   `out[…, j, …] = self[…, indices[…, j, …], …]`.
    ///
    /// The gradient is scattered back and added, so an index picked twice gets both shares.
    public func gathering(_ indices: IndexTensor, alongAxis axis: Int) -> Tensor {
        let (a, outer, n, inner) = axisView(axis, function: "gathering")
        let removesAxis: Bool
        if indices.rank == rank - 1 {
            var expected = shape
            expected.remove(at: a)
            precondition(indices.shape == expected,
                         "gathering: indices of shape \(indices.shape) do not match shape \(shape) without axis \(a) (\(expected))")
            removesAxis = true
        } else if indices.rank == rank {
            for d in 0..<rank where d != a {
                precondition(indices.shape[d] == shape[d],
                             "gathering: indices of shape \(indices.shape) disagree with shape \(shape) on axis \(d)")
            }
            removesAxis = false
        } else {
            preconditionFailure("gathering: indices of rank \(indices.rank) for shape \(shape); need rank \(rank - 1) or \(rank)")
        }
        // Lanes [outer, k, inner]: k picks per lane, 1 when the axis is removed.
        let k = removesAxis ? 1 : indices.shape[a]
        let out = Tensor(uninitializedShape: indices.shape)
        let px = storage.pointer, po = out.storage.pointer
        indices.scalars.withUnsafeBufferPointer { pi in
            for o in 0..<outer {
                for j in 0..<k {
                    let row = (o &* k &+ j) &* inner
                    for i in 0..<inner {
                        let index = Int(pi[row &+ i])
                        Tensor.checkIndex(index, n: n, axis: a, shape: shape, function: "gathering")
                        po[row &+ i] = px[(o &* n &+ index) &* inner &+ i]
                    }
                }
            }
        }
        guard let tape = GradientTape.recording(self) else { return out }
        let sourceShape = shape
        return tape.recordUnary(out, self) { g in
            let gx = Tensor.zeros(sourceShape)
            let pg = g.storage.pointer, pgx = gx.storage.pointer
            indices.scalars.withUnsafeBufferPointer { pi in
                for o in 0..<outer {
                    for j in 0..<k {
                        let row = (o &* k &+ j) &* inner
                        for i in 0..<inner {
                            pgx[(o &* n &+ Int(pi[row &+ i])) &* inner &+ i] += pg[row &+ i]
                        }
                    }
                }
            }
            return gx
        }
    }

    /// Rows of one-hot vectors: shape `indices.shape + [depth]`, 1 at each index and 0
    /// elsewhere. Not differentiable.
    public static func oneHot(_ indices: IndexTensor, depth: Int) -> Tensor {
        precondition(depth > 0, "oneHot: depth must be positive, got \(depth)")
        let out = Tensor.zeros(indices.shape + [depth])
        let po = out.storage.pointer
        indices.scalars.withUnsafeBufferPointer { pi in
            for r in 0..<pi.count {
                let index = Int(pi[r])
                if index < 0 || index >= depth {
                    fatalError("oneHot: index \(index) at position \(r) out of range for depth \(depth) (indices \(indices.shape))")
                }
                po[r &* depth &+ index] = 1
            }
        }
        return out
    }

    /// Traps on an index outside `0..<n`. `fatalError` rather than `precondition` because a
    /// bad action index is a data error users hit in release builds, where precondition
    /// messages are not printed.
    @inline(__always)
    static func checkIndex(_ index: Int, n: Int, axis: Int, shape: [Int], function: StaticString) {
        if index < 0 || index >= n {
            fatalError("\(function): index \(index) out of range for axis \(axis) of extent \(n) in shape \(shape)")
        }
    }
}
