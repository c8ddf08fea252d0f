import Randomness
import Tensors

/// A policy and a state-value function over the same observations, with either one
/// shared trunk (the A2C/A3C papers' Atari nets) or two separate trunks (Stable-Baselines3's
/// default for MLP policies, and the TF2 A2C tutorial).
public final class ActorCritic: Module {
    /// How the two heads see the observation.
    public enum Trunk {
        /// One feature extractor feeding both heads.
        case shared(any Layer)
        /// A feature extractor per head.
        case separate(policy: any Layer, value: any Layer)
    }

    public let trunk: Trunk
    /// Maps policy features to action logits (discrete) or action means (continuous).
    public let policyHead: Dense
    /// Maps value features to V(s).
    public let valueHead: Dense
    /// State-independent log standard deviations for Gaussian policies, or nil.
    public let logStd: Parameter?

    /// Builds heads on top of `trunk`. `featureSize` is the trunks' output width; with
    /// `gaussianActions`, a learned log-std vector (initialised to `initialLogStd`) joins
    /// the parameters. Output layers use orthogonal initialisation with gains 0.01 (policy)
    /// and 1 (value), as Stable-Baselines3 does.
    public init(trunk: Trunk, featureSize: Int, actionOutputs: Int, gaussianActions: Bool = false,
                initialLogStd: Float = 0, generator: inout RandomGenerator) {
        self.trunk = trunk
        policyHead = Dense(inputSize: featureSize, outputSize: actionOutputs,
                           weightInitializer: .orthogonal(gain: 0.01), generator: &generator)
        valueHead = Dense(inputSize: featureSize, outputSize: 1, weightInitializer: .orthogonal(gain: 1), generator: &generator)
        logStd = gaussianActions ? Parameter(Tensor(repeating: initialLogStd, shape: [actionOutputs])) : nil
    }

    public var ownParameters: [(name: String, parameter: Parameter)] {
        logStd.map { [(name: "log_std", parameter: $0)] } ?? []
    }

    public var children: [(name: String, module: any Module)] {
        var result: [(name: String, module: any Module)]
        switch trunk {
        case let .shared(t): result = [(name: "trunk", module: t)]
        case let .separate(p, v): result = [(name: "policy_trunk", module: p), (name: "value_trunk", module: v)]
        }
        result.append((name: "policy_head", module: policyHead))
        result.append((name: "value_head", module: valueHead))
        return result
    }

    /// Policy outputs [batch, actionOutputs] and values [batch].
    public func callAsFunction(_ observations: Tensor) -> (policy: Tensor, value: Tensor) {
        let policyFeatures: Tensor, valueFeatures: Tensor
        switch trunk {
        case let .shared(t):
            policyFeatures = t(observations)
            valueFeatures = policyFeatures
        case let .separate(p, v):
            policyFeatures = p(observations)
            valueFeatures = v(observations)
        }
        let values = valueHead(valueFeatures)
        return (policyHead(policyFeatures), values.reshaped(Array(values.shape.dropLast())))
    }
}
