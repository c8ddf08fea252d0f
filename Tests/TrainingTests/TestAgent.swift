import Agents
import Environments
import Foundation
import Randomness
import Tensors
import Training

/// A small but real learner for testing the run machinery: hill climbing over the weights of
/// a linear CartPole policy (push right when w·s > 0). Its state spans every kind a
/// checkpoint holds: a tensor, a generator, a driver snapshot and counters.
final class HillClimbingAgent: Agent {
    struct Config: Codable, Sendable, Equatable {
        var episodesPerIteration = 2
        var noiseScale: Float = 0.5
    }

    static let algorithmName = "test-hill-climbing"
    let config: Config
    var weights: [Float] = [0, 0, 0, 0]
    var bestReturn = -Double.infinity
    var generator: RandomGenerator
    private(set) var iterations = 0
    private var candidate: [Float] = [0, 0, 0, 0]
    private var driver: Driver!
    private let statistics = EpisodeStatisticsBuffer(bufferSize: 1000)
    private(set) var policy: any Policy = RandomPolicy(actionSpace: .discrete(2))
    private(set) var collectPolicy: any Policy = RandomPolicy(actionSpace: .discrete(2))
    var environmentSteps: Int { driver.totalSteps }

    init(config: Config, context: RunContext) throws {
        self.config = config
        generator = RandomGenerator(seed: context.seed)
        policy = ScriptedPolicy(actionSpace: .discrete(2)) { [unowned self] step, _ in
            .discrete(zip(self.weights, step.observation.floats).map(*).reduce(0, +) > 0 ? 1 : 0)
        }
        collectPolicy = ScriptedPolicy(actionSpace: .discrete(2)) { [unowned self] step, _ in
            .discrete(zip(self.candidate, step.observation.floats).map(*).reduce(0, +) > 0 ? 1 : 0)
        }
        driver = Driver(environment: try context.makeEnvironment(), policy: collectPolicy, observers: [statistics],
                        seed: context.seed)
    }

    func trainIteration() throws -> IterationReport {
        candidate = weights.map { $0 + config.noiseScale * generator.normal() }
        let before = statistics.finishedCount
        try driver.run(episodes: config.episodesPerIteration)
        let count = statistics.finishedCount - before
        let returns = Array(statistics.returns.suffix(count)), lengths = Array(statistics.lengths.suffix(count))
        let mean = returns.reduce(0, +) / Double(returns.count)
        if mean > bestReturn {
            bestReturn = mean
            weights = candidate
        }
        iterations += 1
        return IterationReport(episodes: zip(returns, lengths).map { EpisodeSummary(episodeReturn: $0, length: $1) },
                               scalars: ["losses/best_return": bestReturn])
    }

    struct State: Codable { var generator: RandomGenerator; var driver: Driver.Snapshot; var iterations: Int; var bestReturn: Double }

    func checkpoint() throws -> AgentCheckpoint {
        var checkpoint = AgentCheckpoint(tensors: [("weights", Tensor(shape: [4], scalars: weights))])
        try checkpoint.encode(State(generator: generator, driver: driver.snapshot, iterations: iterations,
                                    bestReturn: bestReturn), forKey: "hill")
        return checkpoint
    }

    func restore(from checkpoint: AgentCheckpoint) throws {
        let tensor = try checkpoint.tensor(named: "weights")
        guard tensor.shape == [4] else { throw AgentCheckpointError.mismatch("weights have shape \(tensor.shape), expected [4]") }
        let state = try checkpoint.decode(State.self, forKey: "hill")
        weights = tensor.scalars
        generator = state.generator
        iterations = state.iterations
        bestReturn = state.bestReturn
        try driver.restore(state.driver)
    }

    static let entry = AlgorithmEntry(name: algorithmName, summary: "hill climbing (tests)", defaultConfig: Config(),
                                      defaultIterations: 6) { config, context in
        try HillClimbingAgent(config: config, context: context)
    }
}
