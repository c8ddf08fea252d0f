import Environments
import Networks
import Randomness
import Tensors

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns observations into the float features a network reads, the way Stable-Baselines3's
/// `preprocess_obs` does: a `Discrete(n)` observation becomes a one-hot vector of n, a
/// `MultiDiscrete` one the concatenation of one one-hot vector per component, a `uint8` box
/// with bounds 0 and 255 (an image) its bytes divided by 255, any other box its values as
/// floats, in the observation's own shape (so a convolutional network sees
/// `[height, width, channels]`). Boolean grids such as MinAtar's (bounds 0 and 1) are not
/// rescaled, as SB3's `is_image_space` would not call them images.
public struct ObservationEncoder: Sendable, Equatable {
    /// The space the observations come from.
    public let space: Space
    /// The shape of one encoded observation (no batch axis).
    public let featureShape: [Int]
    /// The factor bytes are multiplied by: 1/255 for images, 1 otherwise.
    public let byteScale: Float
    /// The number of floats in one encoded observation.
    public var featureCount: Int { Tensor.count(of: featureShape) }

    /// An encoder for observations of `space`. Every space the environments use is supported.
    public init(space: Space) {
        self.space = space
        var scale: Float = 1
        switch space {
        case let .discrete(n, _): featureShape = [n]
        case let .multiDiscrete(nvec): featureShape = [nvec.reduce(0, +)]
        case let .box(low, high, shape, scalarType):
            featureShape = shape
            if scalarType == .uint8 && low.allSatisfy({ $0 == 0 }) && high.allSatisfy({ $0 == 255 }) { scale = 1 / 255 }
        }
        byteScale = scale
    }

    /// Writes the features of `observation` to `destination`, which has room for
    /// ``featureCount`` floats. Throws when the observation does not belong to the space.
    public func encode(_ observation: Observation, into destination: UnsafeMutablePointer<Float>) throws {
        switch (space, observation) {
        case let (.discrete(n, start), .discrete(value)):
            guard (start..<(start + n)).contains(value) else { throw mismatch(observation) }
            destination.update(repeating: 0, count: n)
            destination[value - start] = 1
        case let (.multiDiscrete(nvec), .multiDiscrete(values)):
            guard values.count == nvec.count else { throw mismatch(observation) }
            destination.update(repeating: 0, count: featureCount)
            var offset = 0
            for (value, n) in zip(values, nvec) {
                guard (0..<n).contains(value) else { throw mismatch(observation) }
                destination[offset + value] = 1
                offset += n
            }
        case let (.box(_, _, _, .float32), .float32(values, _)):
            guard values.count == featureCount else { throw mismatch(observation) }
            values.withUnsafeBufferPointer { destination.update(from: $0.baseAddress!, count: $0.count) }
        case let (.box(_, _, _, .uint8), .uint8(values, _)):
            guard values.count == featureCount else { throw mismatch(observation) }
            // SB3 divides image bytes by 255 (`normalize_images`), keeping inputs near unit scale.
            for i in values.indices { destination[i] = Float(values[i]) * byteScale }
        default:
            throw mismatch(observation)
        }
    }

    /// The features of `observation` as an array.
    public func encode(_ observation: Observation) throws -> [Float] {
        var features = [Float](repeating: 0, count: featureCount)
        try features.withUnsafeMutableBufferPointer { try encode(observation, into: $0.baseAddress!) }
        return features
    }

    private func mismatch(_ observation: Observation) -> PolicyError {
        .unexpectedObservation(policy: "ObservationEncoder", reason:
            "\(observation.description.prefix(80)) (shape \(observation.shape)) is not an element of \(space)")
    }
}

/// How a network's outputs define a distribution over the actions of a `Discrete(n)` space.
public enum DiscreteActionDistribution: String, Codable, Sendable, CaseIterable {
    /// n logits and a softmax over them (the general policy-gradient head).
    case categorical
    /// One logit, the log-odds of action 0, for two actions: *Hands-On Machine Learning*'s
    /// CartPole policy, whose single sigmoid output is P(left) (ch. 18). The probability of
    /// action 1 is one minus it.
    case bernoulli

    /// The number of network outputs the head reads for `actionCount` actions.
    public func outputCount(actionCount: Int) -> Int {
        self == .bernoulli ? 1 : actionCount
    }

    /// `log π(a|s)` of `actions` (one per row) under the distributions that `outputs` give,
    /// `[N, outputCount]`; differentiable with respect to `outputs`. For the Bernoulli head
    /// it is `−BCE(1 − a, sigmoid(x))`, the textbook's loss with target `y = 1 − action`.
    public func logProbabilities(outputs: Tensor, actions: [Int]) -> Tensor {
        precondition(outputs.rank == 2 && outputs.shape[0] == actions.count,
                     "logProbabilities: outputs of shape \(outputs.shape) for \(actions.count) actions")
        switch self {
        case .categorical:
            return Categorical(logits: outputs).logProbability(of: IndexTensor(shape: [actions.count], scalars: actions))
        case .bernoulli:
            precondition(outputs.shape[1] == 1, "logProbabilities: the Bernoulli head reads one output, got \(outputs.shape[1])")
            let isActionZero = Tensor(shape: [actions.count, 1], scalars: actions.map { $0 == 0 ? 1 : 0 })
            return Bernoulli(logits: outputs).logProbability(of: isActionZero)
        }
    }

