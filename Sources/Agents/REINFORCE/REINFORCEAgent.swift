import Environments
import Networks
import Randomness
import Tensors

/// REINFORCE (Williams 1992), the Monte-Carlo policy gradient, as *Hands-On Machine
/// Learning* trains it on CartPole (Géron, 2nd ed., ch. 18), generalised to any `Discrete`
/// action space, any observation the ``ObservationEncoder`` handles, any policy network, and
/// an optional learned baseline and entropy bonus.
///
/// One iteration plays ``REINFORCEConfig/episodesPerIteration`` whole episodes with the
/// sampling policy through the shared ``Driver``, then takes one Adam step on
///
///     L(θ) = −(1/N) Σ_t A_t log π_θ(a_t | s_t) − entCoef · (1/N) Σ_t H(π_θ(·|s_t))
///
/// over all N steps of the batch, where A_t is the discounted return G_t (minus V(s_t) with
/// a baseline), normalised across the batch when ``REINFORCEConfig/normalizeReturns`` is set.
/// (With ``REINFORCEConfig/optimizer`` `rmsprop` the step is RMSprop's, as in Karpathy's
/// "Pong from Pixels"; RMSprop divides out the gradient's scale, so his sum over the batch
/// and this mean take the same steps up to ε.)
///
/// The book records one gradient per step while playing (a tape per step) and averages the
/// return-weighted gradients after the batch. Every step's gradient is taken at the same
/// parameters, so that average equals the gradient of L above, which this agent computes in
/// one batched forward and backward pass after collection: the same update, without a tape
/// per step. Acting runs the network through an allocation-free ``InferencePlan``.
public final class REINFORCEAgent: Agent {
    public static let algorithmName = "reinforce"

    /// The hyperparameters the agent was built with.
    public let config: REINFORCEConfig
    /// The environment the driver steps (wrapped in a ``TimeLimit`` of
    /// ``REINFORCEConfig/maxEpisodeSteps`` when that is set).
    public let environment: any Environment
    /// Maps encoded observations `[N, featureShape…]` to the head's outputs.
    public let policyNetwork: any Layer
    /// Maps encoded observations to `[N, 1]` state values, with a baseline.
    public let valueNetwork: (any Layer)?
    /// The configured optimizer over the policy network's parameters.
    public let optimizer: any Optimizer
    /// The configured optimizer over the value network's parameters, with a baseline.
    public let valueOptimizer: (any Optimizer)?
    /// The head actually used (``REINFORCEConfig/PolicyHead/automatic`` resolved).
    public let distribution: DiscreteActionDistribution
    /// Draws actions: collects the training episodes.
    public let samplingPolicy: DiscreteNetworkPolicy
    /// Takes the most probable action: for evaluation.
    public let greedyPolicy: DiscreteNetworkPolicy
    /// The step loop that plays the training episodes.
    public let driver: Driver
    private let batch: EpisodeBatch

    public var policy: any Policy { greedyPolicy }
    public var collectPolicy: any Policy { samplingPolicy }
    public var environmentSteps: Int { driver.totalSteps }
    public private(set) var iterations = 0

    /// An agent with the configured networks (``REINFORCEConfig/convLayerParams``, then
    /// ``REINFORCEConfig/hiddenUnits``, ``REINFORCEConfig/activation``), initialised from
    /// ``REINFORCEConfig/seed``. Throws ``REINFORCEError`` for a configuration out of range, an
    /// environment whose action space is not `Discrete`, or convolutions its observations
    /// cannot take.
    public static func make(config: REINFORCEConfig, environment: any Environment) throws -> REINFORCEAgent {
        try config.validate()
        let actionCount = try discreteActionCount(of: environment)
        let head = try resolvedHead(config.policyHead, actionCount: actionCount)
        let featureShape = ObservationEncoder(space: environment.observationSpace).featureShape
        var generator = RandomGenerator(seed: config.seed)
        let policyNetwork = try makeNetwork(config: config, inputShape: featureShape,
                                            outputCount: head.outputCount(actionCount: actionCount), generator: &generator)
        let valueNetwork = config.useBaseline
            ? try makeNetwork(config: config, inputShape: featureShape, outputCount: 1, generator: &generator)
            : nil
        return try REINFORCEAgent(config: config, environment: environment, policyNetwork: policyNetwork,
                                  valueNetwork: valueNetwork)
    }

