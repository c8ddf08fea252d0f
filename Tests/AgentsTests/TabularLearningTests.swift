import Agents
import Environments
import Foundation
import Randomness
import XCTest

/// Q-learning and SARSA against the planners' optima and the textbooks' experiments, and
/// their checkpoints.
final class TabularLearningTests: XCTestCase {
    private func frozenLakeModel() throws -> TabularMDP {
        try XCTUnwrap(try make("FrozenLake-v1").unwrapped as? FrozenLake).mdp
    }

    /// The exact probability that the greedy policy of `table` reaches FrozenLake's goal
    /// within the 100-step limit.
    private func successRate(of table: QTable, on mdp: TabularMDP) -> Double {
        mdp.evaluatePolicy(.greedy(qValues: table.rows), gamma: 1, tolerance: 0, maxIterations: 100).startValue
    }

    private func meanReturn(_ episodes: ArraySlice<EpisodeSummary>) -> Double {
        episodes.map(\.episodeReturn).reduce(0, +) / Double(episodes.count)
    }

    /// *Hands-On Machine Learning*, ch. 18: 10,000 steps of random exploration with
    /// α0 = 0.05, decay 0.005, γ = 0.90 approach the Q-values of Q-value iteration.
    func testQLearningApproachesHandsOnMLQValues() throws {
        let optimal = ThreeStateMDP.mdp.qValueIteration(gamma: 0.90).qValues
        var config = QLearningConfig.handsOnML
        config.stepsPerIteration = 10_000
        let agent = try QLearningAgent.make(config: config, environment: try make("ThreeStateMDP-v0"))
        let report = try agent.trainIteration()
        XCTAssertEqual(agent.environmentSteps, 10_000)
        XCTAssertTrue(report.episodes.isEmpty, "the task is continuing")
        let q = agent.qTable.rows
        for (s, a) in [(0, 0), (0, 1), (0, 2), (2, 1)] {
            XCTAssertEqual(q[s][a], optimal[s][a], accuracy: 0.1 * abs(optimal[s][a]), "Q(\(s), \(a)) in \(q)")
        }
        XCTAssertEqual(q[1][0], 0, "staying in state 1 earns nothing")
        XCTAssertLessThan(q[1][2], 0)
        XCTAssertEqual(q[1][1], -.infinity, "impossible actions keep the book's -inf")
        XCTAssertEqual(TabularPolicy.greedy(qValues: q).actions, [0, 0, 1])
        XCTAssertEqual(agent.currentLearningRate, 0.05 / (1 + 10_000 * 0.005), accuracy: 1e-15)
        // Off-policy: random exploration took every possible action about equally often.
        XCTAssertEqual(Double(agent.qTable.visitCount(state: 0, action: 1)) / Double(agent.qTable.visitCount(state: 0, action: 0)), 1, accuracy: 0.1)

        // Robbins–Monro in practice: a longer run (α falls to 1/160 of α0) gets much closer.
        config.learningRateDecay = 2e-3
        config.stepsPerIteration = 400_000
        let slower = try QLearningAgent.make(config: config, environment: try make("ThreeStateMDP-v0"))
        _ = try slower.trainIteration()
        for (s, a) in [(0, 0), (0, 1), (0, 2), (1, 2), (2, 1)] {
            XCTAssertEqual(slower.qTable.rows[s][a], optimal[s][a], accuracy: 0.3, "Q(\(s), \(a))")
        }
    }

    /// Slippery FrozenLake: the default configuration finds a policy whose success rate
    /// within the 100-step limit equals that of value iteration's policy at γ = 0.99.
    func testQLearningSolvesSlipperyFrozenLake() throws {
        let mdp = try frozenLakeModel()
        let planned = mdp.valueIteration(gamma: 0.99)
        let optimum = mdp.evaluatePolicy(planned.greedyPolicy, gamma: 1, tolerance: 0, maxIterations: 100).startValue
        XCTAssertEqual(optimum, 0.740, accuracy: 0.001)
        for seed: UInt64 in 0..<3 {
            let agent = try QLearningAgent.make(config: QLearningConfig(seed: seed), environment: try make("FrozenLake-v1"))
            var episodes: [EpisodeSummary] = []
            for _ in 0..<5 { episodes += try agent.trainIteration().episodes }
            XCTAssertEqual(agent.environmentSteps, 50_000)
            XCTAssertEqual(successRate(of: agent.qTable, on: mdp), optimum, accuracy: 0.005, "seed \(seed)")
            XCTAssertEqual(Double(agent.qTable[0, 0]), planned.values[0], accuracy: 0.15, "Q(start, left) ≈ V*(start)")
            XCTAssertGreaterThan(episodes.count, 1_000)
        }
        // Learning matters: the untrained greedy policy (always left) never reaches the goal.
        let untrained = try QLearningAgent.make(config: QLearningConfig(), environment: try make("FrozenLake-v1"))
        XCTAssertEqual(successRate(of: untrained.qTable, on: mdp), 0)
    }

