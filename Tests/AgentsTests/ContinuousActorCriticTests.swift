import Agents
import Environments
import Networks
import Randomness
import Tensors
import XCTest

/// Gaussian policies for `Box` actions, VecNormalize-style observation and reward
/// normalisation, and PPO/A2C on continuous control.
final class ContinuousActorCriticTests: XCTestCase {
    /// RL Zoo's Pendulum PPO with the plain Gaussian policy instead of gSDE.
    private func pendulumPPO(seed: UInt64 = 0) -> PPOConfig {
        var config = PPOConfig.rlZooPendulum
        config.useSde = false
        config.sdeSampleFreq = -1
        config.seed = seed
        return config
    }

    /// The log-probability a sampling policy reports is the Gaussian density of the
    /// (unclipped) action it returns; the greedy policy returns the mean clipped into the box.
    func testGaussianPolicyReportsTheDensityOfItsDraw() throws {
        var generator = RandomGenerator(seed: 4)
        let network = makeMultilayerPerceptron(inputShape: [3], hiddenUnits: [8], activation: .tanh, outputCount: 1,
                                               generator: &generator)
        let logStd = LearnedLogStd(dimension: 1, initialValue: 0.7)
        let space = Space.box(low: -2, high: 2, shape: [1])
        let sampling = try GaussianNetworkPolicy(network: network, logStd: logStd, observationSpace: .box(low: -9, high: 9, shape: [3]),
                                                 actionSpace: space, mode: .sample)
        let greedy = try GaussianNetworkPolicy(network: network, logStd: logStd, observationSpace: .box(low: -9, high: 9, shape: [3]),
                                               actionSpace: space, mode: .greedy)
        let observation = Observation.float32([0.3, -8, 5], shape: [3])
        let mean = network(Tensor(shape: [1, 3], scalars: [0.3, -8, 5])).scalars[0]
        var sawOutside = false
        for _ in 0..<200 {
            let step = try sampling.action(for: TimeStep(stepType: .mid, reward: 0, discount: 1, observation: observation),
                                           state: nil, using: &generator)
            guard case let .float32(a, _) = step.action else { return XCTFail("not a float action") }
            let expected = DiagonalGaussian(mean: Tensor([mean]), logStd: Tensor([0.7])).logProbability(of: Tensor(a)).scalar
            XCTAssertEqual(step.info.logProbability ?? .nan, Double(expected), accuracy: 1e-4)
            sawOutside = sawOutside || abs(a[0]) > 2
        }
        XCTAssertTrue(sawOutside, "σ = e^0.7 ≈ 2 draws outside [-2, 2]; the sampling policy must not clip them")
        let greedyAction = try greedy.action(for: observation, using: &generator)
        XCTAssertEqual(greedyAction, Action.float32([min(max(mean, -2), 2)], shape: [1]))
        XCTAssertThrowsError(try GaussianNetworkPolicy(network: network, logStd: logStd, observationSpace: .discrete(3),
                                                       actionSpace: .discrete(2), mode: .sample))
    }

    /// The layer standardises with the batch-combined statistics and clips to ±10; the
    /// acting path (`infer`) agrees with the tensor path.
    func testObservationNormalizationMatchesRunningStatistics() {
        let layer = ObservationNormalization(featureCount: 2)
        let batch: [Float] = [1, 10, 3, 30, 5, 20]
        batch.withUnsafeBufferPointer { layer.update(with: $0, count: 3) }
        var expected = RunningMeanStd(count: 2)
        expected.update(batchMean: [3, 20], batchVariance: [8.0 / 3, 200.0 / 3], batchCount: 3)
        XCTAssertEqual(layer.statistics, expected)
        let x = Tensor(shape: [2, 2], scalars: [4, 20, 1000, -5])
        let y = layer(x).scalars
        for (i, value) in x.scalars.enumerated() {
            let j = i % 2
            let z = (Double(value) - expected.mean[j]) / (expected.variance[j] + 1e-8).squareRoot()
            XCTAssertEqual(Double(y[i]), min(max(z, -10), 10), accuracy: 1e-5)
        }
        var inferred = [Float](repeating: 0, count: 4)
        x.scalars.withUnsafeBufferPointer { input in
            inferred.withUnsafeMutableBufferPointer { layer.infer(input.baseAddress!, batch: 2, inputShape: [2], into: $0.baseAddress!) }
        }
        XCTAssertEqual(inferred, y)
    }

