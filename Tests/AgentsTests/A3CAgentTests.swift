import Agents
import Environments
import Foundation
import Networks
import Randomness
import Tensors
import XCTest

final class A3CAgentTests: XCTestCase {
    private func weights(_ agent: A3CAgent) -> [[Float]] {
        (agent.policyNetwork.parameters + agent.valueNetwork.parameters).map(\.detachedValue.scalars)
    }

    private func config(workers: Int = 1, seed: UInt64 = 3, stepsPerIteration: Int = 512) -> A3CConfig {
        var config = A3CConfig()
        config.nWorkers = workers
        config.seed = seed
        config.stepsPerIteration = stepsPerIteration
        return config
    }

    private func agent(_ config: A3CConfig) throws -> A3CAgent {
        try A3CAgent.make(config: config) { try make("CartPole-v1") }
    }

    private func greedyMeanReturn(_ agent: A3CAgent, episodes: Int = 10) throws -> Double {
        let statistics = EpisodeStatisticsBuffer(bufferSize: episodes)
        try Driver(environment: make("CartPole-v1"), policy: agent.policy, observers: [statistics], seed: 99).run(episodes: episodes)
        return statistics.returns.reduce(0, +) / Double(episodes)
    }

    /// One worker: the same seed gives the same losses, episodes and weights; another seed does not.
    func testOneWorkerIsDeterministicUnderASeed() throws {
        let a = try agent(config()), b = try agent(config())
        for _ in 0..<3 {
            let (ra, rb) = (try a.trainIteration(), try b.trainIteration())
            XCTAssertEqual(ra.scalars, rb.scalars)
            XCTAssertEqual(ra.episodes, rb.episodes)
        }
        XCTAssertEqual(weights(a), weights(b))
        XCTAssertEqual(a.environmentSteps, 3 * 512)
        XCTAssertEqual(a.updates, 3 * 512 / A3CConfig().nSteps)
        let other = try agent(config(seed: 4))
        for _ in 0..<3 { _ = try other.trainIteration() }
        XCTAssertNotEqual(weights(other), weights(a))
    }

    /// One worker: a run restored from a checkpoint taken in the middle of an episode continues
    /// exactly as the uninterrupted run (the episode is replayed, its return kept whole).
    func testOneWorkerResumesExactlyAsTheUninterruptedRun() throws {
        let settings = config(seed: 7, stepsPerIteration: 480)
        let uninterrupted = try agent(settings)
        for _ in 0..<2 { _ = try uninterrupted.trainIteration() }
        XCTAssertTrue(uninterrupted.workers[0].isInEpisode, "the checkpoint must fall inside an episode to test its replay")
        let checkpoint = try uninterrupted.checkpoint()
        let resumed = try agent(settings)
        try resumed.restore(from: checkpoint)
        XCTAssertEqual(resumed.iterations, 2)
        XCTAssertEqual(resumed.updates, uninterrupted.updates)
        XCTAssertEqual(resumed.environmentSteps, uninterrupted.environmentSteps)
        XCTAssertEqual(weights(resumed), weights(uninterrupted))
        for _ in 0..<3 {
            let (expected, actual) = (try uninterrupted.trainIteration(), try resumed.trainIteration())
            XCTAssertEqual(actual.scalars, expected.scalars)
            XCTAssertEqual(actual.episodes, expected.episodes)
        }
        XCTAssertEqual(weights(resumed), weights(uninterrupted))
        XCTAssertEqual(resumed.optimizer.stateTensors().map(\.tensor.scalars), uninterrupted.optimizer.stateTensors().map(\.tensor.scalars))

        var other = settings
        other.nSteps = 8
        XCTAssertThrowsError(try agent(other).restore(from: checkpoint)) { error in
            XCTAssertTrue("\(error)".contains("another A3C configuration"), "\(error)")
        }
    }

    /// An environment that does not repeat itself under a seed cannot have its episode in
    /// progress continued; the resumed agent says so instead of training on a different state.
    func testResumingAnEnvironmentThatIgnoresItsSeedExplainsWhy() throws {
        let settings = config(seed: 7, stepsPerIteration: 480)
        let original = try A3CAgent(config: settings, environments: [ReseededEnvironment(try make("CartPole-v1"))])
        _ = try original.trainIteration()
        XCTAssertTrue(original.workers[0].isInEpisode)
        let resumed = try A3CAgent(config: settings, environments: [ReseededEnvironment(try make("CartPole-v1"))])
        try resumed.restore(from: try original.checkpoint())
        XCTAssertThrowsError(try resumed.trainIteration()) { error in
            XCTAssertTrue("\(error)".contains("not deterministic under a seed"), "\(error)")
        }
    }

