import Agents
import Environments
import Foundation
import Networks
import Randomness
import XCTest

final class PolicySearchTests: XCTestCase {
    /// The mean return of `policy` over `episodes` CartPole-v1 episodes (500-step limit).
    private func meanReturn(of policy: any Policy, episodes: Int, seed: UInt64) throws -> Double {
        let statistics = EpisodeStatisticsBuffer(bufferSize: episodes)
        let driver = Driver(environment: try make("CartPole-v1"), policy: policy, observers: [statistics], seed: seed)
        try driver.run(episodes: episodes)
        return statistics.returns.reduce(0, +) / Double(episodes)
    }

    func testGeneticAlgorithmQuickRunImproves() throws {
        let config = GeneticAlgorithmConfig(populationSize: 20, eliteCount: 4, episodesPerCandidate: 3,
                                            maxEpisodeSteps: 200, seed: 5)
        let agent = try GeneticAlgorithmAgent(config: config, environment: try make("CartPole-v1"))
        XCTAssertEqual(agent.parameterCount, 4 * 5 + 5 + 5 * 2 + 2)
        var best: [Double] = [], mean: [Double] = []
        for _ in 0..<4 {
            let report = try agent.trainIteration()
            XCTAssertEqual(report.episodes.count, 20 * 3)
            XCTAssertTrue(report.episodes.allSatisfy { $0.length <= 200 })
            best.append(report.scalars["policy_search/best_fitness"]!)
            mean.append(report.scalars["policy_search/mean_fitness"]!)
        }
        XCTAssertEqual(agent.elites.count, 4)
        XCTAssertEqual(agent.eliteFitness, agent.eliteFitness.sorted(by: >))
        // Elitism: the best policy is re-evaluated on new episodes, so its fitness may dip,
        // but the population as a whole must get much better than the random first one.
        XCTAssertGreaterThan(mean.last!, 2 * mean.first!, "mean fitness \(mean)")
        XCTAssertGreaterThan(best.last!, 2 * mean.first!, "best fitness \(best), mean fitness \(mean)")
    }

    /// The done criterion: with the defaults (100 policies, 20 elites, 4 offspring each, 5
    /// episodes per fitness) the GA finds a policy averaging at least 195 over 100 episodes
    /// of CartPole-v1 with its 500-step limit, within a few generations.
    func testGeneticAlgorithmSolvesCartPole() throws {
        let agent = try GeneticAlgorithmAgent(config: GeneticAlgorithmConfig(seed: 0), environment: try make("CartPole-v1"))
        var evaluation = 0.0
        while agent.iterations < 6 && evaluation < 195 {
            _ = try agent.trainIteration()
            evaluation = try meanReturn(of: agent.policy, episodes: 100, seed: 12_345)
        }
        XCTAssertGreaterThanOrEqual(evaluation, 195, "after \(agent.iterations) generations")
    }

    func testGeneticAlgorithmResumeIsExact() throws {
        let config = GeneticAlgorithmConfig(populationSize: 12, eliteCount: 3, episodesPerCandidate: 2, maxEpisodeSteps: 60, seed: 9)
        let original = try GeneticAlgorithmAgent(config: config, environment: try make("CartPole-v1"))
        _ = try original.trainIteration()
        let checkpoint = try original.checkpoint()
        let expected = try (0..<2).map { _ in try original.trainIteration() }

        let resumed = try GeneticAlgorithmAgent(config: config, environment: try make("CartPole-v1"))
        try resumed.restore(from: checkpoint)
        XCTAssertEqual(resumed.iterations, 1)
        let actual = try (0..<2).map { _ in try resumed.trainIteration() }
        for (a, e) in zip(actual, expected) {
            XCTAssertEqual(a.episodes, e.episodes)
            XCTAssertEqual(a.scalars, e.scalars)
        }
        XCTAssertEqual(resumed.elites, original.elites)
        XCTAssertEqual(resumed.environmentSteps, original.environmentSteps)
        XCTAssertEqual(try meanReturn(of: resumed.policy, episodes: 3, seed: 1), try meanReturn(of: original.policy, episodes: 3, seed: 1))

        // A checkpoint taken before the first generation restores too.
        let fresh = try GeneticAlgorithmAgent(config: config, environment: try make("CartPole-v1"))
        let empty = try fresh.checkpoint()
        try resumed.restore(from: empty)
        XCTAssertEqual(resumed.iterations, 0)
        XCTAssertEqual(try resumed.trainIteration().episodes, try fresh.trainIteration().episodes)
    }

    func testEveryGeneticAlgorithmHyperparameterChangesTheSearch() throws {
        let base = GeneticAlgorithmConfig(populationSize: 8, eliteCount: 2, episodesPerCandidate: 2, maxEpisodeSteps: 40, seed: 1)
        func fingerprint(_ config: GeneticAlgorithmConfig) throws -> [[Float]] {
            let agent = try GeneticAlgorithmAgent(config: config, environment: try make("CartPole-v1"))
            var lengths: [Float] = []
            for _ in 0..<2 { lengths += try agent.trainIteration().episodes.map { Float($0.length) } }
            return agent.elites + [lengths]
        }
        let reference = try fingerprint(base)
        let variants: [(String, (inout GeneticAlgorithmConfig) -> Void)] = [
            ("populationSize", { $0.populationSize = 9 }),
            ("eliteCount", { $0.eliteCount = 3 }),
            ("mutationStandardDeviation", { $0.mutationStandardDeviation = 0.5 }),
            ("initialStandardDeviation", { $0.initialStandardDeviation = 0.5 }),
            ("episodesPerCandidate", { $0.episodesPerCandidate = 3 }),
            ("maxEpisodeSteps", { $0.maxEpisodeSteps = 15 }),
            ("hiddenUnits", { $0.hiddenUnits = [4] }),
            ("activation", { $0.activation = .tanh }),
            ("seed", { $0.seed = 2 }),
        ]
        for (name, change) in variants {
            var config = base
            change(&config)
            XCTAssertNotEqual(try fingerprint(config), reference, "\(name) changed nothing")
        }
    }

