import Randomness
import Tensors

/// A diagonal Gaussian pushed through tanh: `a = tanh(u)`, `u ~ N(μ, σ²)`, the bounded
/// policy of SAC (Haarnoja et al. 2018, Appendix C). Actions lie in (−1, 1); the agent
/// rescales them to the action space's bounds.
///
/// By the change of variables, `log π(a) = log N(u) − Σ log(1 − tanh²(u))`. The correction is
/// computed from u rather than from a, as SpinningUp's and SB3's SAC do, with the identity
///
///     log(1 − tanh²(u)) = 2 (log 2 − u − softplus(−2u)),
///
/// which stays finite when tanh(u) rounds to ±1 in Float32 (|u| ≳ 9), where the direct form
/// gives log 0. (SB3's squashed Gaussian instead computes log(1 − a² + ε) with ε = 1e-6,
/// which cannot fall below log ε ≈ −13.8, so it understates the density of saturated actions.)
///
/// There is no closed-form entropy; SAC estimates it with `−log π(a)` of a sample.
public struct SquashedGaussian {
    /// The Gaussian over pre-squash values u.
    public let base: DiagonalGaussian

    /// tanh(u) with u ~ N(mean, exp(logStd)²) per component.
    public init(mean: Tensor, logStd: Tensor) {
        base = DiagonalGaussian(mean: mean, logStd: logStd)
    }

    /// An action `tanh(μ + σ ε)`, not tracked by any tape.
    public func sample(using generator: inout RandomGenerator) -> Tensor {
        base.sample(using: &generator).tanh()
    }

    /// A reparameterised action and its log-probability, both differentiable with respect to
    /// the parameters: SAC's actor loss `α log π(a|s) − Q(s, a)` needs both from the same u.
    public func rsampleWithLogProbability(using generator: inout RandomGenerator) -> (action: Tensor, logProbability: Tensor) {
        let u = base.rsample(using: &generator)
        return (u.tanh(), logProbability(ofPreSquash: u))
    }

    /// `log π(tanh(u))` from the pre-squash value u, summed over the last axis.
    public func logProbability(ofPreSquash u: Tensor) -> Tensor {
        base.logProbability(of: u) - SquashedGaussian.logAbsDeterminant(u).sum(alongAxis: -1)
    }

    /// `log π(a)` of actions in (−1, 1), recovering u = atanh(a). Actions are first clamped to
    /// ±(1 − 1e-6) so that an action on the bound (from a replay buffer, say) gives a large
    /// finite value rather than infinity; prefer ``logProbability(ofPreSquash:)`` when u is known.
    public func logProbability(of action: Tensor) -> Tensor {
        let a = action.clamped(min: -1 + 1e-6, max: 1 - 1e-6)
        let u = 0.5 * ((1 + a).log() - (1 - a).log())
        return logProbability(ofPreSquash: u)
    }

    /// The most probable pre-squash value pushed through tanh: `tanh(μ)`, the deterministic
    /// action SAC evaluates with.
    public func mode() -> Tensor {
        base.mode().tanh()
    }

    /// `log |d tanh(u)/du| = log(1 − tanh²(u)) = 2 (log 2 − u − softplus(−2u))` per component.
    public static func logAbsDeterminant(_ u: Tensor) -> Tensor {
        2 * (logTwo - u - (-2 * u).softplus())
    }

    static let logTwo: Float = 0.693_147_180_559_945_3
}
