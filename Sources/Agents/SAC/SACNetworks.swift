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
public final class SACActor: Module {
    /// SB3's `LOG_STD_MIN` and `LOG_STD_MAX`.
    public static let logStdMin: Float = -20
    public static let logStdMax: Float = 2

    /// Features `[featureCount]` to `[2 · actionDimension]`.
    public let body: Sequential
    /// The width of the (flattened) observation features.
    public let featureCount: Int
    /// d, the number of action components.
    public let actionDimension: Int

    /// Hidden layers of `hiddenUnits` with `activation`, weights and biases drawn as PyTorch's
    /// `nn.Linear` draws them (SB3's SAC keeps PyTorch's initialisation).
    public init(featureCount: Int, hiddenUnits: [Int], activation: Activation, actionDimension: Int,
                generator: inout RandomGenerator) {
        body = makeMultilayerPerceptron(inputShape: [featureCount], hiddenUnits: hiddenUnits, activation: activation,
                                        outputCount: 2 * actionDimension, hiddenInitializer: .torchDefault,
                                        outputInitializer: .torchDefault, biasInitializer: .torchDefault,
                                        generator: &generator)
        self.featureCount = featureCount
        self.actionDimension = actionDimension
    }

    public var children: [(name: String, module: any Module)] { [(name: "body", module: body)] }

    /// The action distribution for observations `[B, featureCount]`; differentiable with
    /// respect to the actor's parameters.
    public func distribution(_ observations: Tensor) -> SquashedGaussian {
        let outputs = body(observations)
        let d = actionDimension
        return SquashedGaussian(mean: outputs.sliced(alongAxis: 1, range: 0..<d),
                                logStd: outputs.sliced(alongAxis: 1, range: d..<(2 * d))
                                    .clamped(min: Self.logStdMin, max: Self.logStdMax))
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
