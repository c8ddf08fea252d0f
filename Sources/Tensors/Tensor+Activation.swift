import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Activation functions. Each gradient is written in terms of the saved output where that
// is cheaper than recomputing from the input.

/// The activations with a pair of C kernels: one computing it, one its gradient from the
/// saved output. ``Tensor/relu()`` and ``Tensor/tanh()`` apply them as their own tape entry,
/// ``linear(_:weight:bias:activation:)`` inside its own.
public enum LinearActivation: Sendable {
    /// max(x, 0).
    case relu
    /// Hyperbolic tangent (a vectorised kernel within a few ulps of libm's); dy/dx = 1 − y².
    case tanh

    /// Writes the activation of `count` values at `x` to `out` (which may be `x`), in chunks
    /// on several threads when there are many.
    func apply(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int) {
        CPU.parallelFor(count) { r in
            switch self {
            case .relu: srl_relu(x + r.lowerBound, out + r.lowerBound, r.count)
            case .tanh: srl_tanh(x + r.lowerBound, out + r.lowerBound, r.count)
            }
        }
    }

    /// The gradient before the activation, from `upstream` (the gradient after it) and
    /// `output`, the activation's saved result.
    func gradient(_ upstream: Tensor, output: Tensor) -> Tensor {
        let result = Tensor(uninitializedShape: upstream.shape)
        let pu = upstream.storage.pointer, py = output.storage.pointer, pr = result.storage.pointer
        CPU.parallelFor(result.count) { r in
            switch self {
            case .relu: srl_relu_backward(pu + r.lowerBound, py + r.lowerBound, pr + r.lowerBound, r.count)
            case .tanh: srl_tanh_backward(pu + r.lowerBound, py + r.lowerBound, pr + r.lowerBound, r.count)
            }
        }
        return result
    }
}

extension Tensor {
    /// max(x, 0).
    public func relu() -> Tensor { activated(.relu) }

    /// Hyperbolic tangent (a vectorised kernel within a few ulps of libm's); dy/dx = 1 - y².
    public func tanh() -> Tensor { activated(.tanh) }

    /// `activation` of every value, as a tape entry whose gradient is computed from the output.
    private func activated(_ activation: LinearActivation) -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        activation.apply(storage.pointer, into: out.storage.pointer, count: count)
        guard let tape = GradientTape.recording(self) else { return out }
        let y = out
        return tape.recordUnary(out, self) { g in activation.gradient(g, output: y) }
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

