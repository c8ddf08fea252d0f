import CKernels
import Tensors
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Elementwise activation functions that layers apply after their affine map.
public enum Activation: String, Codable, Sendable, CaseIterable {
    case identity, relu, tanh, sigmoid, elu, softplus

    /// Applies the activation, differentiably.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .identity: return x
        case .relu: return x.relu()
        case .tanh: return x.tanh()
        case .sigmoid: return x.sigmoid()
        case .elu: return x.elu()
        case .softplus: return x.softplus()
        }
    }

    /// Applies the activation to raw memory in place (the acting path).
    public func apply(_ values: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .identity: return
        case .relu: for i in 0..<count where values[i] < 0 { values[i] = 0 }
        case .tanh: srl_tanh(values, values, count)
        case .sigmoid:
            for i in 0..<count {
                let x = values[i]
                values[i] = x >= 0 ? 1 / (1 + expf(-x)) : expf(x) / (1 + expf(x))
            }
        case .elu: for i in 0..<count where values[i] <= 0 { values[i] = expm1f(values[i]) }
        case .softplus: for i in 0..<count { let x = values[i]; values[i] = max(x, 0) + log1pf(expf(-abs(x))) }
        }
    }
}

extension Activation {
    /// Adds `bias` (when present) to each of `rows` rows of `columns` values and applies the
    /// activation, in place: the end of every layer's acting path. ReLU fuses with the bias
    /// add into one vectorised pass.
    func apply(_ values: UnsafeMutablePointer<Float>, rows: Int, columns: Int, bias: Parameter?) {
        guard let bias else {
            apply(values, count: rows * columns)
            return
        }
        bias.detachedValue.withUnsafeBufferPointer { b in
            srl_bias_act(values, b.baseAddress!, values, rows, columns, self == .relu ? 1 : 0)
        }
        if self != .relu { apply(values, count: rows * columns) }
    }
}

/// A layer that only applies an activation function.
public final class ActivationLayer: Layer {
    public let activation: Activation

    public init(_ activation: Activation) { self.activation = activation }

    public func callAsFunction(_ input: Tensor) -> Tensor { activation(input) }

    public func outputShape(for inputShape: [Int]) -> [Int] { inputShape }

    public func infer(_ input: UnsafePointer<Float>, batch: Int, inputShape: [Int], into output: UnsafeMutablePointer<Float>) {
        let count = batch * Tensor.count(of: inputShape)
        if UnsafePointer(output) != input { output.update(from: input, count: count) }
        activation.apply(output, count: count)
    }
}