    /// Two workers on two threads: every iteration takes exactly its whole rollouts between
    /// them, each worker its own whole rollouts; checkpoints restore and training goes on.
    func testTwoWorkersCountEveryStepAndJoinCleanly() throws {
        var settings = config(workers: 2, seed: 1, stepsPerIteration: 1_000)
        settings.nSteps = 16
        let trained = try agent(settings)
        XCTAssertNotEqual(trained.workers[0].seed, trained.workers[1].seed)
        var episodeSteps = 0
        for i in 1...5 {
            let report = try trained.trainIteration()
            episodeSteps += report.episodes.map(\.length).reduce(0, +)
            XCTAssertEqual(trained.environmentSteps, i * 1_008, "63 rollouts of 16 steps")
            XCTAssertEqual(trained.updates, i * 63)
            XCTAssertNotNil(report.scalars["losses/value_loss"])
        }
        XCTAssertLessThanOrEqual(episodeSteps, trained.environmentSteps)
        XCTAssertGreaterThan(episodeSteps, 0)
        for worker in trained.workers { XCTAssertEqual(worker.core.driver.totalSteps % 16, 0) }
        let restored = try agent(settings)
        try restored.restore(from: try trained.checkpoint())
        XCTAssertEqual(weights(restored), weights(trained))
        XCTAssertEqual(restored.workers.map(\.core.driver.totalSteps), trained.workers.map(\.core.driver.totalSteps))
        _ = try restored.trainIteration()
        XCTAssertEqual(restored.environmentSteps, 6 * 1_008)
    }

    /// A worker whose environment fails stops every worker; the error names it, nothing hangs.
    func testAFailingWorkerStopsTheOthersAndNamesItself() throws {
        // A budget the healthy worker cannot finish before the failing one has started.
        let settings = config(workers: 2, seed: 1, stepsPerIteration: 1_000_000)
        let agent = try A3CAgent(config: settings, environments: [FailingEnvironment(try make("CartPole-v1"), failAfter: 10),
                                                                  try make("CartPole-v1")])
        XCTAssertThrowsError(try agent.trainIteration()) { error in
            XCTAssertEqual(error as? A3CError, .workerFailed(worker: 0, reason: "the simulator was lost"))
        }
        XCTAssertEqual(agent.iterations, 0)
        XCTAssertLessThan(agent.environmentSteps, 1_000_000)
    }

    /// With one worker and plain gradient descent, the shared weights after one update are
    /// θ − lr · ∇L, where L is the A2C loss (policy gradient on n-step advantages, entropy
    /// bonus, value regression) of the worker's rollout, computed here from scratch.
    func testAWorkerAppliesTheA2CGradientOfItsOwnRollout() throws {
        var settings = config(seed: 11, stepsPerIteration: 24)
        settings.nSteps = 24
        settings.optimizer = .sgd
        settings.learningRate = 0.05
        settings.maxGradNorm = nil
        settings.entCoef = 0.02
        settings.vfCoef = 0.5
        let initial = try agent(settings), trained = try agent(settings)
        XCTAssertEqual(weights(initial), weights(trained))
        _ = try trained.trainIteration()
        XCTAssertEqual(trained.updates, 1)

        let core = trained.workers[0].core, buffer = core.rolloutBuffer, n = 24
        XCTAssertTrue(buffer.truncations.isEmpty)
        let observations = Tensor(shape: [n, 4], scalars: buffer.observations)
        let values = withoutGradient { initial.valueNetwork(observations) }.scalars
        var next: Float = 0
        if let last = core.driver.currentObservation(of: 0) {
            next = withoutGradient { initial.valueNetwork(Tensor(shape: [1, 4], scalars: last.floats)) }.scalars[0]
        }
        var returns = [Float](repeating: 0, count: n)
        for t in stride(from: n - 1, through: 0, by: -1) {
            next = buffer.rewards[t] + 0.99 * (buffer.terminated[t] ? 0 : next)
            returns[t] = next
        }
        let advantages = Tensor(zip(returns, values).map { $0 - $1 })
        let actions = IndexTensor(buffer.discreteActions)
        let parameters = initial.policyNetwork.parameters + initial.valueNetwork.parameters
        let (_, gradients) = valueWithGradient(wrt: parameters) {
            let logProbabilities = initial.policyNetwork(observations).logSoftmax(alongAxis: -1)
            let entropy = -(logProbabilities.exp() * logProbabilities).sum(alongAxis: -1).mean()
            let policyLoss = -(advantages * logProbabilities.gathering(actions, alongAxis: -1)).mean()
            let valueLoss = (Tensor(returns) - initial.valueNetwork(observations).reshaped([n])).squared().mean()
            return policyLoss - 0.02 * entropy + 0.5 * valueLoss
        }
        var largest: Float = 0
        for ((parameter, gradient), updated) in zip(zip(parameters, gradients), trained.policyNetwork.parameters + trained.valueNetwork.parameters) {
            let expected = zip(parameter.detachedValue.scalars, gradient.scalars).map { $0 - 0.05 * $1 }
            for (e, a) in zip(expected, updated.detachedValue.scalars) {
                XCTAssertEqual(a, e, accuracy: 1e-5 + 1e-4 * abs(e))
            }
            largest = max(largest, gradient.scalars.map(abs).max() ?? 0)
        }
        XCTAssertGreaterThan(largest, 1e-3, "the rollout must produce a real gradient for the comparison to mean something")
    }

