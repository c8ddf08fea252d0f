import Networks
import Randomness
import Tensors

/// Inverted dropout (Srivastava et al. 2014): while training, each value is zeroed with
/// probability `rate` and the survivors are scaled by 1/(1 − rate), so evaluation needs no
/// rescaling and is the identity.
///
/// The mask comes from the layer's own seeded ``generator``, so a training run is
/// reproducible, and saving `generator` with a checkpoint makes it exactly resumable.
/// Acting (``infer(_:batch:inputShape:into:)``) always evaluates: it is the identity.
public final class Dropout: Layer {
    /// Probability of dropping a value, in [0, 1).
    public let rate: Float
    /// Whether masks are applied (training) or the layer passes values through (evaluation).
    public var isTraining = false
    /// The source of the masks.
    public var generator: RandomGenerator

    /// A dropout layer dropping a fraction `rate` of its inputs while training, with masks
    /// drawn from `generator`.
    public init(rate: Float, generator: RandomGenerator) {
        precondition(rate >= 0 && rate < 1, "Dropout: rate must be in [0, 1), got \(rate)")
        self.rate = rate
        self.generator = generator
    }

    /// The input times a fresh mask while training, the input itself otherwise;
    /// differentiable (the mask is a constant).
    public func callAsFunction(_ input: Tensor) -> Tensor {
        guard isTraining && rate > 0 else { return input }
        let keep = 1 - rate, scale = 1 / keep
        var mask = Tensor(uninitializedShape: input.shape)
        mask.withUnsafeMutableBufferPointer { m in
            for i in m.indices { m[i] = generator.uniformFloat() < keep ? scale : 0 }
        }
        return input * mask
    }

    /// The shape is unchanged.
    public func outputShape(for inputShape: [Int]) -> [Int] { inputShape }

    /// Evaluation mode on raw memory: a copy.
    public func infer(_ input: UnsafePointer<Float>, batch: Int, inputShape: [Int], into output: UnsafeMutablePointer<Float>) {
        if UnsafePointer(output) != input { output.update(from: input, count: batch * Tensor.count(of: inputShape)) }
    }
}
