import Environments
import Networks
import Randomness
import Tensors

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Generalized state-dependent exploration (gSDE, Raffin et al. 2022), as Stable-Baselines3's
/// `StateDependentNoiseDistribution` with `full_std` and without learned features: the
/// action is `a = μ(s) + z(s)ᵀ θ`, where `z(s)` is the policy network's last hidden layer
/// and `θ ~ N(0, σ²)` is an exploration matrix `[latent, d]` drawn once per rollout (and
/// every ``sampleFrequency`` steps when positive) instead of fresh noise every step. Its
/// density given `s` is `N(μ(s), z(s)² · σ² + 10⁻⁶)` per action dimension.
///
/// Smooth noise that stays put for several steps is what lets PPO drive MountainCarContinuous
/// up the hill, where independent per-step noise averages out (RL Zoo tunes it with gSDE).
/// Each environment copy in a batched call gets its own matrix, as SB3's batch of matrices.
public final class StateDependentNoisePolicy: Policy {
    public let actionSpace: Space
    /// The policy network's hidden layers: observations to `z(s)`.
    public let trunk: Sequential
    /// The last layer: `z(s)` to `μ(s)`.
    public let head: any Layer
    /// log σ, `[latent, d]`.
    public let logStd: LearnedLogStd
    public let encoder: ObservationEncoder
    /// Steps between redraws of θ; 0 or less: only when ``resampleNoise()`` asks (each rollout).
    public let sampleFrequency: Int
    private let shape: [Int]
    private let latent: Int
    private let dimension: Int
    private var trunkPlan: InferencePlan
    private var headPlan: InferencePlan
    private var input: [Float]
    private var matrices: [[Float]] = []
    private var stepsSinceDraw = 0
    private var needsDraw = true

    /// Throws when the space is not a float32 box or the shapes do not fit together.
    public init(trunk: Sequential, head: any Layer, logStd: LearnedLogStd, observationSpace: Space, actionSpace: Space,
                sampleFrequency: Int = -1) throws {
        guard case let .box(_, _, shape, .float32) = actionSpace else {
            throw PolicyError.invalidConfiguration(policy: "StateDependentNoisePolicy", reason:
                "needs a float32 Box action space, got \(actionSpace)")
        }
        let encoder = ObservationEncoder(space: observationSpace)
        let latentShape = trunk.outputShape(for: encoder.featureShape)
        let dimension = shape.reduce(1, *)
        guard latentShape.count == 1, head.outputShape(for: latentShape) == [dimension],
              logStd.logStd.shape == [latentShape[0], dimension] else {
            throw PolicyError.invalidConfiguration(policy: "StateDependentNoisePolicy", reason:
                "latent \(latentShape), head output \(head.outputShape(for: latentShape)) and log σ \(logStd.logStd.shape) "
                + "do not fit \(actionSpace)")
        }
        self.actionSpace = actionSpace
        self.trunk = trunk
        self.head = head
        self.logStd = logStd
        self.encoder = encoder
        self.sampleFrequency = sampleFrequency
        self.shape = shape
        latent = latentShape[0]
        self.dimension = dimension
        trunkPlan = InferencePlan(trunk, inputShape: encoder.featureShape, maxBatch: 1)
        headPlan = InferencePlan(head, inputShape: latentShape, maxBatch: 1)
        input = [Float](repeating: 0, count: encoder.featureCount)
    }

    /// Draws new exploration matrices before the next action (SB3's `reset_noise`, called
    /// at the start of every rollout).
    public func resampleNoise() { needsDraw = true }

    public func action(for timeStep: TimeStep, state: PolicyState?, using generator: inout RandomGenerator) throws -> PolicyStep {
        try actions(for: [timeStep], states: [state], using: &generator)[0]
    }

    public func actions(for timeSteps: [TimeStep], states: [PolicyState?],
                        using generator: inout RandomGenerator) throws -> [PolicyStep] {
        precondition(timeSteps.count == states.count,
                     "StateDependentNoisePolicy.actions: \(timeSteps.count) time steps but \(states.count) states")
        guard !timeSteps.isEmpty else { return [] }
        let count = timeSteps.count, width = encoder.featureCount
        if trunkPlan.maxBatch < count {
            trunkPlan = InferencePlan(trunk, inputShape: encoder.featureShape, maxBatch: count)
            headPlan = InferencePlan(head, inputShape: [latent], maxBatch: count)
            input = [Float](repeating: 0, count: count * width)
        }
        try input.withUnsafeMutableBufferPointer { buffer in
            for (i, timeStep) in timeSteps.enumerated() {
                try encoder.encode(timeStep.observation, into: buffer.baseAddress! + i * width)
            }
        }
        let logStds = logStd.logStd.detachedValue.scalars
        if needsDraw || matrices.count < count || (sampleFrequency > 0 && stepsSinceDraw >= sampleFrequency) {
            matrices = (0..<max(count, matrices.count)).map { _ in
                StateDependentNoise.drawMatrix(logStd: logStds, using: &generator)
            }
            needsDraw = false
            stepsSinceDraw = 0
        }
        stepsSinceDraw += 1
        let z = Array(input.withUnsafeBufferPointer { trunkPlan.run($0.baseAddress!, batch: count) })
        let means = z.withUnsafeBufferPointer { headPlan.run($0.baseAddress!, batch: count) }
        var steps: [PolicyStep] = []
        steps.reserveCapacity(count)
        for i in 0..<count {
            var action = [Float](repeating: 0, count: dimension)
            var logProbability = 0.0
            for j in 0..<dimension {
                let (noise, variance) = z.withUnsafeBufferPointer {
                    StateDependentNoise.component(j, features: $0.baseAddress! + i * latent, latent: latent, matrix: matrices[i],
                                                  logStd: logStds, dimension: dimension)
                }
                action[j] = means[i * dimension + j] + noise
                logProbability += StateDependentNoise.logDensity(perturbation: noise, variance: variance)
            }
            steps.append(PolicyStep(action: .float32(action, shape: shape), state: states[i],
                                    info: PolicyInfo(logProbability: logProbability)))
        }
        return steps
    }
}