    /// The convolutions (if any), the hidden layers and a linear output of `outputCount`,
    /// with Keras' initialisation, as the book's and the Pong tutorials' networks.
    private static func makeNetwork(config: REINFORCEConfig, inputShape: [Int], outputCount: Int,
                                    generator: inout RandomGenerator) throws -> Sequential {
        guard !config.convLayerParams.isEmpty else {
            return makeMultilayerPerceptron(inputShape: inputShape, hiddenUnits: config.hiddenUnits,
                                            activation: config.activation, outputCount: outputCount, generator: &generator)
        }
        let (features, shape): ([any Layer], [Int])
        do {
            (features, shape) = try QNetworkConfig.ConvLayer.featureLayers(
                config.convLayerParams, inputShape: inputShape, inputLayout: config.inputLayout, activation: config.activation,
                weightInitializer: .glorotUniform, biasInitializer: .zeros, generator: &generator)
        } catch {
            throw REINFORCEError.unsupportedEnvironment(error.reason)
        }
        let head = makeMultilayerPerceptron(inputShape: shape, hiddenUnits: config.hiddenUnits, activation: config.activation,
                                            outputCount: outputCount, generator: &generator)
        return Sequential(features + head.layers)
    }

    /// The optimizer ``REINFORCEConfig/optimizer`` names, over `parameters`.
    private static func makeOptimizer(_ config: REINFORCEConfig, parameters: [Parameter], learningRate: Double) -> any Optimizer {
        switch config.optimizer {
        case .adam:
            // Keras' Adam, which the book uses, has ε = 1e-7.
            return Adam(parameters: parameters, learningRate: .constant(Float(learningRate)), epsilon: 1e-7)
        case .rmsprop:
            return RMSprop(parameters: parameters, learningRate: .constant(Float(learningRate)), rho: Float(config.rmspropRho),
                           epsilon: Float(config.rmspropEpsilon))
        }
    }

    /// An agent with networks of your own (a CNN for image observations, say). The policy
    /// network maps `[N] + featureShape` (see ``ObservationEncoder``) to the head's outputs;
    /// the value network, required exactly when ``REINFORCEConfig/useBaseline`` is set, to
    /// `[N, 1]`. The configuration's `convLayerParams`, `inputLayout`, `hiddenUnits` and
    /// `activation` are then unused.
    public init(config: REINFORCEConfig, environment: any Environment, policyNetwork: any Layer,
                valueNetwork: (any Layer)? = nil) throws {
        try config.validate()
        let actionCount = try Self.discreteActionCount(of: environment)
        distribution = try Self.resolvedHead(config.policyHead, actionCount: actionCount)
        if config.useBaseline != (valueNetwork != nil) {
            throw REINFORCEError.invalidConfiguration(config.useBaseline
                ? "useBaseline is set but no value network was given"
                : "a value network was given but useBaseline is false")
        }
        let environment: any Environment = config.maxEpisodeSteps.map { TimeLimit(environment, maxEpisodeSteps: $0) } ?? environment
        let encoder = ObservationEncoder(space: environment.observationSpace)
        if let valueNetwork {
            let shape = valueNetwork.outputShape(for: encoder.featureShape)
            guard shape == [1] else {
                throw REINFORCEError.invalidConfiguration(
                    "the value network maps inputs of shape \(encoder.featureShape) to \(shape); it must give [1]")
            }
        }
        do {
            samplingPolicy = try DiscreteNetworkPolicy(network: policyNetwork, observationSpace: environment.observationSpace,
                                                       actionSpace: environment.actionSpace, distribution: distribution, mode: .sample)
            greedyPolicy = try DiscreteNetworkPolicy(network: policyNetwork, observationSpace: environment.observationSpace,
                                                     actionSpace: environment.actionSpace, distribution: distribution, mode: .greedy)
        } catch let error as PolicyError {
            throw REINFORCEError.invalidConfiguration("\(error)")
        }
        self.config = config
        self.environment = environment
        self.policyNetwork = policyNetwork
        self.valueNetwork = valueNetwork
        optimizer = Self.makeOptimizer(config, parameters: policyNetwork.parameters, learningRate: config.learningRate)
        valueOptimizer = valueNetwork.map {
            Self.makeOptimizer(config, parameters: $0.parameters, learningRate: config.valueLearningRate)
        }
        batch = EpisodeBatch(observationSpace: environment.observationSpace, actionSpace: environment.actionSpace)
        driver = Driver(environment: environment, policy: samplingPolicy, observers: [batch], seed: config.seed)
    }