    /// The CartPole-v1 defaults with one worker (deterministic): 500 of 500 within 50k steps
    /// here, as for seeds 2 to 5. The bar is lower because kernels for another instruction set
    /// round differently and so follow another trajectory.
    func testOneWorkerLearnsCartPoleFast() throws {
        let trained = try agent(config(workers: 1, seed: 1, stepsPerIteration: 2_048))
        while trained.environmentSteps < 50_000 { _ = try trained.trainIteration() }
        XCTAssertGreaterThan(try greedyMeanReturn(trained), 150)
    }

    /// The CartPole-v1 defaults (two workers) are clearly above random (about 22) within 50k
    /// steps. The interleaving differs from run to run, and so does the policy at this point
    /// (measured over 55 runs: 47 at 500, the lowest two at 100 and 138), hence the low bar.
    func testTwoWorkersLearnCartPoleFast() throws {
        let trained = try agent(config(workers: 2, seed: 1, stepsPerIteration: 2_048))
        while trained.environmentSteps < 50_000 { _ = try trained.trainIteration() }
        XCTAssertGreaterThan(try greedyMeanReturn(trained), 50)
    }

    /// Every bad value is an error naming its field; missing keys take defaults; wrong inputs are errors.
    func testConfigurationErrorsNameTheFieldAndTheFix() throws {
        let cases: [(String, (inout A3CConfig) -> Void)] = [
            ("nWorkers", { $0.nWorkers = 0 }), ("nSteps", { $0.nSteps = 0 }),
            ("learningRate", { $0.learningRate = .constant(-1) }), ("learningRate", { $0.learningRate = .constant(0) }),
            ("learningRate", { $0.learningRate = .piecewiseConstant(boundaries: [10], values: [1e-3]) }),
            ("learningRate", { $0.learningRate = .exponential(initial: 1e-3, decaySteps: 0, rate: 0.5, staircase: false) }),
            ("gamma", { $0.gamma = 1.5 }), ("gaeLambda", { $0.gaeLambda = -0.1 }), ("entCoef", { $0.entCoef = .nan }),
            ("vfCoef", { $0.vfCoef = -1 }), ("maxGradNorm", { $0.maxGradNorm = 0 }), ("rmspropRho", { $0.rmspropRho = 1 }),
            ("rmspropEpsilon", { $0.rmspropEpsilon = -1 }), ("adamEpsilon", { $0.adamEpsilon = .infinity }),
            ("policyLayers", { $0.policyLayers = [64, 0] }), ("valueLayers", { $0.valueLayers = [-1] }),
            ("stepsPerIteration", { $0.stepsPerIteration = 0 }),
        ]
        for (field, change) in cases {
            var bad = A3CConfig()
            change(&bad)
            XCTAssertThrowsError(try A3CAgent.make(config: bad) { try make("CartPole-v1") }, field) { error in
                guard case let .invalidConfiguration(named, _)? = error as? A3CError else { return XCTFail("\(error)") }
                XCTAssertEqual(named, field)
                XCTAssertTrue("\(error)".contains("--set agent.\(field)="), "\(error)")
            }
        }
        let decoded = try JSONDecoder().decode(A3CConfig.self, from: Data(#"{"nWorkers": 3, "learningRate": 0.001, "maxGradNorm": null, "optimizer": "adam"}"#.utf8))
        XCTAssertEqual(decoded.nWorkers, 3)
        XCTAssertEqual(decoded.learningRate, .constant(0.001))
        XCTAssertNil(decoded.maxGradNorm)
        XCTAssertEqual(decoded.optimizer, .adam)
        XCTAssertEqual(decoded.nSteps, A3CConfig().nSteps)
        XCTAssertEqual(try JSONDecoder().decode(A3CConfig.self, from: try JSONEncoder().encode(A3CConfig.paper)), A3CConfig.paper)
        XCTAssertThrowsError(try JSONDecoder().decode(A3CConfig.self, from: Data(#"{"optimizer": "adagrad"}"#.utf8)))

        XCTAssertThrowsError(try A3CAgent.make(config: config()) { try make("Pendulum-v1") }) { error in
            XCTAssertTrue("\(error)".contains("Discrete"), "\(error)")
        }
        XCTAssertThrowsError(try A3CAgent(config: config(workers: 2), environments: [try make("CartPole-v1")])) { error in
            XCTAssertTrue("\(error)".contains("nWorkers is 2 but 1 environments"), "\(error)")
        }
        let shared = try make("CartPole-v1")
        XCTAssertThrowsError(try A3CAgent(config: config(workers: 2), environments: [shared, shared])) { error in
            XCTAssertTrue("\(error)".contains("separate environment copy per worker"), "\(error)")
        }
    }

    /// A setting that silently does nothing is a classic bug: each one changes what one short
    /// iteration of one worker produces. (`nWorkers` is checked by the workers it makes: the
    /// first worker's seed does not depend on the count, so a second worker that started
    /// after the first took every rollout would leave the weights as one worker does.)
    func testEveryHyperparameterChangesTraining() throws {
        var base = config(seed: 5, stepsPerIteration: 64)
        base.nSteps = 16
        var twoWorkers = base
        twoWorkers.nWorkers = 2
        XCTAssertEqual(try agent(twoWorkers).workers.count, 2)
        let changes: [(String, (inout A3CConfig) -> Void)] = [
            ("nSteps", { $0.nSteps = 8 }), ("learningRate", { $0.learningRate = 1e-3 }),
            ("gamma", { $0.gamma = 0.9 }), ("gaeLambda", { $0.gaeLambda = 0.9 }), ("entCoef", { $0.entCoef = 0.01 }),
            ("vfCoef", { $0.vfCoef = 1 }), ("maxGradNorm", { $0.maxGradNorm = nil }),
            ("normalizeAdvantage", { $0.normalizeAdvantage = true }), ("optimizer", { $0.optimizer = .adam }),
            ("rmspropRho", { $0.rmspropRho = 0.9 }), ("rmspropEpsilon", { $0.rmspropEpsilon = 1e-2 }),
            ("rmspropEpsilonInsideSquareRoot", { $0.rmspropEpsilonInsideSquareRoot = false }),
            ("adamEpsilon", { $0.optimizer = .adam; $0.adamEpsilon = 1e-2 }), ("policyLayers", { $0.policyLayers = [32] }),
            ("valueLayers", { $0.valueLayers = [32] }), ("activation", { $0.activation = .relu }),
            ("orthogonalInit", { $0.orthogonalInit = false }), ("stepsPerIteration", { $0.stepsPerIteration = 128 }),
            ("seed", { $0.seed = 6 }),
        ]
        func outcome(_ settings: A3CConfig) throws -> [[Float]] {
            let trained = try agent(settings)
            _ = try trained.trainIteration()
            return weights(trained)
        }
        var adam = base
        adam.optimizer = .adam
        let reference = try outcome(base), adamReference = try outcome(adam)
        for (name, change) in changes {
            var changed = base
            change(&changed)
            XCTAssertTrue(try outcome(changed) != (name == "adamEpsilon" ? adamReference : reference), name)
        }
    }

    /// Each optimizer choice builds and trains; they update the weights differently.
    func testEveryOptimizerChoiceReachesTheSharedParameters() throws {
        var results: [[[Float]]] = []
        for kind in A3CConfig.OptimizerKind.allCases {
            var settings = config(stepsPerIteration: 64)
            settings.optimizer = kind
            let trained = try agent(settings)
            _ = try trained.trainIteration()
            results.append(weights(trained))
        }
        XCTAssertEqual(Set(results.map { "\($0)" }).count, A3CConfig.OptimizerKind.allCases.count)
    }
}

/// CartPole that loses its simulator after a number of steps.
private final class FailingEnvironment: EnvironmentWrapper {
    struct Lost: Error, CustomStringConvertible {
        var description: String { "the simulator was lost" }
    }

    let wrapped: any Environment
    let failAfter: Int
    private var steps = 0

    init(_ wrapped: any Environment, failAfter: Int) {
        self.wrapped = wrapped
        self.failAfter = failAfter
    }

    func step(_ action: Action) throws -> Step {
        steps += 1
        if steps > failAfter { throw Lost() }
        return try wrapped.step(action)
    }
}

/// CartPole whose resets add how many resets it has seen to the seed: the same seed gives
/// another episode in another copy.
private final class ReseededEnvironment: EnvironmentWrapper {
    let wrapped: any Environment
    private var resets: UInt64 = 0

    init(_ wrapped: any Environment) {
        self.wrapped = wrapped
    }

    func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        resets += 1
        return try wrapped.reset(seed: seed.map { $0 &+ resets }, options: options)
    }
}
