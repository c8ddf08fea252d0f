import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Activation functions. Each gradient is written in terms of the saved output where that
// is cheaper than recomputing from the input.

extension Tensor {
    /// max(x, 0).
    public func relu() -> Tensor {
        elementwise(forward: { srl_relu($0, $1, $2) }, backwardFromOutput: { srl_relu_backward($0, $1, $2, $3) })
    }

    /// Hyperbolic tangent (a vectorised kernel within a few ulps of libm's); dy/dx = 1 - y².
    public func tanh() -> Tensor {
        elementwise(forward: { srl_tanh($0, $1, $2) }, backwardFromOutput: { srl_tanh_backward($0, $1, $2, $3) })
    }

    /// An activation computed by a C kernel over chunks, whose gradient a second kernel
    /// computes from the upstream gradient and the saved output.
    private func elementwise(
        forward: @escaping (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void,
        backwardFromOutput: @escaping (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
    ) -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        let px = storage.pointer, po = out.storage.pointer
        CPU.parallelFor(count) { r in forward(px + r.lowerBound, po + r.lowerBound, r.count) }
        guard let tape = GradientTape.recording(self) else { return out }
        let y = out
        return tape.recordUnary(out, self) { g in
            let gx = Tensor(uninitializedShape: g.shape)
            let pg = g.storage.pointer, py = y.storage.pointer, pgx = gx.storage.pointer
            CPU.parallelFor(g.count) { r in backwardFromOutput(pg + r.lowerBound, py + r.lowerBound, pgx + r.lowerBound, r.count) }
            return gx
        }
    }

    /// Logistic sigmoid 1 / (1 + e^-x); dy/dx = y (1 - y).
    public func sigmoid() -> Tensor {
        let out = mapped { x in x >= 0 ? 1 / (1 + expf(-x)) : expf(x) / (1 + expf(x)) }
        guard let tape = GradientTape.recording(self) else { return out }
        let y = out
        return tape.recordUnary(out, self) { g in g.zipped(with: y) { gi, yi in gi * yi * (1 - yi) } }
    }

    /// x for x > 0, alpha (e^x - 1) otherwise (Clevert et al. 2016).
    public func elu(alpha: Float = 1) -> Tensor {
        let out = mapped { $0 > 0 ? $0 : alpha * expm1f($0) }
        guard let tape = GradientTape.recording(self) else { return out }
        let y = out
        return tape.recordUnary(out, self) { g in g.zipped(with: y) { gi, yi in yi > 0 ? gi : gi * (yi + alpha) } }
    }

    /// log(1 + e^x), computed without overflow; dy/dx = sigmoid(x).
    public func softplus() -> Tensor {
        let out = mapped { x in Swift.max(x, 0) + log1pf(expf(-Swift.abs(x))) }
        guard let tape = GradientTape.recording(self) else { return out }
        let x = self.detached
        return tape.recordUnary(out, self) { g in
            g.zipped(with: x) { gi, xi in gi * (xi >= 0 ? 1 / (1 + expf(-xi)) : expf(xi) / (1 + expf(xi))) }
        }
    }
}