    private static func discreteActionCount(of environment: any Environment) throws -> Int {
        guard case let .discrete(n, _) = environment.actionSpace else {
            throw REINFORCEError.unsupportedEnvironment(
                "\(environment.id) has actions in \(environment.actionSpace); this REINFORCE samples categorical or "
                + "Bernoulli actions and needs a Discrete action space (wrap a Box space in DiscretizeAction)")
        }
        return n
    }

    private static func resolvedHead(_ head: REINFORCEConfig.PolicyHead, actionCount: Int) throws -> DiscreteActionDistribution {
        switch head {
        case .automatic: return actionCount == 2 ? .bernoulli : .categorical
        case .categorical: return .categorical
        case .bernoulli:
            guard actionCount == 2 else {
                throw REINFORCEError.invalidConfiguration(
                    "policyHead 'bernoulli' needs two actions but the environment has \(actionCount); use 'categorical'")
            }
            return .bernoulli
        }
    }

    // MARK: Training

    /// Plays one batch of episodes and takes one update step.
    public func trainIteration() throws -> IterationReport {
        batch.removeAll()
        try driver.run(episodes: config.episodesPerIteration)
        let scalars = update()
        iterations += 1
        let episodes = zip(batch.episodeReturns, batch.episodeLengths).map { EpisodeSummary(episodeReturn: $0, length: $1) }
        return IterationReport(episodes: episodes, scalars: scalars)
    }

    /// The most observation features one forward and backward pass of the update takes. A
    /// batch of image episodes is far larger (ten Pong games are about 10,000 frames of 6,400
    /// floats, and convolutions copy each frame's patches several times over), so it is split
    /// into passes over consecutive steps whose gradients are summed, each weighted by its
    /// share of the steps: the same mean-loss gradient, up to rounding, in bounded memory.
    /// Vector observations (CartPole's ten 200-step episodes hold 8,000 floats) take one pass.
    /// Memory, not a hyperparameter: it is not part of the configuration or checkpoints.
    public var featuresPerPass = 1 << 21

    /// One gradient step on the collected batch; returns the losses.
    private func update() -> [String: Double] {
        let n = batch.stepCount
        let width = batch.encoder.featureCount, featureShape = batch.encoder.featureShape
        let rowsPerPass = max(1, n * width <= featuresPerPass ? n : featuresPerPass / width)
        let passes = stride(from: 0, to: n, by: rowsPerPass).map { $0..<min($0 + rowsPerPass, n) }
        let features = batch.features
        func observations(_ rows: Range<Int>) -> Tensor {
            rows.count == n ? Tensor(shape: [n] + featureShape, scalars: features)
                : Tensor(shape: [rows.count] + featureShape, scalars: Array(features[(rows.lowerBound * width)..<(rows.upperBound * width)]))
        }
        let returns = batch.episodeRewards.flatMap {
            Self.discountedReturns($0, gamma: config.gamma, resetOnReward: config.resetReturnsOnReward)
        }
        let values = valueNetwork.map { network in
            passes.flatMap { rows in withoutGradient { network(observations(rows)) }.scalars }
        }
        let weights = Self.policyGradientWeights(returns: returns, values: values, normalize: config.normalizeReturns)
        let actions = batch.actions
        var policyLoss: Float = 0, entropy: Float = 0
        let gradients = Self.meanGradients(wrt: optimizer.parameters, passes: passes, rows: n, observations: observations) { rows, x, share in
            let losses = Self.policyGradientLoss(outputs: policyNetwork(x), actions: Array(actions[rows]),
                                                 weights: Tensor(Array(weights[rows])), distribution: distribution,
                                                 entCoef: Float(config.entCoef))
            policyLoss += share * losses.policyLoss.detached.scalar
            entropy += share * losses.entropy.detached.scalar
            return losses.total
        }
        optimizer.step(gradients)
        var scalars = ["losses/policy_loss": Double(policyLoss), "losses/entropy": Double(entropy)]
        if let valueNetwork, let valueOptimizer {
            // V is fitted to the raw discounted returns (Sutton and Barto's REINFORCE with
            // baseline, §13.4), whatever normalisation the policy's weights get.
            let targets = returns.map(Float.init)
            var valueLoss: Float = 0
            let valueGradients = Self.meanGradients(wrt: valueOptimizer.parameters, passes: passes, rows: n,
                                                    observations: observations) { rows, x, share in
                let loss = meanSquaredError(valueNetwork(x), Tensor(shape: [rows.count, 1], scalars: Array(targets[rows])))
                valueLoss += share * loss.detached.scalar
                return loss
            }
            valueOptimizer.step(valueGradients)
            scalars["losses/value_loss"] = Double(valueLoss)
        }
        return scalars
    }

