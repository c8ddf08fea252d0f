import Networks
import Randomness
import Tensors

/// SAC's actor: an MLP from flattened observation features to the mean and log standard
/// deviation of a tanh-squashed Gaussian over actions in (−1, 1)^d (SB3's `Actor`).
///
/// SB3 has two output layers, `mu` and `log_std`, on the last hidden layer; here they are one
/// dense layer of 2d outputs (means first), the same function with the same initial
/// distribution, so acting needs one ``InferencePlan`` pass. The log standard deviation is
/// clamped to [``logStdMin``, ``logStdMax``] as SB3 does, which also stops its gradient there.
///
/// With generalised state-dependent exploration (gSDE, SB3's `use_sde=True`) the output layer
/// gives the d means only, clipped to ±``clipMean`` (SB3's `Hardtanh`), and the noise is
/// `z(s)ᵀ θ`: the last hidden features `z(s)` times an exploration matrix
/// `θ = σ ⊙ ε` (`[latent, d]`, with log σ learned in ``stateDependentLogStd``), so the
/// pre-squash action `u` has variance `z(s)² · σ²` per component. The features are learned
/// through the noise too (SB3's `learn_features=True` for SAC).
public final class SACActor: Module {
    /// SB3's `LOG_STD_MIN` and `LOG_STD_MAX`.
    public static let logStdMin: Float = -20
    public static let logStdMax: Float = 2

    /// Features `[featureCount]` to `[2 · actionDimension]`, or to `[actionDimension]` means with gSDE.
    public let body: Sequential
    /// The hidden layers of ``body``: features to `z(s)`, `[latentWidth]`.
    public let trunk: Sequential
    /// The width of the (flattened) observation features.
    public let featureCount: Int
    /// d, the number of action components.
    public let actionDimension: Int
    /// The width of the last hidden layer, `z(s)`.
    public let latentWidth: Int
    /// log σ of gSDE's exploration matrix, `[latentWidth, d]`; nil without gSDE.
    public let stateDependentLogStd: LearnedLogStd?
    /// gSDE's bound on the means (0: unbounded).
    public let clipMean: Float

    /// Hidden layers of `hiddenUnits` with `activation`, weights and biases drawn as PyTorch's
    /// `nn.Linear` draws them (SB3's SAC keeps PyTorch's initialisation). With
    /// `stateDependentExploration`, log σ starts at `logStdInit` and the means are clipped to
    /// ±`clipMean`.
    public init(featureCount: Int, hiddenUnits: [Int], activation: Activation, actionDimension: Int,
                stateDependentExploration: Bool = false, logStdInit: Float = -3, clipMean: Float = 2,
                generator: inout RandomGenerator) {
        precondition(!hiddenUnits.isEmpty, "SACActor: needs at least one hidden layer")
        body = makeMultilayerPerceptron(inputShape: [featureCount], hiddenUnits: hiddenUnits, activation: activation,
                                        outputCount: (stateDependentExploration ? 1 : 2) * actionDimension,
                                        hiddenInitializer: .torchDefault, outputInitializer: .torchDefault,
                                        biasInitializer: .torchDefault, generator: &generator)
        trunk = Sequential(Array(body.layers.dropLast()))
        self.featureCount = featureCount
        self.actionDimension = actionDimension
        latentWidth = hiddenUnits.last!
        stateDependentLogStd = stateDependentExploration
            ? LearnedLogStd(shape: [hiddenUnits.last!, actionDimension], initialValue: logStdInit) : nil
        self.clipMean = clipMean
    }

    public var children: [(name: String, module: any Module)] { [(name: "body", module: body)] }
    /// gSDE's log σ, under SB3's name.
    public var ownParameters: [(name: String, parameter: Parameter)] {
        stateDependentLogStd.map { [(name: "log_std", parameter: $0.logStd)] } ?? []
    }

    /// Whether the actor explores with gSDE.
    public var isStateDependent: Bool { stateDependentLogStd != nil }