    /// Géron's exploration function tries every action of every state it meets; without
    /// the bonus (k = 0) the same learner is greedy and does not.
    func testCountBasedExplorationVisitsEveryStateActionPair() throws {
        let mdp = try frozenLakeModel()
        let terminal = mdp.terminalStates
        func unvisited(_ agent: QLearningAgent) -> Int {
            (0..<16).filter { !terminal.contains($0) }.flatMap { s in (0..<4).map { (s, $0) } }
                .filter { agent.qTable.visitCount(state: $0.0, action: $0.1) == 0 }.count
        }
        let counting = try QLearningAgent.make(
            config: QLearningConfig(exploration: .countBased, explorationBonus: 5, stepsPerIteration: 2_000),
            environment: try make("FrozenLake-v1"))
        _ = try counting.trainIteration()
        XCTAssertEqual(unvisited(counting), 0)
        let greedy = try QLearningAgent.make(
            config: QLearningConfig(exploration: .countBased, explorationBonus: 0, stepsPerIteration: 2_000),
            environment: try make("FrozenLake-v1"))
        _ = try greedy.trainIteration()
        XCTAssertGreaterThan(unvisited(greedy), 10)

        // With k = 5 the learner also reaches the optimum on FrozenLake.
        let solver = try QLearningAgent.make(
            config: QLearningConfig(exploration: .countBased, explorationBonus: 5, stepsPerIteration: 50_000),
            environment: try make("FrozenLake-v1"))
        _ = try solver.trainIteration()
        XCTAssertEqual(successRate(of: solver.qTable, on: mdp), 0.740, accuracy: 0.005)
    }