    /// Stable-Baselines3's VecNormalize on two copies, γ 0.5 (values computed with its
    /// algorithm in NumPy): running returns reset when an episode ends, the statistics take
    /// each step's returns as one batch, and rewards are divided by the running deviation.
    func testRewardNormalizationFollowsVecNormalize() {
        var normalization = RewardNormalization(gamma: 0.5, environmentCount: 2)
        var rewards: [Float] = [0.5, -1, 0.25, 0.75, 1, 0]
        normalization.normalize(rewards: &rewards, terminated: [false, true, false, false, false, false],
                                truncated: [false, false, false, false, true, false])
        let expected = [0.6666518472533614, -1.3333036945067227, 0.36066264560518174, 1.0819879368155452, 1.4572064792649835, 0]
        for (a, b) in zip(rewards, expected) { XCTAssertEqual(Double(a), b, accuracy: 1e-5) }
        XCTAssertEqual(normalization.statistics.variance[0], 0.47093157, accuracy: 1e-7)
        XCTAssertEqual(normalization.returns, [0, 0.375])
    }

    /// PPO with a Gaussian policy learns Pendulum's swing-up well above the random policy's
    /// ≈ −1,200 within 40k steps (a fast check; the benchmark runs the full budget).
    func testPPOLearnsPendulum() throws {
        let agent = try PPOAgent.make(config: pendulumPPO()) { try make("Pendulum-v1") }
        while agent.environmentSteps < 40_000 { _ = try agent.trainIteration() }
        let evaluation = try make("Pendulum-v1")
        var generator = RandomGenerator(seed: 9)
        var total = 0.0
        for episode in 0..<5 {
            var (observation, _) = try evaluation.reset(seed: UInt64(100 + episode), options: [:])
            while true {
                let step = try evaluation.step(try agent.policy.action(for: observation, using: &generator))
                total += step.reward
                observation = step.observation
                if step.terminated || step.truncated { break }
            }
        }
        XCTAssertGreaterThan(total / 5, -600, "PPO on Pendulum-v1 after 40k steps")
    }

    /// With normalisation on, a checkpoint restores log σ and both normalisations, and an
    /// agent without them refuses it.
    func testCheckpointCarriesLogStdAndNormalization() throws {
        var config = pendulumPPO(seed: 2)
        config.nSteps = 64
        config.stepsPerIteration = 256
        config.normalizeObservation = true
        config.normalizeReward = true
        let a = try PPOAgent.make(config: config) { try make("Pendulum-v1") }
        _ = try a.trainIteration()
        let b = try PPOAgent.make(config: config) { try make("Pendulum-v1") }
        try b.restore(from: try a.checkpoint())
        XCTAssertEqual(b.core.logStd?.logStd.detachedValue.scalars, a.core.logStd?.logStd.detachedValue.scalars)
        XCTAssertNotEqual(a.core.logStd?.logStd.detachedValue.scalars, [0], "log σ trains")
        XCTAssertEqual(b.core.observationNormalization?.statistics, a.core.observationNormalization?.statistics)
        XCTAssertEqual(b.core.rewardNormalization, a.core.rewardNormalization)
        XCTAssertGreaterThan(a.core.observationNormalization?.statistics.count ?? 0, 256)
        var greedy = RandomGenerator(seed: 1), other = RandomGenerator(seed: 1)
        let observation = Observation.float32([0.6, 0.8, -1.5], shape: [3])
        XCTAssertEqual(try a.policy.action(for: observation, using: &greedy), try b.policy.action(for: observation, using: &other))
        var plain = config
        plain.normalizeObservation = false
        plain.normalizeReward = false
        let c = try PPOAgent.make(config: plain) { try make("Pendulum-v1") }
        XCTAssertThrowsError(try c.restore(from: try a.checkpoint()))
        var bad = config
        bad.logStdInit = .infinity
        XCTAssertThrowsError(try PPOAgent.make(config: bad) { try make("Pendulum-v1") }) { error in
            XCTAssertTrue("\(error)".contains("logStdInit"), "\(error)")
        }
    }

    /// A2C acts in Box spaces too (SB3's A2C with a Gaussian policy): it trains without
    /// error and moves log σ.
    func testA2CTrainsWithGaussianPolicy() throws {
        var config = A2CConfig()
        config.nEnvs = 2
        config.stepsPerIteration = 200
        let agent = try A2CAgent.make(config: config) { try make("MountainCarContinuous-v0") }
        _ = try agent.trainIteration()
        XCTAssertEqual(agent.environmentSteps, 200)
        XCTAssertNotEqual(agent.core.logStd?.logStd.detachedValue.scalars, [0])
    }

