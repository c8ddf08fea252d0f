import Agents
import Environments
import Networks
import Tensors
import XCTest

final class PPOAgentTests: XCTestCase {
    /// RL Zoo's CartPole settings: the greedy policy is far above random within 40k steps
    /// (full runs, which reach 500 by 100k steps, are in `swiftrl train ppo`).
    func testLearnsCartPoleFast() throws {
        var config = PPOConfig()
        config.seed = 1
        let agent = try PPOAgent.make(config: config) { try make("CartPole-v1") }
        while agent.environmentSteps < 40_000 { _ = try agent.trainIteration() }
        XCTAssertEqual(agent.gradientSteps, agent.environmentSteps / 256 * 20, "one 256-sample minibatch per epoch, 20 epochs")
        let statistics = EpisodeStatisticsBuffer(bufferSize: 10)
        try Driver(environment: make("CartPole-v1"), policy: agent.policy, observers: [statistics], seed: 99).run(episodes: 10)
        XCTAssertGreaterThan(statistics.returns.reduce(0, +) / 10, 150)
    }

    /// With separate networks the actor's and the critic's halves of PPO's loss are
    /// differentiated apart, on two threads: the gradients equal those of the summed loss on
    /// one tape, for categorical and Gaussian policies (whose log σ belongs to the actor).
    /// A shared normalisation layer keeps one tape.
    func testSplitGradientsEqualTheSummedLoss() throws {
        var pendulum = PPOConfig.rlZooPendulum
        pendulum.useSde = false
        var normalized = PPOConfig()
        normalized.normalizeObservation = true
        for (config, id, separate) in [(PPOConfig(), "CartPole-v1", true), (pendulum, "Pendulum-v1", true),
                                       (normalized, "CartPole-v1", false)] {
            let core = try PPOAgent.make(config: config) { try make(id) }.core
            XCTAssertEqual(core.networksAreSeparate, separate, id)
            let observations = try core.collect(gamma: 0.99, lambda: 0.95)
            let rows = Array(0..<64)
            let width = core.encoder.featureCount
            let batch = Tensor(shape: [64, width], scalars: Array(observations.scalars[0..<(64 * width)]))
            let buffer = core.rolloutBuffer
            let old = Tensor(rows.map { buffer.logProbabilities[$0] }), advantages = Tensor(rows.map { buffer.advantages[$0] })
            let oldValues = Tensor(rows.map { buffer.values[$0] }), returns = Tensor(rows.map { buffer.returns[$0] })
            // Perturbed old log-probabilities, so that some ratios leave the clip range.
            let shiftedOld = old + Tensor(rows.map { Float($0 % 7) * 0.1 - 0.3 })
            let actions = core.actions(rows: rows)
            let (split, gradients) = core.lossAndGradients(observations: batch, actions: actions, actor: { logProbabilities, entropies in
                ActorCriticLoss.ppoActor(logProbabilities: logProbabilities, oldLogProbabilities: shiftedOld, advantages: advantages,
                                         entropies: entropies, clipRange: 0.2, entropyCoefficient: 0.01)
            }, critic: { values in
                ActorCriticLoss.ppoCritic(values: values, oldValues: oldValues, returns: returns, valueClipRange: 0.3, valueCoefficient: 0.5)
            })
            var summed: ActorCriticLoss.Output?
            let (_, expected) = valueWithGradient(wrt: core.parameters) {
                let (logProbabilities, entropies, values) = core.evaluate(observations: batch, actions: actions)
                summed = ActorCriticLoss.ppo(logProbabilities: logProbabilities, oldLogProbabilities: shiftedOld, advantages: advantages,
                                             entropies: entropies, values: values, oldValues: oldValues, returns: returns,
                                             clipRange: 0.2, valueClipRange: 0.3, valueCoefficient: 0.5, entropyCoefficient: 0.01)
                return summed!.loss
            }
            XCTAssertEqual(gradients.count, expected.count, id)
            for (g, e) in zip(gradients, expected) {
                XCTAssertEqual(g.shape, e.shape, id)
                XCTAssertTrue(g.isApproximatelyEqual(to: e, tolerance: 1e-6), "\(id): \(g.shape)")
            }
            XCTAssertEqual(split.loss.scalar, summed!.loss.scalar, accuracy: 1e-6, id)
            XCTAssertEqual(split.valueLoss, summed!.valueLoss, id)
            XCTAssertEqual(split.policyLoss, summed!.policyLoss, id)
            XCTAssertEqual(split.clipFraction, summed!.clipFraction, id)
            XCTAssertGreaterThan(split.clipFraction, 0, "\(id): some ratios are clipped")
        }
    }

    /// The schedules follow environment steps; a target KL cuts a rollout's epochs short.
    func testSchedulesAndTargetKL() throws {
        var config = PPOConfig()
        config.seed = 2
        config.stepsPerIteration = 256
        let agent = try PPOAgent.make(config: config) { try make("CartPole-v1") }
        let report = try agent.trainIteration()
        XCTAssertEqual(report.scalars["charts/learning_rate"] ?? 0, 1e-3 * (1 - 256.0 / 100_000), accuracy: 1e-9)
        XCTAssertEqual(report.scalars["charts/clip_range"] ?? 0, 0.2 * (1 - 256.0 / 100_000), accuracy: 1e-7)
        XCTAssertEqual(report.scalars["charts/stopped_early"], 0)
        config.targetKL = 1e-6
        let stopping = try PPOAgent.make(config: config) { try make("CartPole-v1") }
        let stopped = try stopping.trainIteration()
        XCTAssertEqual(stopped.scalars["charts/stopped_early"], 1)
        XCTAssertLessThan(stopping.gradientSteps, 20, "the epochs stop once the KL passes 1.5 x targetKL")
    }

    /// Same seed, same diagnostics; a checkpoint restores weights, optimizer and counters.
    func testDeterminismAndCheckpointRoundTrip() throws {
        var config = PPOConfig()
        config.seed = 3
        config.stepsPerIteration = 512
        let a = try PPOAgent.make(config: config) { try make("CartPole-v1") }
        let b = try PPOAgent.make(config: config) { try make("CartPole-v1") }
        for _ in 0..<2 { XCTAssertEqual(try a.trainIteration().scalars, try b.trainIteration().scalars) }
        let restored = try PPOAgent.make(config: config) { try make("CartPole-v1") }
        try restored.restore(from: try a.checkpoint())
        XCTAssertEqual(restored.gradientSteps, a.gradientSteps)
        XCTAssertEqual(restored.optimizer.stepCount, a.optimizer.stepCount)
        for ((name, p), (_, q)) in zip(a.core.policyNetwork.namedParameters, restored.core.policyNetwork.namedParameters) {
            XCTAssertEqual(p.detachedValue.scalars, q.detachedValue.scalars, name)
        }
        XCTAssertThrowsError(try PPOAgent.make(config: config) { MultiDiscreteActions() }) { error in
            XCTAssertTrue("\(error)".contains("Discrete or float32 Box"), "\(error)")
        }
        config.batchSize = 0
        XCTAssertThrowsError(try PPOAgent.make(config: config) { try make("CartPole-v1") }) { error in
            XCTAssertTrue("\(error)".contains("batchSize"), "\(error)")
        }
        config.batchSize = 256
        config.clipRange = .piecewiseConstant(boundaries: [1_000], values: [0.2])
        XCTAssertThrowsError(try PPOAgent.make(config: config) { try make("CartPole-v1") }) { error in
            XCTAssertTrue("\(error)".contains("clipRange: piecewiseConstant needs one more value"), "\(error)")
        }
    }
}
