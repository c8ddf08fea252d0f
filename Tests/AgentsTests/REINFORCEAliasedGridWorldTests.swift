import Agents
import Environments
import Randomness
import XCTest

/// Silver's aliased grid world (RL course, lecture 7): the second and fourth corridor cells
/// look alike, so every deterministic memoryless policy sends both the same way and loops on
/// one side, while a stochastic one reaches the treasure from everywhere.
final class REINFORCEAliasedGridWorldTests: XCTestCase {
    /// The observation index (0..<16) of every state's wall pattern.
    private let observationOf = (0..<8).map { AliasedGridWorld.index(of: .multiDiscrete(AliasedGridWorld.walls(around: $0)))! }

    /// The world observed as one of 16 wall patterns, which the policy sees one-hot.
    private func makeWorld() throws -> any Environment {
        TransformObservation(try make("AliasedGridWorld-v0"), observationSpace: .discrete(16)) {
            .discrete(AliasedGridWorld.index(of: $0)!)
        }
    }

    /// The fraction of `episodes` episodes of `policy` that end on the treasure (+1).
    private func treasureRate(_ policy: any Policy, episodes: Int, seed: UInt64) throws -> Double {
        let statistics = EpisodeStatisticsBuffer(bufferSize: episodes)
        let driver = Driver(environment: try makeWorld(), policy: policy, observers: [statistics], seed: seed)
        try driver.run(episodes: episodes)
        return Double(statistics.returns.filter { $0 > 0 }.count) / Double(episodes)
    }

    func testBestDeterministicPolicyReachesTheTreasureHalfTheTime() throws {
        // The corridor's patterns: west end 0b1001, aliased cells 0b1010, middle 0b1000, east end 0b1100.
        XCTAssertEqual(Array(observationOf.prefix(5)), [9, 10, 8, 10, 12])
        let policies = MemorylessPolicyEvaluation.deterministicPolicies(mdp: AliasedGridWorld.mdp, observationOf: observationOf,
                                                                        horizon: 100)
        XCTAssertEqual(policies.count, 256)
        let best = policies[0]
        // From the two starts on one side the policy walks to the middle and goes south; from
        // the other two it bounces between an aliased cell and the end of the corridor.
        XCTAssertEqual(best.result.expectedReturn, 0.5, accuracy: 1e-12)
        XCTAssertEqual(best.result.terminationProbability[AliasedGridWorld.treasure], 0.5, accuracy: 1e-12)
        XCTAssertEqual(best.actions[8], 2, "south from the middle cell")
        // Six policies tie: east or west at the aliased cells, and at the corridor end they
        // cannot leave anything but south (into danger).
        let optimal = policies.filter { $0.result.expectedReturn >= 0.5 - 1e-12 }
        XCTAssertEqual(optimal.count, 6)
        XCTAssertTrue(optimal.allSatisfy { [1, 3].contains($0.actions[10]!) && $0.actions[8] == 2 })

        // The same policy played through the driver agrees with the exact evaluation.
        let table = best.actions
        let played = ScriptedPolicy(actionSpace: .discrete(4)) { timeStep, _ in .discrete(table[timeStep.observation.discreteValue!]!) }
        XCTAssertEqual(try treasureRate(played, episodes: 400, seed: 1), 0.5, accuracy: 0.08)
    }

    func testREINFORCELearnsAStochasticPolicyThatBeatsEveryDeterministicOne() throws {
        let config = REINFORCEConfig(gamma: 0.9, learningRate: 0.1, maxEpisodeSteps: nil, hiddenUnits: [],
                                     policyHead: .categorical, seed: 0)
        let agent = try REINFORCEAgent.make(config: config, environment: try makeWorld())
        for _ in 0..<60 { _ = try agent.trainIteration() }

        var probabilities: [Int: [Double]] = [:]
        for o in Set(observationOf) { probabilities[o] = try agent.samplingPolicy.probabilities(for: .discrete(o)) }
        // At the aliased cells the learned policy goes east or west at random.
        let aliased = probabilities[10]!
        XCTAssertGreaterThan(aliased[1], 0.25, "east at the aliased cells: \(aliased)")
        XCTAssertGreaterThan(aliased[3], 0.25, "west at the aliased cells: \(aliased)")
        let exact = MemorylessPolicyEvaluation.evaluate(mdp: AliasedGridWorld.mdp, observationOf: observationOf,
                                                        actionProbabilities: probabilities, horizon: 100)
        XCTAssertGreaterThan(exact.terminationProbability[AliasedGridWorld.treasure], 0.9)
        XCTAssertGreaterThan(try treasureRate(agent.collectPolicy, episodes: 400, seed: 2), 0.85)
    }
}
