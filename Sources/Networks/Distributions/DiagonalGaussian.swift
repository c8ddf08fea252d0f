import Randomness
import Tensors

/// A batch of Gaussians with diagonal covariance: mean `[B, d]` and log standard deviation
/// either of the same shape (state-dependent, as SAC's actor outputs) or broadcasting to it
/// (a state-independent learned `[d]` vector, as SB3's PPO/A2C for continuous actions).
///
/// ``logProbability(of:)`` and ``entropy()`` sum over the last axis: one value per sample
/// for a `d`-dimensional action.
public struct DiagonalGaussian {
    /// The means μ.
    public let mean: Tensor
    /// The log standard deviations log σ.
    public let logStd: Tensor
    /// The shape of a sample: the broadcast of the two parameter shapes.
    public let shape: [Int]

    /// ½ log 2π.
    static let halfLogTwoPi: Float = 0.918_938_533_204_672_7

    /// Gaussians N(mean, exp(logStd)²) per component.
    public init(mean: Tensor, logStd: Tensor) {
        let shape = Tensor.broadcastShape(mean.shape, logStd.shape)
        precondition(shape.count >= 1, "DiagonalGaussian: parameters need at least one axis, got \(mean.shape) and \(logStd.shape)")
        self.mean = mean
        self.logStd = logStd
        self.shape = shape
    }

    /// The standard deviations σ = exp(log σ), differentiable.
    public var standardDeviation: Tensor { logStd.exp() }

    /// Standard normal noise of the sample shape.
    func noise(using generator: inout RandomGenerator) -> Tensor {
        var eps = Tensor(uninitializedShape: shape)
        eps.withUnsafeMutableBufferPointer { generator.fillNormal($0) }
        return eps
    }

    /// A sample `μ + σ ε` with ε ~ N(0, I), not tracked by any tape.
    public func sample(using generator: inout RandomGenerator) -> Tensor {
        let eps = noise(using: &generator)
        return withoutGradient { mean + standardDeviation * eps }
    }

    /// A reparameterised sample `μ + σ ε` (Kingma and Welling 2014): ε is drawn outside the
    /// graph, so gradients flow to the mean and log standard deviation through the sample.
    public func rsample(using generator: inout RandomGenerator) -> Tensor {
        mean + standardDeviation * noise(using: &generator)
    }

    /// `Σ log N(x; μ, σ)` over the last axis, `Σ −½((x − μ)/σ)² − log σ − ½ log 2π`.
    /// Differentiable with respect to the parameters and to `x`.
    public func logProbability(of x: Tensor) -> Tensor {
        precondition(Tensor.broadcastShape(x.shape, shape) == shape,
                     "DiagonalGaussian.logProbability: value of shape \(x.shape) for distributions of shape \(shape)")
        let z = (x - mean) * (-logStd).exp()
        let perComponent = -0.5 * z.squared() - logStd - DiagonalGaussian.halfLogTwoPi
        return broadcastToSampleShape(perComponent).sum(alongAxis: -1)
    }

    /// `Σ ½ + ½ log 2π + log σ` over the last axis: the differential entropy in nats.
    public func entropy() -> Tensor {
        broadcastToSampleShape(logStd + (0.5 + DiagonalGaussian.halfLogTwoPi)).sum(alongAxis: -1)
    }

    /// The most probable value, the mean (broadcast to the sample shape).
    public func mode() -> Tensor {
        broadcastToSampleShape(mean)
    }

    /// `KL(self ‖ other) = Σ log(σ₂/σ₁) + (σ₁² + (μ₁ − μ₂)²) / (2σ₂²) − ½` over the last axis.
    public func klDivergence(to other: DiagonalGaussian) -> Tensor {
        let varianceRatio = (2 * (logStd - other.logStd)).exp()
        let meanTerm = ((mean - other.mean) * (-other.logStd).exp()).squared()
        let perComponent = other.logStd - logStd + 0.5 * (varianceRatio + meanTerm) - 0.5
        return broadcastToSampleShape(perComponent).sum(alongAxis: -1)
    }

    private func broadcastToSampleShape(_ t: Tensor) -> Tensor {
        t.shape == shape ? t : t.broadcasted(to: shape)
    }
}
