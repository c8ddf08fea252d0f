import Agents
import Environments
import Foundation
import Networks
import Randomness
import XCTest

final class SACAgentTests: XCTestCase {
    /// SB3's settings with RL Zoo's Pendulum learning rate, on networks and batches a quarter
    /// the size so that a test trains in seconds.
    private func smallConfig(seed: UInt64 = 1) -> SACConfig {
        var config = SACConfig.rlZooPendulum
        config.policyLayers = [64, 64]
        config.criticLayers = [64, 64]
        config.batchSize = 64
        config.bufferSize = 10_000
        config.seed = seed
        return config
    }

    private func meanReturn(of policy: any Policy, episodes: Int = 10) throws -> Double {
        let statistics = EpisodeStatisticsBuffer(bufferSize: episodes)
        try Driver(environment: make("Pendulum-v1"), policy: policy, observers: [statistics], seed: 99).run(episodes: episodes)
        return statistics.returns.reduce(0, +) / Double(episodes)
    }

    /// Random torques average about −1,200 on Pendulum; 5,000 steps of SAC swing it up.
    func testLearnsToSwingThePendulumUpInFiveThousandSteps() throws {
        let agent = try SACAgent.make(config: smallConfig(seed: 3), environment: make("Pendulum-v1"))
        while agent.environmentSteps < 5_000 { _ = try agent.trainIteration() }
        XCTAssertEqual(agent.gradientUpdates, 5_000 - 100, "one gradient step per step after the 100 warm-up steps")
        let random = try meanReturn(of: RandomPolicy(actionSpace: agent.environment.actionSpace))
        let learned = try meanReturn(of: agent.policy)
        XCTAssertLessThan(random, -900)
        XCTAssertGreaterThan(learned, -500, "greedy SAC \(learned), random \(random)")
    }

    func testSameSeedSameRunOtherSeedAnotherRun() throws {
        var config = smallConfig(seed: 5)
        config.stepsPerIteration = 200
        let a = try SACAgent.make(config: config, environment: make("Pendulum-v1"))
        let b = try SACAgent.make(config: config, environment: make("Pendulum-v1"))
        config.seed = 6
        let c = try SACAgent.make(config: config, environment: make("Pendulum-v1"))
        for _ in 0..<2 {
            let (ra, rb, rc) = (try a.trainIteration(), try b.trainIteration(), try c.trainIteration())
            XCTAssertEqual(ra.scalars, rb.scalars)
            XCTAssertEqual(ra.episodes, rb.episodes)
            XCTAssertNotEqual(ra.scalars["losses/qf_loss"], rc.scalars["losses/qf_loss"])
        }
        XCTAssertEqual(a.actor.parameters.map(\.detachedValue.scalars), b.actor.parameters.map(\.detachedValue.scalars))
        XCTAssertEqual(a.criticTarget.parameters.map(\.detachedValue.scalars), b.criticTarget.parameters.map(\.detachedValue.scalars))
    }

    /// A checkpoint (networks, targets, three optimizers, log α, generators, counters, replay
    /// buffer) taken between iterations resumes exactly as if training had not stopped.
    func testCheckpointResumesExactlyAndPolicyCheckpointActsTheSame() throws {
        var config = smallConfig(seed: 7)
        config.stepsPerIteration = 200
        config.trainFreq = 2
        config.gradientSteps = 3
        try checkResumesExactly(config)
    }

    /// With gSDE the checkpoint also carries the exploration matrix in use: the iterations
    /// end at step 400, in the middle of a collection phase of 3 steps.
    func testStateDependentExplorationResumesExactly() throws {
        var config = smallConfig(seed: 8)
        config.stepsPerIteration = 200
        config.trainFreq = 3
        config.gradientSteps = 2
        config.useSde = true
        config.sdeSampleFreq = 7
        try checkResumesExactly(config)
    }