    func testRandomSearchKeepsTheBestAndImproves() throws {
        let config = RandomSearchConfig(candidatesPerIteration: 8, episodesPerCandidate: 3, maxEpisodeSteps: 200, seed: 2)
        let agent = try RandomSearchAgent(config: config, environment: try make("CartPole-v1"))
        var best: [Double] = []
        for _ in 0..<6 {
            let report = try agent.trainIteration()
            best.append(report.scalars["policy_search/best_fitness"]!)
        }
        XCTAssertEqual(best.last!, agent.bestFitness!)
        let random = try RandomSearchAgent(config: config, environment: try make("CartPole-v1"))
        let firstMean = try random.trainIteration().scalars["policy_search/mean_fitness"]!
        XCTAssertGreaterThan(try meanReturn(of: agent.policy, episodes: 20, seed: 77), 2 * firstMean,
                             "best fitness per iteration \(best), random candidates' mean \(firstMean)")
    }

    func testRandomSearchResumeIsExact() throws {
        let config = RandomSearchConfig(candidatesPerIteration: 4, episodesPerCandidate: 2, maxEpisodeSteps: 80, seed: 3)
        let original = try RandomSearchAgent(config: config, environment: try make("CartPole-v1"))
        _ = try original.trainIteration()
        let checkpoint = try original.checkpoint()
        let expected = try (0..<2).map { _ in try original.trainIteration() }
        let resumed = try RandomSearchAgent(config: config, environment: try make("CartPole-v1"))
        try resumed.restore(from: checkpoint)
        let actual = try (0..<2).map { _ in try resumed.trainIteration() }
        for (a, e) in zip(actual, expected) {
            XCTAssertEqual(a.episodes, e.episodes)
            XCTAssertEqual(a.scalars, e.scalars)
        }
        XCTAssertEqual(resumed.best, original.best)
        XCTAssertEqual(resumed.environmentSteps, original.environmentSteps)

        var other = config
        other.seed = 4
        XCTAssertThrowsError(try RandomSearchAgent(config: other, environment: try make("CartPole-v1")).restore(from: checkpoint))
    }

    func testEveryRandomSearchHyperparameterChangesTheSearch() throws {
        let base = RandomSearchConfig(candidatesPerIteration: 3, episodesPerCandidate: 2, maxEpisodeSteps: 40, seed: 1)
        func fingerprint(_ config: RandomSearchConfig) throws -> [Float] {
            let agent = try RandomSearchAgent(config: config, environment: try make("CartPole-v1"))
            var lengths: [Float] = []
            for _ in 0..<2 { lengths += try agent.trainIteration().episodes.map { Float($0.length) } }
            return agent.best! + lengths
        }
        let reference = try fingerprint(base)
        let variants: [(String, (inout RandomSearchConfig) -> Void)] = [
            ("candidatesPerIteration", { $0.candidatesPerIteration = 4 }),
            ("parameterStandardDeviation", { $0.parameterStandardDeviation = 0.3 }),
            ("episodesPerCandidate", { $0.episodesPerCandidate = 3 }),
            ("maxEpisodeSteps", { $0.maxEpisodeSteps = 15 }),
            ("hiddenUnits", { $0.hiddenUnits = [4] }),
            ("activation", { $0.activation = .tanh }),
            ("seed", { $0.seed = 2 }),
        ]
        for (name, change) in variants {
            var config = base
            change(&config)
            XCTAssertNotEqual(try fingerprint(config), reference, "\(name) changed nothing")
        }
    }

    func testConfigurationErrorsNameTheProblem() throws {
        XCTAssertThrowsError(try GeneticAlgorithmAgent(config: GeneticAlgorithmConfig(populationSize: 10, eliteCount: 10),
                                                       environment: try make("CartPole-v1"))) { error in
            XCTAssertTrue("\(error)".contains("eliteCount"), "\(error)")
        }
        XCTAssertThrowsError(try RandomSearchAgent(config: RandomSearchConfig(), environment: try make("Pendulum-v1"))) { error in
            XCTAssertTrue("\(error)".contains("Discrete action space"), "\(error)")
        }
        let decoded = try JSONDecoder().decode(GeneticAlgorithmConfig.self, from: Data(#"{"eliteCount": 10}"#.utf8))
        XCTAssertEqual(decoded.eliteCount, 10)
        XCTAssertEqual(decoded.populationSize, 100)
        let roundTrip = try JSONDecoder().decode(RandomSearchConfig.self, from: try JSONEncoder().encode(RandomSearchConfig(maxEpisodeSteps: 7)))
        XCTAssertEqual(roundTrip.maxEpisodeSteps, 7)
    }
}