    /// The entropy of each row's distribution, `[N]`; differentiable.
    public func entropies(outputs: Tensor) -> Tensor {
        switch self {
        case .categorical: return Categorical(logits: outputs).entropy()
        case .bernoulli: return Bernoulli(logits: outputs).entropy()
        }
    }
}

/// A stochastic or greedy policy over a `Discrete(n)` action space whose probabilities come
/// from a neural network: softmax over n logits (``DiscreteActionDistribution/categorical``)
/// or a sigmoid of one logit (``DiscreteActionDistribution/bernoulli``).
///
/// Acting runs the network through an ``InferencePlan`` on preallocated memory, so a step
/// allocates no tensors and records nothing on a tape; the plan reads the network's current
/// weights, so the policy follows the network as it trains.
public final class DiscreteNetworkPolicy: Policy {
    /// Whether the policy draws its actions or takes the most probable one.
    public enum Mode: String, Codable, Sendable {
        /// Draws from the distribution (the collect policy of policy-gradient methods).
        case sample
        /// Takes the most probable action, the first on ties (the evaluation policy).
        case greedy
    }

    /// The `Discrete` space the actions come from.
    public let actionSpace: Space
    /// Maps `[N] + encoder.featureShape` to the head's outputs.
    public let network: any Layer
    /// Turns observations into the network's input.
    public let encoder: ObservationEncoder
    /// How the outputs become action probabilities.
    public let distribution: DiscreteActionDistribution
    /// Drawing or arg-max.
    public let mode: Mode
    /// The number of actions.
    public let actionCount: Int
    private let actionStart: Int
    private let plan: InferencePlan
    private let input: UnsafeMutablePointer<Float>
    private var batchPlan: InferencePlan?
    private var batchInput: [Float] = []

    /// A policy reading `network`'s outputs for observations of `observationSpace`.
    /// Throws when the action space is not discrete, or when the network's output shape is
    /// not what `distribution` needs for it.
    public init(network: any Layer, observationSpace: Space, actionSpace: Space,
                distribution: DiscreteActionDistribution = .categorical, mode: Mode = .sample) throws {
        guard case let .discrete(n, start) = actionSpace else {
            throw PolicyError.invalidConfiguration(policy: "DiscreteNetworkPolicy", reason:
                "needs a Discrete action space, got \(actionSpace)")
        }
        if distribution == .bernoulli && n != 2 {
            throw PolicyError.invalidConfiguration(policy: "DiscreteNetworkPolicy", reason:
                "the Bernoulli head chooses between two actions but the space is \(actionSpace); use the categorical head")
        }
        let encoder = ObservationEncoder(space: observationSpace)
        let outputShape = network.outputShape(for: encoder.featureShape)
        let expected = [distribution.outputCount(actionCount: n)]
        guard outputShape == expected else {
            throw PolicyError.invalidConfiguration(policy: "DiscreteNetworkPolicy", reason:
                "the network maps inputs of shape \(encoder.featureShape) to \(outputShape), but the \(distribution) head "
                + "for \(actionSpace) needs \(expected)")
        }
        self.actionSpace = actionSpace
        self.network = network
        self.encoder = encoder
        self.distribution = distribution
        self.mode = mode
        actionCount = n
        actionStart = start
        plan = InferencePlan(network, inputShape: encoder.featureShape, maxBatch: 1)
        input = .allocate(capacity: max(encoder.featureCount, 1))
    }

    deinit { input.deallocate() }

    /// One forward pass on the plan's memory, then one draw (or the arg-max); the info
    /// carries `log π(a|s)`.
    public func action(for timeStep: TimeStep, state: PolicyState?, using generator: inout RandomGenerator) throws -> PolicyStep {
        try encoder.encode(timeStep.observation, into: input)
        let outputs = plan.run(UnsafePointer(input), batch: 1)
        let (action, logProbability) = choose(outputs, using: &generator)
        return PolicyStep(action: .discrete(actionStart + action), state: state,
                          info: PolicyInfo(logProbability: logProbability))
    }

