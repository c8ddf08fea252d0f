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