    private func checkResumesExactly(_ config: SACConfig) throws {
        let uninterrupted = try SACAgent.make(config: config, environment: make("Pendulum-v1"))
        for _ in 0..<2 { _ = try uninterrupted.trainIteration() }
        let checkpoint = try uninterrupted.checkpoint()
        let alphaAtCheckpoint = uninterrupted.entropyCoefficient
        XCTAssertNotNil(checkpoint.attachments["replay"])
        var expected: [IterationReport] = []
        for _ in 0..<2 { expected.append(try uninterrupted.trainIteration()) }

        // Through a safetensors file, as a run saves it.
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sac-checkpoint-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try SafeTensorsFile.write(checkpoint.tensors, metadata: checkpoint.metadata, to: url)
        let file = try SafeTensorsFile(contentsOf: url)
        let reloaded = AgentCheckpoint(tensors: file.entries.compactMap { entry in entry.value.tensor.map { (entry.name, $0) } },
                                       metadata: file.metadata, attachments: checkpoint.attachments)

        let resumed = try SACAgent.make(config: config, environment: make("Pendulum-v1"))
        try resumed.restore(from: reloaded)
        XCTAssertEqual(resumed.entropyCoefficient, alphaAtCheckpoint)
        XCTAssertNotEqual(alphaAtCheckpoint, 1, "α was learned before the checkpoint")
        for report in expected {
            let again = try resumed.trainIteration()
            XCTAssertEqual(again.episodes, report.episodes)
            XCTAssertEqual(again.scalars, report.scalars)
        }
        XCTAssertEqual(resumed.environmentSteps, uninterrupted.environmentSteps)
        XCTAssertEqual(resumed.gradientUpdates, uninterrupted.gradientUpdates)
        XCTAssertEqual(resumed.entropyCoefficient, uninterrupted.entropyCoefficient)
        for (a, b) in zip(resumed.actor.parameters + resumed.critic.parameters + resumed.criticTarget.parameters,
                          uninterrupted.actor.parameters + uninterrupted.critic.parameters + uninterrupted.criticTarget.parameters) {
            XCTAssertEqual(a.detachedValue.scalars, b.detachedValue.scalars)
        }

        let policyOnly = try uninterrupted.policyCheckpoint()
        XCTAssertTrue(policyOnly.attachments.isEmpty && policyOnly.isPolicyOnly)
        let evaluator = try SACAgent.make(config: config, environment: make("Pendulum-v1"))
        try evaluator.restore(from: policyOnly)
        XCTAssertEqual(try meanReturn(of: evaluator.policy, episodes: 2), try meanReturn(of: uninterrupted.policy, episodes: 2))

        var other = config
        other.tau = 0.01
        XCTAssertThrowsError(try SACAgent.make(config: other, environment: make("Pendulum-v1")).restore(from: checkpoint)) { error in
            XCTAssertTrue("\(error)".contains("another SAC configuration"), "\(error)")
        }
        var withoutReplay = checkpoint
        withoutReplay.attachments = [:]
        XCTAssertThrowsError(try SACAgent.make(config: config, environment: make("Pendulum-v1")).restore(from: withoutReplay)) { error in
            XCTAssertTrue("\(error)".contains("replay"), "\(error)")
        }
    }

    /// Uniform warm-up actions for `learningStarts` steps, then `gradientSteps` updates every
    /// `trainFreq` steps once more than `learningStarts` steps were taken (SB3's schedule).
    func testWarmupAndTrainingSchedule() throws {
        var config = smallConfig()
        config.learningStarts = 150
        config.trainFreq = 4
        config.gradientSteps = 2
        config.stepsPerIteration = 200
        let agent = try SACAgent.make(config: config, environment: make("Pendulum-v1"))
        // An actor whose mean sits at tanh(3): its torques are all near +2.
        agent.actor.body.parameters.last!.update { $0[0] = 3 }
        let recorder = ActionRecorder()
        agent.driver.observers.append(recorder)
        _ = try agent.trainIteration()
        XCTAssertEqual(agent.environmentSteps, 200)
        XCTAssertEqual(agent.gradientUpdates, 2 * (150 + 1...200).filter { $0 % 4 == 0 }.count)
        let warmup = recorder.actions.prefix(150), after = recorder.actions[150..<160]
        XCTAssertTrue(warmup.allSatisfy { abs($0) <= 2 })
        XCTAssertEqual(Double(warmup.filter { $0 < 0 }.count) / 150, 0.5, accuracy: 0.15, "uniform on [−2, 2]")
        XCTAssertEqual(Double(warmup.filter { abs($0) > 1.5 }.count) / 150, 0.25, accuracy: 0.1, "uniform on [−2, 2]")
        XCTAssertTrue(after.allSatisfy { $0 > 1 }, "the actor's first actions after the warm-up: \(after)")
        XCTAssertEqual(agent.collectPolicy.actionSpace, agent.environment.actionSpace)
    }

    func testEveryHyperparameterChangesTraining() throws {
        func lossAfterTraining(_ change: (inout SACConfig) -> Void) throws -> [Double?] {
            var config = smallConfig()
            config.policyLayers = [16]
            config.criticLayers = [16]
            config.batchSize = 16
            config.stepsPerIteration = 400
            change(&config)
            let report = try SACAgent.make(config: config, environment: make("Pendulum-v1")).trainIteration()
            return [report.scalars["losses/qf_loss"], report.scalars["losses/actor_loss"]]
        }
        let base = try lossAfterTraining { _ in }
        let variants: [(String, (inout SACConfig) -> Void)] = [
            ("learningRate", { $0.learningRate = 3e-4 }), ("learningRate schedule", { $0.learningRate = .linear(from: 1e-3, to: 0, steps: 400) }),
            ("bufferSize", { $0.bufferSize = 250 }), ("learningStarts", { $0.learningStarts = 50 }),
            ("batchSize", { $0.batchSize = 8 }), ("tau", { $0.tau = 0.5 }), ("gamma", { $0.gamma = 0.9 }),
            ("trainFreq", { $0.trainFreq = 2 }), ("gradientSteps", { $0.gradientSteps = 2 }),
            ("entCoef auto initial", { $0.entCoef = .auto(initial: 0.1) }), ("entCoef fixed", { $0.entCoef = .fixed(0.2) }),
            ("targetEntropy", { $0.targetEntropy = .value(-3) }), ("targetUpdateInterval", { $0.targetUpdateInterval = 3 }),
            ("policyLayers", { $0.policyLayers = [8] }), ("criticLayers", { $0.criticLayers = [8] }),
            ("activation", { $0.activation = .tanh }), ("nCritics", { $0.nCritics = 1 }), ("adamEpsilon", { $0.adamEpsilon = 1e-2 }),
            ("seed", { $0.seed = 2 }),
        ]
        for (name, change) in variants {
            XCTAssertNotEqual(try lossAfterTraining(change), base, "\(name) must change training")
        }
    }

