import Environments
import Networks
import Randomness
import Tensors

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The learned log standard deviations of a Gaussian policy (Stable-Baselines3's `log_std`
/// parameter of PPO and A2C with `Box` actions): one per action dimension, state-independent,
/// or `[latent, d]` for gSDE (``StateDependentNoisePolicy``). A module, so checkpoints and
/// optimizers see it like any weight.
public final class LearnedLogStd: Module {
    public let logStd: Parameter

    /// Values of `shape`, all `initialValue` (SB3's `log_std_init`, 0 by default: σ = 1).
    public init(shape: [Int], initialValue: Float = 0) {
        precondition(!shape.isEmpty && shape.allSatisfy { $0 > 0 }, "LearnedLogStd: shape must be positive, got \(shape)")
        logStd = Parameter(Tensor(repeating: initialValue, shape: shape), name: "log_std")
    }

    /// One value per action dimension.
    public convenience init(dimension: Int, initialValue: Float = 0) {
        self.init(shape: [dimension], initialValue: initialValue)
    }

    public var ownParameters: [(name: String, parameter: Parameter)] { [("log_std", logStd)] }
}

/// A Gaussian policy over a `Box` action space: the network maps observations to the means
/// μ(s), and ``LearnedLogStd`` holds log σ, shared by all states (SB3's `DiagGaussianDistribution`).
///
/// Sampled actions are *not* clipped: the learner must see the action it computes
/// log-probabilities for, so the environment is expected to clip (``Environments/ClipAction``),
/// as SB3 clips before stepping. The greedy policy returns the mean clipped into the box, so
/// it can act in an unwrapped environment (evaluation, videos).
public final class GaussianNetworkPolicy: Policy {
    /// Whether the policy draws its actions or returns the mean.
    public typealias Mode = DiscreteNetworkPolicy.Mode

    /// The `Box` space the actions come from.
    public let actionSpace: Space
    /// Maps `[N] + encoder.featureShape` to the means `[N, d]`.
    public let network: any Layer
    public let logStd: LearnedLogStd
    public let encoder: ObservationEncoder
    public let mode: Mode
    private let low: [Float]
    private let high: [Float]
    private let shape: [Int]
    private let dimension: Int
    private var plan: InferencePlan
    private var input: [Float]

    /// A policy reading `network`'s outputs as the means of actions in `actionSpace`.
    /// Throws when the space is not a float32 box or the network's output is not `[d]`.
    public init(network: any Layer, logStd: LearnedLogStd, observationSpace: Space, actionSpace: Space, mode: Mode) throws {
        guard case let .box(low, high, shape, .float32) = actionSpace else {
            throw PolicyError.invalidConfiguration(policy: "GaussianNetworkPolicy", reason:
                "needs a float32 Box action space, got \(actionSpace)")
        }
        let encoder = ObservationEncoder(space: observationSpace)
        let dimension = shape.reduce(1, *)
        let outputShape = network.outputShape(for: encoder.featureShape)
        // The greedy policy reads only the means, so it also serves gSDE's `[latent, d]` log σ.
        guard outputShape == [dimension], mode == .greedy || logStd.logStd.shape == [dimension] else {
            throw PolicyError.invalidConfiguration(policy: "GaussianNetworkPolicy", reason:
                "the network maps \(encoder.featureShape) to \(outputShape) and log σ has shape \(logStd.logStd.shape), "
                + "but \(actionSpace) needs \([dimension]) for both")
        }
        self.actionSpace = actionSpace
        self.network = network
        self.logStd = logStd
        self.encoder = encoder
        self.mode = mode
        self.low = low
        self.high = high
        self.shape = shape
        self.dimension = dimension
        plan = InferencePlan(network, inputShape: encoder.featureShape, maxBatch: 1)
        input = [Float](repeating: 0, count: encoder.featureCount)
    }

    public func action(for timeStep: TimeStep, state: PolicyState?, using generator: inout RandomGenerator) throws -> PolicyStep {
        try actions(for: [timeStep], states: [state], using: &generator)[0]
    }

    /// One batched forward pass for the means, then one draw per row in order; the info
    /// carries `log π(a|s)` of the unclipped draw.
    public func actions(for timeSteps: [TimeStep], states: [PolicyState?],
                        using generator: inout RandomGenerator) throws -> [PolicyStep] {
        precondition(timeSteps.count == states.count,
                     "GaussianNetworkPolicy.actions: \(timeSteps.count) time steps but \(states.count) states")
        guard !timeSteps.isEmpty else { return [] }
        let count = timeSteps.count, width = encoder.featureCount
        if plan.maxBatch < count {
            plan = InferencePlan(network, inputShape: encoder.featureShape, maxBatch: count)
            input = [Float](repeating: 0, count: count * width)
        }
        try input.withUnsafeMutableBufferPointer { buffer in
            for (i, timeStep) in timeSteps.enumerated() {
                try encoder.encode(timeStep.observation, into: buffer.baseAddress! + i * width)
            }
        }
        let means = input.withUnsafeBufferPointer { plan.run($0.baseAddress!, batch: count) }
        let logStds = logStd.logStd.detachedValue.scalars
        var steps: [PolicyStep] = []
        steps.reserveCapacity(count)
        for i in 0..<count {
            var action = [Float](repeating: 0, count: dimension)
            var logProbability: Double?
            switch mode {
            case .sample:
                var sum = 0.0
                for j in 0..<dimension {
                    let noise = generator.normal()
                    action[j] = means[i * dimension + j] + exp(logStds[j]) * noise
                    sum += -0.5 * Double(noise) * Double(noise) - Double(logStds[j]) - 0.918_938_533_204_672_7
                }
                logProbability = sum
            case .greedy:
                for j in 0..<dimension { action[j] = min(max(means[i * dimension + j], low[j]), high[j]) }
            }
            steps.append(PolicyStep(action: .float32(action, shape: shape), state: states[i],
                                    info: PolicyInfo(logProbability: logProbability)))
        }
        return steps
    }
}