    /// The gradient of a loss that is a mean over `rows` rows, from `passes` of them: each
    /// pass's mean-loss gradient weighted by its `share` of the rows (exactly the one pass's
    /// gradient when there is one).
    private static func meanGradients(wrt parameters: [Parameter], passes: [Range<Int>], rows: Int,
                                      observations: (Range<Int>) -> Tensor,
                                      loss: (Range<Int>, Tensor, Float) -> Tensor) -> [Tensor] {
        var sum: [Tensor] = []
        for range in passes {
            let share = Float(range.count) / Float(rows)
            let x = observations(range)
            let (_, gradients) = valueWithGradient(wrt: parameters) { loss(range, x, share) }
            if passes.count == 1 { return gradients }
            let weighted = gradients.map { $0 * share }
            sum = sum.isEmpty ? weighted : zip(sum, weighted).map { $0 + $1 }
        }
        return sum
    }

    // MARK: The update's pieces, public so they can be checked by hand

    /// The terms of the REINFORCE loss on one batch.
    public struct Losses {
        /// `−(1/N) Σ_t w_t log π(a_t|s_t)`.
        public var policyLoss: Tensor
        /// `(1/N) Σ_t H(π(·|s_t))`.
        public var entropy: Tensor
        /// `policyLoss − entCoef · entropy`: what is minimised.
        public var total: Tensor
    }

    /// The loss whose gradient is the policy-gradient estimate `(1/N) Σ_t w_t ∇ log π(a_t|s_t)`
    /// (negated), plus the entropy bonus; differentiable with respect to `outputs`, the policy
    /// network's `[N, k]` outputs. With the Bernoulli head, `−log π` is the book's binary
    /// cross-entropy against the target `y = 1 − action`, so this is its
    /// `mean(final_reward · grads)` in one expression.
    public static func policyGradientLoss(outputs: Tensor, actions: [Int], weights: Tensor,
                                          distribution: DiscreteActionDistribution, entCoef: Float = 0) -> Losses {
        precondition(weights.count == actions.count, "policyGradientLoss: \(weights.count) weights for \(actions.count) actions")
        let logProbabilities = distribution.logProbabilities(outputs: outputs, actions: actions)
        let policyLoss = -(weights.reshaped([actions.count]) * logProbabilities).mean()
        let entropy = distribution.entropies(outputs: outputs).mean()
        let total = entCoef == 0 ? policyLoss : policyLoss - entCoef * entropy
        return Losses(policyLoss: policyLoss, entropy: entropy, total: total)
    }

    /// `G_t = r_t + γ G_{t+1}` for one episode, accumulated in Double; with `resetOnReward`,
    /// `G_t = r_t` wherever `r_t ≠ 0` (``REINFORCEConfig/resetReturnsOnReward``).
    public static func discountedReturns(_ rewards: [Float], gamma: Double, resetOnReward: Bool = false) -> [Double] {
        var returns = [Double](repeating: 0, count: rewards.count)
        var running = 0.0
        for t in rewards.indices.reversed() {
            if resetOnReward && rewards[t] != 0 { running = 0 }
            running = Double(rewards[t]) + gamma * running
            returns[t] = running
        }
        return returns
    }

    /// The weight of every step of the batch, episodes one after another: the discounted
    /// return, minus `values` (V(s_t) per step) when given, then standardised with the mean
    /// and population standard deviation of the whole batch when `normalize` is set (the book's
    /// `discount_and_normalize_rewards`). When every weight is equal the standard deviation is
    /// 0 and the book's code would give NaN; here the weights become 0 (no update).
    public static func policyGradientWeights(episodeRewards: [[Float]], values: [Float]? = nil, gamma: Double,
                                             normalize: Bool) -> [Float] {
        policyGradientWeights(returns: episodeRewards.flatMap { discountedReturns($0, gamma: gamma) }, values: values,
                              normalize: normalize)
    }