    /// One batched forward pass for all time steps, then one draw per row in order.
    public func actions(for timeSteps: [TimeStep], states: [PolicyState?],
                        using generator: inout RandomGenerator) throws -> [PolicyStep] {
        precondition(timeSteps.count == states.count,
                     "DiscreteNetworkPolicy.actions: \(timeSteps.count) time steps but \(states.count) states")
        guard !timeSteps.isEmpty else { return [] }
        let count = timeSteps.count, width = encoder.featureCount
        if batchPlan.map({ $0.maxBatch < count }) ?? true {
            batchPlan = InferencePlan(network, inputShape: encoder.featureShape, maxBatch: count)
            batchInput = [Float](repeating: 0, count: count * width)
        }
        try batchInput.withUnsafeMutableBufferPointer { buffer in
            for (i, timeStep) in timeSteps.enumerated() {
                try encoder.encode(timeStep.observation, into: buffer.baseAddress! + i * width)
            }
        }
        let outputs = batchInput.withUnsafeBufferPointer { batchPlan!.run($0.baseAddress!, batch: count) }
        let per = outputs.count / count
        var steps: [PolicyStep] = []
        steps.reserveCapacity(count)
        for i in 0..<count {
            let row = UnsafeBufferPointer(rebasing: outputs[(i * per)..<((i + 1) * per)])
            let (action, logProbability) = choose(row, using: &generator)
            steps.append(PolicyStep(action: .discrete(actionStart + action), state: states[i],
                                    info: PolicyInfo(logProbability: logProbability)))
        }
        return steps
    }

    /// The action probabilities for `observation` (index i for the space's i-th action).
    public func probabilities(for observation: Observation) throws -> [Double] {
        try encoder.encode(observation, into: input)
        let outputs = plan.run(UnsafePointer(input), batch: 1)
        switch distribution {
        case .categorical: return logSoftmax(outputs.map(Double.init)).map { exp($0) }
        case .bernoulli:
            let left = Self.sigmoid(Double(outputs[0]))
            return [left, 1 - left]
        }
    }

    /// The action index and its log-probability from one sample's outputs.
    private func choose(_ outputs: UnsafeBufferPointer<Float>, using generator: inout RandomGenerator) -> (Int, Double) {
        switch distribution {
        case .bernoulli:
            let x = Double(outputs[0])
            let action: Int
            switch mode {
            // The textbook's `tf.random.uniform([1, 1]) > left_proba`: action 1 (right)
            // when the draw exceeds P(action 0), so action 0 has probability P(action 0).
            case .sample: action = Double(generator.uniformFloat()) > Self.sigmoid(x) ? 1 : 0
            case .greedy: action = x >= 0 ? 0 : 1
            }
            // log σ(x) = −softplus(−x), log(1 − σ(x)) = −softplus(x): finite for any x.
            return (action, -Self.softplus(action == 0 ? -x : x))
        case .categorical:
            var peak = -Double.infinity
            for v in outputs { peak = max(peak, Double(v)) }
            var sum = 0.0
            for v in outputs { sum += exp(Double(v) - peak) }
            let logSum = peak + log(sum)
            let action: Int
            switch mode {
            case .sample: action = generator.categorical(logits: outputs)
            case .greedy: action = InferencePlan.argmax(outputs)
            }
            return (action, Double(outputs[action]) - logSum)
        }
    }

    private static func sigmoid(_ x: Double) -> Double {
        x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
    }

    private static func softplus(_ x: Double) -> Double {
        max(x, 0) + log1p(exp(-abs(x)))
    }
}

/// A multilayer perceptron `input → hidden… → outputs`: Dense layers with `activation`
/// after each hidden layer and none after the last, weights drawn from `hiddenInitializer`
/// and `outputInitializer` (Keras' Glorot uniform by default; SB3's on-policy networks use
/// orthogonal ones, its off-policy ones PyTorch's default) and biases from `biasInitializer`
/// (zeros, as Keras and SB3's orthogonal initialisation leave them; PyTorch's default draws
/// them too); a ``Flatten`` first when the input has more than one axis.
public func makeMultilayerPerceptron(inputShape: [Int], hiddenUnits: [Int], activation: Activation, outputCount: Int,
                                     hiddenInitializer: Initializer = .glorotUniform,
                                     outputInitializer: Initializer = .glorotUniform,
                                     biasInitializer: Initializer = .zeros,
                                     generator: inout RandomGenerator) -> Sequential {
    precondition(hiddenUnits.allSatisfy { $0 > 0 } && outputCount > 0,
                 "makeMultilayerPerceptron: widths must be positive, got \(hiddenUnits) and \(outputCount) outputs")
    var layers: [any Layer] = inputShape.count > 1 ? [Flatten()] : []
    var width = Tensor.count(of: inputShape)
    for units in hiddenUnits {
        layers.append(Dense(inputSize: width, outputSize: units, activation: activation, weightInitializer: hiddenInitializer,
                            biasInitializer: biasInitializer, generator: &generator))
        width = units
    }
    layers.append(Dense(inputSize: width, outputSize: outputCount, weightInitializer: outputInitializer,
                        biasInitializer: biasInitializer, generator: &generator))
    return Sequential(layers)
}