    /// The action distribution for observations `[B, featureCount]`; differentiable with
    /// respect to the actor's parameters. Without gSDE only.
    public func distribution(_ observations: Tensor) -> SquashedGaussian {
        precondition(!isStateDependent, "SACActor.distribution: a gSDE actor samples with stateDependentSample(_:noise:)")
        let outputs = body(observations)
        let d = actionDimension
        return SquashedGaussian(mean: outputs.sliced(alongAxis: 1, range: 0..<d),
                                logStd: outputs.sliced(alongAxis: 1, range: d..<(2 * d))
                                    .clamped(min: Self.logStdMin, max: Self.logStdMax))
    }

    /// gSDE's reparameterised actions `tanh(u)` in (−1, 1) for observations `[B, featureCount]`
    /// and their log-probabilities, `[B, d]` and `[B]`, with the exploration matrix
    /// `θ = σ ⊙ noise` (`noise` standard normal, `[latentWidth, d]`, one matrix for the whole
    /// batch as SB3 draws it each gradient step). Both are differentiable with respect to the
    /// network and log σ:
    ///
    ///     u = clip(μ(s)) + z(s) θ,   log π = log N(u; clip(μ(s)), z(s)² σ² + ε) − Σ log(1 − tanh² u)
    public func stateDependentSample(_ observations: Tensor, noise: Tensor) -> (action: Tensor, logProbability: Tensor) {
        guard let logStd = stateDependentLogStd else {
            preconditionFailure("SACActor.stateDependentSample: this actor does not use gSDE")
        }
        precondition(noise.shape == [latentWidth, actionDimension],
                     "SACActor.stateDependentSample: noise must be [\(latentWidth), \(actionDimension)], got \(noise.shape)")
        let latent = trunk(observations)
        var mean = body.layers.last!(latent)
        if clipMean > 0 { mean = mean.clamped(min: -clipMean, max: clipMean) }
        let u = mean + matmul(latent, logStd.logStd.value.exp() * noise)
        let variance = StateDependentNoise.variance(features: latent, logStd: logStd.logStd.value)
        let distribution = SquashedGaussian(mean: mean, logStd: 0.5 * variance.log())
        return (u.tanh(), distribution.logProbability(ofPreSquash: u))
    }
}

/// SAC's critics: `nCritics` independent Q-networks, each an MLP from the concatenated
/// observation features and action (in (−1, 1)^d, as the actor outputs them) to one value
/// (SB3's `ContinuousCritic`, whose networks are named `qf0`, `qf1`, …).
public final class SACCritic: Module {
    /// One MLP per critic, `[inputWidth]` to `[1]`.
    public let qNetworks: [Sequential]
    /// Observation features plus action components: the width of each network's input.
    public let inputWidth: Int

    /// `count` networks with PyTorch's initialisation, drawn one after another from `generator`.
    public init(featureCount: Int, actionDimension: Int, hiddenUnits: [Int], activation: Activation, count: Int,
                generator: inout RandomGenerator) {
        inputWidth = featureCount + actionDimension
        qNetworks = (0..<count).map { _ in
            makeMultilayerPerceptron(inputShape: [featureCount + actionDimension], hiddenUnits: hiddenUnits,
                                     activation: activation, outputCount: 1, hiddenInitializer: .torchDefault,
                                     outputInitializer: .torchDefault, biasInitializer: .torchDefault, generator: &generator)
        }
    }

    public var children: [(name: String, module: any Module)] {
        qNetworks.enumerated().map { (name: "qf\($0.offset)", module: $0.element as any Module) }
    }

    /// Each network's Q(s, a), `[B]`, for inputs `[B, inputWidth]` (features, then action);
    /// differentiable with respect to the critics' parameters and the input.
    public func qValues(_ input: Tensor) -> [Tensor] {
        let b = input.shape[0]
        return qNetworks.map { $0(input).reshaped([b]) }
    }

    /// As ``qValues(_:)``, with the weights read as constants: differentiable with respect to
    /// the input only. The actor's loss goes through the critics this way, so a backward pass
    /// computes no weight gradients that the actor's optimizer would throw away.
    public func qValuesWithFrozenWeights(_ input: Tensor) -> [Tensor] {
        let b = input.shape[0]
        return qNetworks.map { network in
            network.layers.reduce(input) { x, layer in
                guard let dense = layer as? Dense else { return layer(x) }
                return dense.activation(linear(x, weight: dense.weight.detachedValue, bias: dense.bias?.detachedValue))
            }.reshaped([b])
        }
    }
}