    /// Sutton & Barto, Example 6.6 (α = 0.5, ε = 0.1, γ = 1, episodes 100–500 averaged over
    /// runs as in Figure 6.4): SARSA learns the safe path and earns more while exploring
    /// (about −25 per episode against Q-learning's −50), Q-learning walks the edge of the
    /// cliff, along the optimal path (−13).
    func testSARSATakesTheSaferPathOnCliffWalking() throws {
        var sarsaConfig = SARSAConfig.suttonBartoCliffWalking
        sarsaConfig.stepsPerIteration = 20_000
        var qConfig = QLearningConfig(learningRate: 0.5, learningRateDecay: 0, gamma: 1, exploration: .epsilonGreedy,
                                      epsilon: 0.1, stepsPerIteration: 20_000)
        let mdp = try XCTUnwrap(try make("CliffWalking-v1").unwrapped as? CliffWalking).mdp
        let edge = Array(25...34)  // the cells right above the cliff, start and goal columns excluded
        func edgeShare(_ table: QTable) -> Double {
            let total = table.visitCounts.reduce(0, +)
            return Double(edge.flatMap { s in (0..<4).map { table.visitCount(state: s, action: $0) } }.reduce(0, +)) / Double(total)
        }
        var sarsaReturns: [Double] = [], qReturns: [Double] = [], sarsaEdge: [Double] = [], qEdge: [Double] = []
        for seed: UInt64 in 0..<8 {
            sarsaConfig.seed = seed
            qConfig.seed = seed
            let sarsa = try SARSAAgent.make(config: sarsaConfig, environment: try make("CliffWalking-v1"))
            let qLearning = try QLearningAgent.make(config: qConfig, environment: try make("CliffWalking-v1"))
            let sarsaEpisodes = try sarsa.trainIteration().episodes
            let qEpisodes = try qLearning.trainIteration().episodes
            XCTAssertGreaterThanOrEqual(min(sarsaEpisodes.count, qEpisodes.count), 500)
            sarsaReturns.append(meanReturn(sarsaEpisodes[100..<500]))
            qReturns.append(meanReturn(qEpisodes[100..<500]))
            sarsaEdge.append(edgeShare(sarsa.qTable))
            qEdge.append(edgeShare(qLearning.qTable))
            let greedy = mdp.evaluatePolicy(.greedy(qValues: qLearning.qTable.rows), gamma: 1, tolerance: 0, maxIterations: 200)
            XCTAssertEqual(greedy.startValue, -13, "seed \(seed)")
        }
        func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(x.count) }
        XCTAssertEqual(mean(sarsaReturns), -25, accuracy: 5, "\(sarsaReturns)")
        XCTAssertEqual(mean(qReturns), -50, accuracy: 8, "\(qReturns)")
        XCTAssertGreaterThan(mean(qEdge), 2 * mean(sarsaEdge), "Q-learning \(qEdge), SARSA \(sarsaEdge)")
    }

    /// An agent checkpointed between iterations and restored into a fresh agent continues
    /// exactly as the uninterrupted one, for both rules (SARSA with episodes cut by the
    /// iteration boundary).
    func testCheckpointRestoreReproducesAnUninterruptedRun() throws {
        let qConfig = QLearningConfig(stepsPerIteration: 3_000, seed: 11)
        let sarsaConfig = SARSAConfig(epsilon: .linear(from: 1, to: 0.1, steps: 5_000), stepsPerIteration: 777, seed: 5)
        let pairs: [(() throws -> any Agent, String)] = [
            ({ try QLearningAgent.make(config: qConfig, environment: try make("FrozenLake-v1")) }, "q-learning"),
            ({ try QLearningAgent.make(config: QLearningConfig(exploration: .countBased, stepsPerIteration: 2_000),
                                       environment: try make("ThreeStateMDP-v0")) }, "count-based"),
            ({ try SARSAAgent.make(config: sarsaConfig, environment: try make("CliffWalking-v1")) }, "sarsa"),
        ]
        for (build, name) in pairs {
            let uninterrupted = try build()
            let reports = try (0..<4).map { _ in try uninterrupted.trainIteration() }

            let first = try build()
            for _ in 0..<2 { _ = try first.trainIteration() }
            let checkpoint = try first.checkpoint()
            _ = try first.trainIteration()  // the checkpoint must not share state with its agent
            let resumed = try build()
            try resumed.restore(from: checkpoint)
            XCTAssertEqual(resumed.iterations, 2, name)
            XCTAssertEqual(resumed.environmentSteps, uninterrupted.environmentSteps / 2, name)
            let resumedReports = try (0..<2).map { _ in try resumed.trainIteration() }
            for (a, b) in zip(reports.suffix(2), resumedReports) {
                XCTAssertEqual(a.episodes, b.episodes, name)
                XCTAssertEqual(a.scalars, b.scalars, name)
            }
            let finalA = try uninterrupted.checkpoint(), finalB = try resumed.checkpoint()
            XCTAssertEqual(try finalA.tensor(named: "q_values").scalars, try finalB.tensor(named: "q_values").scalars, name)
            XCTAssertEqual(finalA.metadata, finalB.metadata, name)
        }
    }

    /// A SARSA update waits for the next action; when the driver abandons the episode
    /// (asked for whole episodes), the update is made as after a truncation, so by the end
    /// of every episode each transition has been learned from exactly once.
    func testSARSACompletesTheUpdatesOfAnAbandonedEpisode() throws {
        let agent = try SARSAAgent.make(config: SARSAConfig(), environment: try make("CliffWalking-v1"))
        try agent.driver.run(steps: 5)
        XCTAssertEqual(agent.updates, 4, "the last transition waits for its next action")
        try agent.driver.run(episodes: 2)
        XCTAssertEqual(agent.updates, agent.environmentSteps)
    }

    func testSameSeedGivesTheSameTableAndAnotherSeedAnother() throws {
        func table(seed: UInt64) throws -> [Float] {
            let agent = try QLearningAgent.make(config: QLearningConfig(stepsPerIteration: 5_000, seed: seed),
                                                environment: try make("FrozenLake-v1"))
            _ = try agent.trainIteration()
            return agent.qTable.values
        }
        XCTAssertEqual(try table(seed: 1), try table(seed: 1))
        XCTAssertNotEqual(try table(seed: 1), try table(seed: 2))
    }

    /// Every field of the configuration reaches the learner.
    func testEveryHyperparameterChangesTheLearnedTable() throws {
        func table(_ config: QLearningConfig, iterations: Int = 1) throws -> [Float] {
            let agent = try QLearningAgent.make(config: config, environment: try make("FrozenLake-v1"))
            for _ in 0..<iterations { _ = try agent.trainIteration() }
            return agent.qTable.values
        }
        let base = QLearningConfig(stepsPerIteration: 2_000)
        let reference = try table(base, iterations: 2)
        var variants: [(String, QLearningConfig)] = []
        var c = base; c.learningRate = 0.2; variants.append(("learningRate", c))
        c = base; c.learningRateDecay = 1e-2; variants.append(("learningRateDecay", c))
        c = base; c.gamma = 0.9; variants.append(("gamma", c))
        c = base; c.exploration = .random; variants.append(("exploration", c))
        c = base; c.epsilon = 0.5; variants.append(("epsilon", c))
        c = base; c.stepsPerIteration = 1_999; variants.append(("stepsPerIteration", c))
        c = base; c.seed = 1; variants.append(("seed", c))
        for (field, variant) in variants {
            XCTAssertNotEqual(try table(variant, iterations: 2), reference, field)
        }
        var counting = base
        counting.exploration = .countBased
        var bonus = counting
        bonus.explorationBonus = 3
        XCTAssertNotEqual(try table(counting), try table(bonus), "explorationBonus")

        func sarsaTable(_ config: SARSAConfig) throws -> [Float] {
            let agent = try SARSAAgent.make(config: config, environment: try make("FrozenLake-v1"))
            _ = try agent.trainIteration()
            return agent.qTable.values
        }
        let sarsaBase = SARSAConfig(stepsPerIteration: 2_000)
        let sarsaReference = try sarsaTable(sarsaBase)
        var s = sarsaBase; s.learningRate = 0.2; XCTAssertNotEqual(try sarsaTable(s), sarsaReference, "SARSA learningRate")
        s = sarsaBase; s.learningRateDecay = 1e-2; XCTAssertNotEqual(try sarsaTable(s), sarsaReference, "SARSA learningRateDecay")
        s = sarsaBase; s.gamma = 0.9; XCTAssertNotEqual(try sarsaTable(s), sarsaReference, "SARSA gamma")
        s = sarsaBase; s.epsilon = 0.5; XCTAssertNotEqual(try sarsaTable(s), sarsaReference, "SARSA epsilon")
        s = sarsaBase; s.stepsPerIteration = 1_999; XCTAssertNotEqual(try sarsaTable(s), sarsaReference, "SARSA stepsPerIteration")
        s = sarsaBase; s.seed = 1; XCTAssertNotEqual(try sarsaTable(s), sarsaReference, "SARSA seed")
    }

    func testRestoreRejectsAnotherConfigurationOrAlgorithm() throws {
        let agent = try QLearningAgent.make(config: QLearningConfig(stepsPerIteration: 100), environment: try make("FrozenLake-v1"))
        _ = try agent.trainIteration()
        let checkpoint = try agent.checkpoint()
        let other = try QLearningAgent.make(config: QLearningConfig(gamma: 0.9, stepsPerIteration: 100), environment: try make("FrozenLake-v1"))
        XCTAssertThrowsError(try other.restore(from: checkpoint)) { error in
            XCTAssertTrue("\(error)".contains("differs in gamma (stored: gamma = 0.99)"), "\(error)")
        }
        let sarsa = try SARSAAgent.make(config: SARSAConfig(), environment: try make("FrozenLake-v1"))
        XCTAssertThrowsError(try sarsa.restore(from: checkpoint))
        let bigger = try QLearningAgent.make(config: QLearningConfig(stepsPerIteration: 100), environment: try make("FrozenLake8x8-v1"))
        XCTAssertThrowsError(try bigger.restore(from: checkpoint)) { error in
            XCTAssertTrue("\(error)".contains("[16, 4]"), "\(error)")
        }
    }

    func testRejectsNonTabularEnvironmentsAndBadConfigurations() throws {
        XCTAssertThrowsError(try QLearningAgent.make(config: QLearningConfig(), environment: try make("CartPole-v1"))) { error in
            guard case TabularAgentError.notTabular(let id, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(id, "CartPole-v1")
            XCTAssertTrue("\(error)".contains("continuous"), "\(error)")
        }
        let bad: [(String, QLearningConfig)] = [
            ("gamma", QLearningConfig(gamma: 1.5)),
            ("learningRate", QLearningConfig(learningRate: 0)),
            ("learningRateDecay", QLearningConfig(learningRateDecay: -1)),
            ("epsilon", QLearningConfig(epsilon: .linear(from: 2, to: 0, steps: 10))),
            ("explorationBonus", QLearningConfig(explorationBonus: -1)),
            ("stepsPerIteration", QLearningConfig(stepsPerIteration: 0)),
        ]
        for (field, config) in bad {
            XCTAssertThrowsError(try QLearningAgent.make(config: config, environment: try make("FrozenLake-v1"))) { error in
                guard case TabularAgentError.invalidConfiguration(let named, _) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(named, field)
            }
        }
        XCTAssertThrowsError(try SARSAAgent.make(config: SARSAConfig(gamma: -0.1), environment: try make("FrozenLake-v1")))
        XCTAssertThrowsError(try JSONDecoder().decode(TabularExploration.self, from: Data("\"greedy\"".utf8))) { error in
            XCTAssertTrue("\(error)".contains("'random', 'epsilon-greedy', 'count-based'"), "\(error)")
        }
        XCTAssertEqual(try JSONDecoder().decode(TabularExploration.self, from: Data("\"count-based\"".utf8)), .countBased)
    }

    /// When the observation is not the model's state index, the learner asks the environment
    /// for its legal actions in each state it meets, and never takes an impossible one
    /// (the environment would throw).
    func testLegalActionsComeFromTheEnvironmentWhenTheModelCannotBeRead() throws {
        let environment = ShiftedObservations(try ThreeStateMDP.makeEnvironment())
        var config = QLearningConfig.handsOnML
        config.stepsPerIteration = 10_000
        let agent = try QLearningAgent.make(config: config, environment: environment)
        _ = try agent.trainIteration()
        XCTAssertEqual(agent.qTable.possibleActions(in: 1), [0, 2])
        XCTAssertEqual(agent.qTable.possibleActions(in: 2), [1])
        XCTAssertEqual(TabularPolicy.greedy(qValues: agent.qTable.rows).actions, [0, 0, 1])
        var generator = RandomGenerator(seed: 0)
        XCTAssertEqual(try agent.policy.action(for: .discrete(12), using: &generator), .discrete(1))
    }

    /// Multi-discrete observations index the table as mixed-radix numbers.
    func testAliasedGridWorldObservationsIndexTheTable() throws {
        let environment = try make("AliasedGridWorld-v0")
        let indexer = try TabularStateIndexer(environment: environment)
        XCTAssertEqual(indexer.stateCount, 16)
        for state in 0..<8 {
            let observation = Observation.multiDiscrete(AliasedGridWorld.walls(around: state))
            XCTAssertEqual(try indexer.index(of: observation), AliasedGridWorld.index(of: observation))
        }
        XCTAssertThrowsError(try indexer.index(of: .multiDiscrete([2, 0, 0, 0])))
        let agent = try SARSAAgent.make(config: SARSAConfig(stepsPerIteration: 2_000), environment: environment)
        let report = try agent.trainIteration()
        XCTAssertFalse(report.episodes.isEmpty)
        XCTAssertLessThanOrEqual(report.episodes.map(\.length).reduce(0, +), 2_000)
        XCTAssertNotNil(report.scalars["losses/td_loss"])
        XCTAssertNotNil(report.scalars["charts/epsilon"])
    }
}

/// ThreeStateMDP observed as `10 + state`: the learner cannot take the observation for the
/// model's state index.
private final class ShiftedObservations: EnvironmentWrapper {
    let wrapped: any Environment
    init(_ environment: any Environment) { wrapped = environment }
    var observationSpace: Space { .discrete(3, start: 10) }

    func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        let (observation, info) = try wrapped.reset(seed: seed, options: options)
        return (.discrete(observation.discreteValue! + 10), info)
    }

    func step(_ action: Action) throws -> Step {
        var step = try wrapped.step(action)
        step.observation = .discrete(step.observation.discreteValue! + 10)
        return step
    }
}