    /// What the collect policy reports while acting is what the learner recomputes from the
    /// rollout, for categorical, Gaussian and gSDE policies (with normalised observations):
    /// otherwise PPO's first ratio would not be 1.
    func testActingAndLearningAgreeOnLogProbabilities() throws {
        for (env, useSde) in [("CartPole-v1", false), ("Pendulum-v1", false), ("Pendulum-v1", true)] {
            var config = pendulumPPO(seed: 5)
            config.nSteps = 32
            config.useSde = useSde
            config.normalizeObservation = true
            let agent = try PPOAgent.make(config: config) { try make(env) }
            try agent.update()
            let observations = try agent.core.collect(gamma: 0.9, lambda: 0.95)
            let recorded = agent.core.rolloutBuffer.logProbabilities
            let recomputed = withoutGradient {
                agent.core.logProbabilitiesAndEntropies(observations: observations, actions: agent.core.actions(rows: nil))
            }.logProbabilities.scalars
            XCTAssertEqual(recorded.count, 128)
            for (a, b) in zip(recorded, recomputed) { XCTAssertEqual(a, b, accuracy: 2e-3, "\(env) gSDE \(useSde)") }
        }
    }

    /// gSDE keeps its exploration matrix for `sampleFrequency` steps (or until asked to
    /// redraw), so the same state gets the same action meanwhile.
    func testStateDependentNoiseIsRedrawnOnSchedule() throws {
        var generator = RandomGenerator(seed: 8)
        let network = makeMultilayerPerceptron(inputShape: [3], hiddenUnits: [16], activation: .tanh, outputCount: 1,
                                               generator: &generator)
        let logStd = LearnedLogStd(shape: [16, 1], initialValue: 0)
        func policy(_ frequency: Int) throws -> StateDependentNoisePolicy {
            try StateDependentNoisePolicy(trunk: Sequential(Array(network.layers.dropLast())), head: network.layers.last!,
                                          logStd: logStd, observationSpace: .box(low: -9, high: 9, shape: [3]),
                                          actionSpace: .box(low: -2, high: 2, shape: [1]), sampleFrequency: frequency)
        }
        let observation = Observation.float32([0.5, -0.2, 1], shape: [3])
        let perRollout = try policy(-1)
        let first = try perRollout.action(for: observation, using: &generator)
        XCTAssertEqual(try perRollout.action(for: observation, using: &generator), first)
        perRollout.resampleNoise()
        XCTAssertNotEqual(try perRollout.action(for: observation, using: &generator), first)
        let everyTwo = try policy(2)
        let a = try everyTwo.action(for: observation, using: &generator)
        XCTAssertEqual(try everyTwo.action(for: observation, using: &generator), a)
        XCTAssertNotEqual(try everyTwo.action(for: observation, using: &generator), a)
        XCTAssertThrowsError(try StateDependentNoisePolicy(trunk: Sequential(Array(network.layers.dropLast())), head: network.layers.last!,
                                                           logStd: LearnedLogStd(dimension: 1), observationSpace: .box(low: -9, high: 9, shape: [3]),
                                                           actionSpace: .box(low: -2, high: 2, shape: [1])))
    }

    /// The per-step variant with a shared convolutional trunk: one update per step, the
    /// trunk's parameters counted once, and `evaluate` (one trunk pass) agreeing with the
    /// two networks run separately.
    func testPerStepA2CWithSharedConvolutionalTrunk() throws {
        var config = A2CConfig.perStep
        config.convLayerParams = [.init(filters: 8, kernelSize: 3, stride: 1)]
        config.policyLayers = [32]
        config.stepsPerIteration = 50
        let agent = try A2CAgent.make(config: config) { try make("MinAtar/Breakout-v1") }
        let trunkWeights = agent.core.sharedTrunk!.parameters
        XCTAssertEqual(agent.core.parameters.count, trunkWeights.count + 4, "trunk once, two heads of weight and bias")
        let before = trunkWeights.map(\.detachedValue.scalars)
        _ = try agent.trainIteration()
        XCTAssertEqual(agent.updates, 50)
        XCTAssertNotEqual(trunkWeights.map(\.detachedValue.scalars), before, "both heads' losses train the trunk")
        let observations = try agent.core.collect(gamma: 0.99, lambda: 1)
        let joint = withoutGradient { agent.core.evaluate(observations: observations, actions: agent.core.actions(rows: nil)) }
        let separate = withoutGradient { agent.core.valueNetwork(observations) }
        XCTAssertEqual(joint.values.scalars, separate.scalars)
        XCTAssertThrowsError(try A2CAgent.make(config: config) { try make("CartPole-v1") }) { error in
            XCTAssertTrue("\(error)".contains("convLayerParams"), "\(error)")
        }
    }
}
