import Randomness
import Tensors

/// A fully connected layer: `activation(x · W + b)` with W of shape [inputSize, outputSize]
/// (Keras' layout, so `x · W` needs no transpose on the acting path).
public final class Dense: Layer {
    public let weight: Parameter
    public let bias: Parameter?
    public let activation: Activation
    public var inputSize: Int { weight.shape[0] }
    public var outputSize: Int { weight.shape[1] }

    /// A dense layer with freshly initialised weights (Glorot uniform and zero bias by
    /// default, as in Keras).
    public init(inputSize: Int, outputSize: Int, activation: Activation = .identity, useBias: Bool = true,
                weightInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
                generator: inout RandomGenerator) {
        precondition(inputSize > 0 && outputSize > 0, "Dense: sizes must be positive, got \(inputSize) → \(outputSize)")
        weight = Parameter(weightInitializer.tensor(shape: [inputSize, outputSize], fanIn: inputSize,
                                                    fanOut: outputSize, generator: &generator))
        bias = useBias ? Parameter(biasInitializer.tensor(shape: [outputSize], fanIn: inputSize,
                                                          fanOut: outputSize, generator: &generator)) : nil
        self.activation = activation
    }

    public var ownParameters: [(name: String, parameter: Parameter)] {
        var result = [(name: "weight", parameter: weight)]
        if let bias { result.append((name: "bias", parameter: bias)) }
        return result
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        precondition(input.shape.last == inputSize, "Dense: input shape \(input.shape) does not end in \(inputSize)")
        switch activation {
        case .relu: return linear(input, weight: weight.value, bias: bias?.value, activation: .relu)
        case .tanh: return linear(input, weight: weight.value, bias: bias?.value, activation: .tanh)
        default: return activation(linear(input, weight: weight.value, bias: bias?.value))
        }
    }

    public func outputShape(for inputShape: [Int]) -> [Int] {
        precondition(inputShape.last == inputSize, "Dense: input shape \(inputShape) does not end in \(inputSize)")
        return Array(inputShape.dropLast()) + [outputSize]
    }

    public func infer(_ input: UnsafePointer<Float>, batch: Int, inputShape: [Int], into output: UnsafeMutablePointer<Float>) {
        let rows = batch * Tensor.count(of: inputShape) / inputSize
        let n = outputSize
        weight.detachedValue.withUnsafeBufferPointer { w in
            CPU.gemm(transposeA: false, transposeB: false, m: rows, n: n, k: inputSize,
                     a: input, lda: inputSize, b: w.baseAddress!, ldb: n, c: output, ldc: n)
        }
        activation.apply(output, rows: rows, columns: n, bias: bias)
    }
}
