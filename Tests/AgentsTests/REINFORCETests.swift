import Agents
import Environments
import Foundation
import Networks
import Randomness
import Tensors
import XCTest

final class REINFORCETests: XCTestCase {
    /// A linear Bernoulli policy on two steps, against the derivative worked out by hand:
    /// with z = x·W + b, ∂(−log π(a|x))/∂z = σ(z) − y where y = 1 − a (the book's target),
    /// so ∂L/∂z_t = w_t (σ(z_t) − y_t) / N.
    func testBernoulliLossAndGradientMatchHandComputedValues() throws {
        var generator = RandomGenerator(seed: 0)
        let layer = Dense(inputSize: 2, outputSize: 1, generator: &generator)
        layer.weight.value = Tensor(shape: [2, 1], scalars: [0.5, -1])
        layer.bias!.value = Tensor([0.1])
        let x = Tensor([[1, 0], [0, 2]])          // logits z = 0.6 and −1.9
        let actions = [0, 1]
        let weights = Tensor([1.5, -0.5])
        var entropy: Float = 0
        let (loss, gradients) = valueWithGradient(wrt: layer.parameters) {
            let losses = REINFORCEAgent.policyGradientLoss(outputs: layer(x), actions: actions, weights: weights,
                                                      distribution: .bernoulli)
            entropy = losses.entropy.detached.scalar
            return losses.total
        }
        // L = −½ (1.5 log σ(0.6) − 0.5 log(1 − σ(−1.9))).
        XCTAssertEqual(loss.scalar, 0.293269273, accuracy: 1e-6)
        // ∂L/∂z = [½·1.5·(σ(0.6) − 1), ½·(−0.5)·σ(−1.9)] = [−0.265757770, −0.032527119].
        XCTAssertEqual(gradients[0].scalars[0], -0.265757770, accuracy: 1e-6)
        XCTAssertEqual(gradients[0].scalars[1], -0.065054237, accuracy: 1e-6)
        XCTAssertEqual(gradients[1].scalars[0], -0.298284889, accuracy: 1e-6)
        // Mean Bernoulli entropy of σ(0.6) and σ(−1.9).
        XCTAssertEqual(entropy, 0.518343513, accuracy: 1e-6)
    }

    /// The book's form: one tape per step on the binary cross-entropy of the sigmoid output
    /// against y = 1 − action, the gradients weighted by the normalised returns and averaged
    /// over all steps. The batched loss must give the same gradient.
    func testBatchedGradientEqualsTextbookPerStepAverage() throws {
        var generator = RandomGenerator(seed: 3)
        let network = makeMultilayerPerceptron(inputShape: [4], hiddenUnits: [5], activation: .elu, outputCount: 1,
                                               generator: &generator)
        let steps = 7
        let observations = (0..<steps).map { _ in (0..<4).map { _ in generator.normal() } }
        let actions = (0..<steps).map { _ in generator.int(below: 2) }
        let weights = REINFORCEAgent.policyGradientWeights(episodeRewards: [[1, 1, 1], [1, 1, 1, 1]], gamma: 0.95, normalize: true)

        var average = network.parameters.map { Tensor.zeros($0.shape) }
        for t in 0..<steps {
            let (_, g) = valueWithGradient(wrt: network.parameters) {
                let leftProbability = network(Tensor(shape: [1, 4], scalars: observations[t])).sigmoid()
                let target = Tensor(shape: [1, 1], scalars: [1 - Float(actions[t])])
                return binaryCrossEntropy(probabilities: leftProbability, targets: target)
            }
            for i in average.indices { average[i] = average[i] + weights[t] * g[i] / Float(steps) }
        }
        let (_, batched) = valueWithGradient(wrt: network.parameters) {
            REINFORCEAgent.policyGradientLoss(outputs: network(Tensor(shape: [steps, 4], scalars: observations.flatMap { $0 })),
                                         actions: actions, weights: Tensor(weights), distribution: .bernoulli).total
        }
        for (a, b) in zip(average, batched) {
            XCTAssertTrue(a.isApproximatelyEqual(to: b, tolerance: 1e-5), "\(a) vs \(b)")
        }
    }

