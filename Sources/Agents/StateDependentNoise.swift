import Randomness
import Tensors

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The arithmetic of generalized state-dependent exploration (gSDE, Raffin et al. 2022) that
/// PPO's and SAC's policies and losses share. With the last hidden features `z(s)` (width
/// L), log σ `[L, d]` and an exploration matrix `θ = σ ⊙ ε` (`[L, d]`, ε standard normal),
/// the pre-squash action is `μ(s) + z(s)ᵀ θ`, distributed as `N(μ(s), z(s)² · σ² + ε₀)`
/// per component, with SB3's ε₀ = 1e-6.
enum StateDependentNoise {
    /// SB3's `epsilon`, added to the variance.
    static let varianceEpsilon = 1e-6

    /// A new θ = σ ⊙ ε, `[L, d]` row-major like `logStd`, ε drawn from `generator` in order.
    static func drawMatrix(logStd: [Float], using generator: inout RandomGenerator) -> [Float] {
        logStd.map { exp($0) * generator.normal() }
    }

    /// Component `j` of one action: the perturbation `z · θ[:, j]` and its variance
    /// `z² · σ²[:, j] + ε₀`, for features `z` (`latent` values from `features`) and a θ and
    /// log σ of `dimension` columns.
    static func component(_ j: Int, features: UnsafePointer<Float>, latent: Int, matrix: [Float], logStd: [Float],
                          dimension: Int) -> (perturbation: Float, variance: Double) {
        var perturbation: Float = 0, variance = varianceEpsilon
        for k in 0..<latent {
            let feature = features[k]
            perturbation += feature * matrix[k * dimension + j]
            variance += Double(feature * feature) * exp(2 * Double(logStd[k * dimension + j]))
        }
        return (perturbation, variance)
    }

    /// log N(perturbation; 0, variance) of one component.
    static func logDensity(perturbation: Float, variance: Double) -> Double {
        -0.5 * Double(perturbation) * Double(perturbation) / variance - 0.5 * log(variance) - 0.918_938_533_204_672_7
    }

    /// The variances `z² · σ² + ε₀`, `[B, d]`, for features `[B, L]` and log σ `[L, d]`;
    /// differentiable in both (detach the features for SB3's `learn_features=False`).
    static func variance(features: Tensor, logStd: Tensor) -> Tensor {
        matmul(features.squared(), (2 * logStd).exp()) + Float(varianceEpsilon)
    }
}