    func testRejectsEnvironmentsItCannotActInAndBadConfigurations() throws {
        XCTAssertThrowsError(try SACAgent.make(config: SACConfig(), environment: make("CartPole-v1"))) { error in
            XCTAssertEqual(error as? SACError, .unsupportedEnvironment(
                "it acts in continuous Box action spaces, CartPole-v1 has Discrete(2); use dqn, a2c or ppo for discrete actions"))
        }
        XCTAssertThrowsError(try SACAgent.make(config: SACConfig(), environment: make("FrozenLake-v1"))) { error in
            XCTAssertTrue("\(error)".contains("Box action spaces"), "\(error)")
        }
        let bad: [(String, (inout SACConfig) -> Void)] = [
            ("tau", { $0.tau = 0 }), ("gamma", { $0.gamma = 1.5 }), ("batchSize", { $0.batchSize = 0 }),
            ("bufferSize", { $0.bufferSize = 1 }), ("learningStarts", { $0.learningStarts = -1 }),
            ("trainFreq", { $0.trainFreq = 0 }), ("gradientSteps", { $0.gradientSteps = -1 }),
            ("targetUpdateInterval", { $0.targetUpdateInterval = 0 }), ("entCoef", { $0.entCoef = .fixed(-0.1) }),
            ("entCoef", { $0.entCoef = .auto(initial: 0) }), ("targetEntropy", { $0.targetEntropy = .value(.nan) }),
            ("policyLayers", { $0.policyLayers = [] }), ("criticLayers", { $0.criticLayers = [64, 0] }),
            ("nCritics", { $0.nCritics = 0 }), ("adamEpsilon", { $0.adamEpsilon = -1 }),
            ("stepsPerIteration", { $0.stepsPerIteration = 0 }), ("learningRate", { $0.learningRate = 0 }),
            ("logStdInit", { $0.logStdInit = .infinity }), ("clipMean", { $0.clipMean = -1 }),
            ("learningRate", { $0.learningRate = .power(initial: 1e-3, steps: 0, power: 1) }),
            ("learningRate", { $0.learningRate = .piecewiseConstant(boundaries: [10], values: [1e-3]) }),
        ]
        for (key, change) in bad {
            var config = SACConfig()
            change(&config)
            XCTAssertThrowsError(try SACAgent.make(config: config, environment: make("Pendulum-v1"))) { error in
                XCTAssertTrue("\(error)".hasPrefix("SAC configuration: \(key)"), "\(error)")
            }
        }
    }

    func testConfigurationReadsSB3SpellingsAndRejectsOthers() throws {
        func decode(_ json: String) throws -> SACConfig { try JSONDecoder().decode(SACConfig.self, from: Data(json.utf8)) }
        XCTAssertEqual(try decode("{}"), SACConfig())
        XCTAssertEqual(try decode(#"{"entCoef": "auto"}"#).entCoef, .auto(initial: 1))
        XCTAssertEqual(try decode(#"{"entCoef": "auto_0.1"}"#).entCoef, .auto(initial: 0.1))
        XCTAssertEqual(try decode(#"{"entCoef": 0.2, "targetEntropy": -2}"#).entCoef, .fixed(0.2))
        XCTAssertEqual(try decode(#"{"targetEntropy": -2}"#).targetEntropy, .value(-2))
        XCTAssertEqual(try decode(#"{"learningRate": 0.001}"#).learningRate, 1e-3)
        XCTAssertEqual(try decode(#"{"useSde": true, "sdeSampleFreq": 8, "logStdInit": -3.67, "clipMean": 0}"#),
                       { var c = SACConfig(); c.useSde = true; c.sdeSampleFreq = 8; c.logStdInit = -3.67; c.clipMean = 0; return c }())
        var config = SACConfig.rlZooMountainCarContinuous
        config.entCoef = .auto(initial: 0.1)
        config.targetEntropy = .value(-0.5)
        XCTAssertEqual(try decode(String(decoding: try JSONEncoder().encode(config), as: UTF8.self)), config)
        for json in [#"{"entCoef": "automatic"}"#, #"{"entCoef": "auto_x"}"#, #"{"entCoef": true}"#, #"{"targetEntropy": "max"}"#] {
            XCTAssertThrowsError(try decode(json)) { error in
                XCTAssertTrue("\(error)".contains("auto"), "the error explains the accepted spellings: \(error)")
            }
        }
    }
}

/// The torques a driver applied, in order.
private final class ActionRecorder: Observer {
    var actions: [Float] = []
    func observe(_ transition: Transition) throws { actions.append(transition.action.floats[0]) }
}