    func testWeightsAreTheTextbookNormalisedReturns() {
        // discount_and_normalize_rewards([[10, 0, -50], [10, 20]], 0.8) from the book.
        let weights = REINFORCEAgent.policyGradientWeights(episodeRewards: [[10, 0, -50], [10, 20]], gamma: 0.8, normalize: true)
        let expected: [Float] = [-0.28435071, -0.86597718, -1.18910299, 1.26665318, 1.0727777]
        for (w, e) in zip(weights, expected) { XCTAssertEqual(w, e, accuracy: 1e-6) }
        // With a baseline the values are subtracted before normalising; without normalising
        // the weights are the raw advantages.
        XCTAssertEqual(REINFORCEAgent.policyGradientWeights(episodeRewards: [[1, 1]], values: [0.5, 2], gamma: 0.5, normalize: false),
                       [1, -1])
        // Equal weights cannot be standardised: they become 0 rather than NaN.
        XCTAssertEqual(REINFORCEAgent.policyGradientWeights(episodeRewards: [[1], [1]], gamma: 0.9, normalize: true), [0, 0])
    }

    /// The whole textbook run (150 iterations, a quarter of a second here): the book's
    /// policy goes from about 20 steps to close to the 200-step cap.
    func testTextbookRunOnCartPoleImproves() throws {
        let agent = try REINFORCEAgent.make(config: REINFORCEConfig(seed: 3), environment: try make("CartPole-v1"))
        XCTAssertEqual(agent.distribution, .bernoulli)
        var means: [Double] = []
        for _ in 0..<150 {
            let report = try agent.trainIteration()
            XCTAssertEqual(report.episodes.count, 10)
            XCTAssertTrue(report.episodes.allSatisfy { $0.length <= 200 })
            means.append(report.episodes.map(\.episodeReturn).reduce(0, +) / 10)
        }
        let first = means.prefix(10).reduce(0, +) / 10, last = means.suffix(10).reduce(0, +) / 10
        XCTAssertLessThan(first, 40, "the untrained 4-5-1 policy balances the pole only briefly")
        XCTAssertGreaterThan(last, 120, "mean return of the first and last 10 iterations: \(first) → \(last)")
        XCTAssertEqual(agent.iterations, 150)
        XCTAssertEqual(agent.environmentSteps, Int(means.reduce(0, +) * 10))
    }

    /// Checkpoint after two iterations, continue; a fresh agent restored from the checkpoint
    /// must produce the same episodes, losses and weights.
    func testResumeIsExact() throws {
        let config = REINFORCEConfig(episodesPerIteration: 4, hiddenUnits: [8], policyHead: .categorical,
                                     useBaseline: true, entCoef: 0.01, seed: 7)
        let original = try REINFORCEAgent.make(config: config, environment: try make("CartPole-v1"))
        for _ in 0..<2 { _ = try original.trainIteration() }
        let checkpoint = try original.checkpoint()
        let expected = try (0..<2).map { _ in try original.trainIteration() }

        let resumed = try REINFORCEAgent.make(config: config, environment: try make("CartPole-v1"))
        _ = try resumed.trainIteration()   // state that the restore must overwrite
        try resumed.restore(from: checkpoint)
        XCTAssertEqual(resumed.iterations, 2)
        let actual = try (0..<2).map { _ in try resumed.trainIteration() }
        for (a, e) in zip(actual, expected) {
            XCTAssertEqual(a.episodes, e.episodes)
            XCTAssertEqual(a.scalars, e.scalars)
        }
        XCTAssertEqual(resumed.environmentSteps, original.environmentSteps)
        XCTAssertEqual(resumed.policyNetwork.parameters.map(\.detachedValue.scalars),
                       original.policyNetwork.parameters.map(\.detachedValue.scalars))
        XCTAssertEqual(resumed.valueNetwork!.parameters.map(\.detachedValue.scalars),
                       original.valueNetwork!.parameters.map(\.detachedValue.scalars))

        var other = config
        other.gamma = 0.9
        let mismatched = try REINFORCEAgent.make(config: other, environment: try make("CartPole-v1"))
        XCTAssertThrowsError(try mismatched.restore(from: checkpoint))
    }