    /// ``policyGradientWeights(episodeRewards:values:gamma:normalize:)`` from the discounted
    /// returns of every step.
    public static func policyGradientWeights(returns: [Double], values: [Float]?, normalize: Bool) -> [Float] {
        var weights = returns
        if let values {
            precondition(values.count == weights.count, "policyGradientWeights: \(values.count) values for \(weights.count) steps")
            for i in weights.indices { weights[i] -= Double(values[i]) }
        }
        if normalize, !weights.isEmpty {
            let mean = weights.reduce(0, +) / Double(weights.count)
            let variance = weights.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(weights.count)
            let std = variance.squareRoot()
            for i in weights.indices { weights[i] = std > 0 ? (weights[i] - mean) / std : 0 }
        }
        return weights.map(Float.init)
    }

    // MARK: Checkpoints

    private struct Counters: Codable {
        var iterations: Int
    }

    /// The networks' weights, the optimizers' moments and step counts, the driver's
    /// generator and counters, and the configuration.
    public func checkpoint() throws -> AgentCheckpoint {
        var checkpoint = AgentCheckpoint()
        for (name, parameter) in policyNetwork.namedParameters {
            checkpoint.tensors.append((name: "policy/" + name, tensor: parameter.detachedValue.copy()))
        }
        checkpoint.append(optimizer, prefix: "policy_optimizer/")
        if let valueNetwork, let valueOptimizer {
            for (name, parameter) in valueNetwork.namedParameters {
                checkpoint.tensors.append((name: "value/" + name, tensor: parameter.detachedValue.copy()))
            }
            checkpoint.append(valueOptimizer, prefix: "value_optimizer/")
        }
        try checkpoint.encode(config, forKey: "config")
        try checkpoint.encode(driver.snapshot, forKey: "driver")
        try checkpoint.encode(Counters(iterations: iterations), forKey: "counters")
        return checkpoint
    }

    /// Restores a ``checkpoint()`` of an agent with the same configuration; nothing changes
    /// unless every entry is present and fits.
    public func restore(from checkpoint: AgentCheckpoint) throws {
        let saved = try checkpoint.decode(REINFORCEConfig.self, forKey: "config")
        guard saved == config else {
            throw AgentCheckpointError.mismatch("it was written with configuration \(saved), this agent has \(config)")
        }
        let snapshot = try checkpoint.decode(Driver.Snapshot.self, forKey: "driver")
        let counters = try checkpoint.decode(Counters.self, forKey: "counters")
        // Everything is read and checked before anything changes.
        let policyValues = try Self.values(for: policyNetwork, prefix: "policy/", in: checkpoint)
        let policyState = checkpoint.tensors(withPrefix: "policy_optimizer/")
        var valueValues: [Tensor] = [], valueState: [(name: String, tensor: Tensor)] = []
        if let valueNetwork {
            valueValues = try Self.values(for: valueNetwork, prefix: "value/", in: checkpoint)
            valueState = checkpoint.tensors(withPrefix: "value_optimizer/")
        }
        do {
            // Throwaway optimizers check both states first, so a bad value state cannot leave
            // the policy optimizer already changed.
            try Self.makeOptimizer(config, parameters: optimizer.parameters, learningRate: config.learningRate).loadState(policyState)
            if let valueOptimizer {
                try Self.makeOptimizer(config, parameters: valueOptimizer.parameters, learningRate: config.valueLearningRate)
                    .loadState(valueState)
            }
            try optimizer.loadState(policyState)
            try valueOptimizer?.loadState(valueState)
        } catch {
            throw AgentCheckpointError.malformed(key: "policy_optimizer/ or value_optimizer/", reason: "\(error)")
        }
        Self.assign(policyValues, to: policyNetwork)
        if let valueNetwork { Self.assign(valueValues, to: valueNetwork) }
        try driver.restore(snapshot)
        iterations = counters.iterations
        batch.removeAll()
    }

    private static func values(for network: any Module, prefix: String, in checkpoint: AgentCheckpoint) throws -> [Tensor] {
        try network.namedParameters.map { name, parameter in
            let tensor = try checkpoint.tensor(named: prefix + name)
            guard tensor.shape == parameter.shape else {
                throw AgentCheckpointError.mismatch("'\(prefix + name)' has shape \(tensor.shape) but the network's has \(parameter.shape)")
            }
            return tensor
        }
    }

    private static func assign(_ values: [Tensor], to network: any Module) {
        for (parameter, value) in zip(network.parameters, values) where value.count > 0 {
            value.withUnsafeBufferPointer { source in
                parameter.update { $0.baseAddress!.update(from: source.baseAddress!, count: source.count) }
            }
        }
    }
}
