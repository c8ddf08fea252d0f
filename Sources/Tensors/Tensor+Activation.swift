import CKernels

extension Tensor {
    /// max(x, 0).
    public func relu() -> Tensor {
        let out = mapped { $0 > 0 ? $0 : 0 }
        guard let tape = GradientTape.recording(self) else { return out }
        let y = out
        return tape.recordUnary(out, self) { g in g.zipped(with: y) { gi, yi in yi > 0 ? gi : 0 } }
    }
}