    /// Every hyperparameter must change what one iteration does.
    func testEveryHyperparameterChangesTheUpdate() throws {
        let base = REINFORCEConfig(episodesPerIteration: 3, seed: 2)
        func weightsAfterOneIteration(_ config: REINFORCEConfig) throws -> [[Float]] {
            let agent = try REINFORCEAgent.make(config: config, environment: try make("CartPole-v1"))
            _ = try agent.trainIteration()
            _ = try agent.trainIteration()
            return agent.policyNetwork.parameters.map(\.detachedValue.scalars)
        }
        let reference = try weightsAfterOneIteration(base)
        let variants: [(String, (inout REINFORCEConfig) -> Void)] = [
            ("gamma", { $0.gamma = 0.5 }),
            ("learningRate", { $0.learningRate = 0.05 }),
            ("episodesPerIteration", { $0.episodesPerIteration = 4 }),
            ("maxEpisodeSteps", { $0.maxEpisodeSteps = 12 }),
            ("hiddenUnits", { $0.hiddenUnits = [6] }),
            ("activation", { $0.activation = .tanh }),
            ("policyHead", { $0.policyHead = .categorical }),
            ("normalizeReturns", { $0.normalizeReturns = false }),
            ("useBaseline", { $0.useBaseline = true }),
            ("entCoef", { $0.entCoef = 0.5 }),
            ("seed", { $0.seed = 3 }),
        ]
        for (name, change) in variants {
            var config = base
            change(&config)
            XCTAssertNotEqual(try weightsAfterOneIteration(config), reference, "\(name) changed nothing")
        }
        // valueLearningRate acts through the baseline.
        var withBaseline = base
        withBaseline.useBaseline = true
        var faster = withBaseline
        faster.valueLearningRate = 0.1
        XCTAssertNotEqual(try weightsAfterOneIteration(faster), try weightsAfterOneIteration(withBaseline))
    }

    /// Any layer can be the policy: a small CNN on MinAtar's [10, 10, channels] grids.
    func testConvolutionalPolicyOnImageObservations() throws {
        let environment = try make("MinAtar/Breakout-v1")
        guard case let .box(_, _, shape, _) = environment.observationSpace, case let .discrete(actions, _) = environment.actionSpace else {
            return XCTFail("MinAtar observes a box and acts discretely")
        }
        var generator = RandomGenerator(seed: 0)
        let network = Sequential([
            Conv2D(inputChannels: shape[2], outputChannels: 4, kernelSize: (3, 3), activation: .relu, generator: &generator),
            Flatten(),
            Dense(inputSize: (shape[0] - 2) * (shape[1] - 2) * 4, outputSize: actions, generator: &generator),
        ])
        let before = network.parameters.map(\.detachedValue.scalars)
        let agent = try REINFORCEAgent(config: REINFORCEConfig(episodesPerIteration: 2, maxEpisodeSteps: 30),
                                       environment: environment, policyNetwork: network)
        XCTAssertEqual(agent.distribution, actions == 2 ? .bernoulli : .categorical)
        let report = try agent.trainIteration()
        XCTAssertEqual(report.episodes.count, 2)
        XCTAssertNotEqual(network.parameters.map(\.detachedValue.scalars), before)
        XCTAssertThrowsError(try REINFORCEAgent(config: REINFORCEConfig(useBaseline: true), environment: environment,
                                                policyNetwork: network))
    }

    func testConfigDecodesPartialJSONWithDefaults() throws {
        let config = try JSONDecoder().decode(REINFORCEConfig.self, from: Data(#"{"gamma": 0.99, "hiddenUnits": [32, 32]}"#.utf8))
        XCTAssertEqual(config.gamma, 0.99)
        XCTAssertEqual(config.hiddenUnits, [32, 32])
        XCTAssertEqual(config.maxEpisodeSteps, 200)
        XCTAssertEqual(config.learningRate, 0.01)
        let unlimited = try JSONDecoder().decode(REINFORCEConfig.self, from: Data(#"{"maxEpisodeSteps": null}"#.utf8))
        XCTAssertNil(unlimited.maxEpisodeSteps)
        let roundTrip = try JSONDecoder().decode(REINFORCEConfig.self, from: try JSONEncoder().encode(unlimited))
        XCTAssertEqual(roundTrip, unlimited)
    }

    func testUnsupportedSettingsThrowClearErrors() throws {
        XCTAssertThrowsError(try REINFORCEAgent.make(config: REINFORCEConfig(), environment: try make("Pendulum-v1"))) { error in
            XCTAssertTrue("\(error)".contains("Discrete action space"), "\(error)")
        }
        XCTAssertThrowsError(try REINFORCEAgent.make(config: REINFORCEConfig(policyHead: .bernoulli), environment: try make("Acrobot-v1"))) { error in
            XCTAssertTrue("\(error)".contains("categorical"), "\(error)")
        }
        XCTAssertThrowsError(try REINFORCEAgent.make(config: REINFORCEConfig(gamma: 1.5), environment: try make("CartPole-v1"))) { error in
            XCTAssertTrue("\(error)".contains("gamma"), "\(error)")
        }
        // Acrobot has three actions: the automatic head is categorical there.
        let acrobot = try REINFORCEAgent.make(config: REINFORCEConfig(episodesPerIteration: 1, maxEpisodeSteps: 20),
                                         environment: try make("Acrobot-v1"))
        XCTAssertEqual(acrobot.distribution, .categorical)
        XCTAssertEqual(try acrobot.trainIteration().episodes.map(\.length), [20])
    }
}
