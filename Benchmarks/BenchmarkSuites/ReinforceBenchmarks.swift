import Agents
import Environments
import Foundation

/// `swiftrl bench reinforce`: *Hands-On Machine Learning*'s REINFORCE on CartPole, run in
/// full (150 iterations of 10 episodes of at most 200 steps, γ = 0.95, Adam 0.01) for
/// several seeds, measured as shared/anchors/reinforce_cartpole_tf2.py measures the
/// TensorFlow 2 original: training wall time, environment steps, and the mean return of the
/// first and last 10 iterations. A summary line gives the median and spread over the seeds
/// and the ratio to the anchor's recorded 506–929 s.
///
/// Two lines per seed follow for the chapter's other policy experiments: the genetic
/// algorithm's generations and time until its greedy policy averages at least 195 over 100
/// CartPole-v1 episodes (500-step limit), and, on the aliased grid world, the probability
/// of reaching the treasure of REINFORCE's softmax policy beside that of the best
/// deterministic memoryless policy (computed exactly over all 256).
public enum ReinforceBenchmarks {
    /// Options for a run.
    public struct Options: Sendable {
        /// Seeds to train, one full run each.
        public var seeds: [UInt64]
        /// Iterations per run (150 in the book).
        public var iterations: Int
        /// Also run the genetic algorithm to the CartPole criterion.
        public var geneticAlgorithm: Bool
        /// Also run the aliased grid world comparison.
        public var aliasedGridWorld: Bool

        /// Five seeds of the full 150 iterations, with the policy-search lines.
        public init(seeds: [UInt64] = [0, 1, 2, 3, 4], iterations: Int = 150, geneticAlgorithm: Bool = true,
                    aliasedGridWorld: Bool = true) {
            self.seeds = seeds
            self.iterations = iterations
            self.geneticAlgorithm = geneticAlgorithm
            self.aliasedGridWorld = aliasedGridWorld
        }

        /// Two seeds of 20 iterations, for a smoke test.
        public static let quick = Options(seeds: [0, 1], iterations: 20)
    }

    /// The anchor's recorded wall time range for 150 iterations (shared/anchors/README.md).
    public static let tensorFlowAnchorSeconds: ClosedRange<Double> = 506...929

    /// One line per seed, then a summary line, each handed to `emit` as soon as it is known.
    public static func run(_ options: Options = Options(), emit: (JSONLine) -> Void) throws {
        var walls: [Double] = [], lastMeans: [Double] = []
        for seed in options.seeds {
            let result = try textbookRun(seed: seed, iterations: options.iterations)
            walls.append(result.wall)
            lastMeans.append(result.last10)
            var line = JSONLine("reinforce_textbook")
            line.add("env", "CartPole-v1")
            line.add("seed", Int(seed))
            line.add("iterations", options.iterations)
            line.add("env_steps", result.steps)
            line.add("train_wall_s", result.wall, digits: 4)
            line.add("env_steps_per_s", Double(result.steps) / result.wall, digits: 0)
            line.add("first10_iter_mean_return", result.first10, digits: 1)
            line.add("last10_iter_mean_return", result.last10, digits: 1)
            emit(line)
        }
        var summary = JSONLine("reinforce_textbook_summary")
        summary.add("env", "CartPole-v1")
        summary.add("seeds", options.seeds.count)
        summary.add("iterations", options.iterations)
        let medianWall = median(walls)
        summary.addSpread("train_wall_s", walls, digits: 4)
        summary.add("last10_iter_mean_return_per_seed", lastMeans, digits: 1)
        summary.addSpread("last10_iter_mean_return", lastMeans, digits: 1)
        if options.iterations == 150 {
            // Recorded, not measured side by side: see shared/anchors/README.md.
            summary.add("tf2_anchor_wall_s", [tensorFlowAnchorSeconds.lowerBound, tensorFlowAnchorSeconds.upperBound], digits: 0)
            summary.add("speedup_vs_tf2_min", tensorFlowAnchorSeconds.lowerBound / medianWall, digits: 0)
            summary.add("speedup_vs_tf2_max", tensorFlowAnchorSeconds.upperBound / medianWall, digits: 0)
        }
        emit(summary)
        if options.geneticAlgorithm {
            for seed in options.seeds { emit(try geneticAlgorithmRun(seed: seed)) }
        }
        if options.aliasedGridWorld {
            for seed in options.seeds { emit(try aliasedGridWorldRun(seed: seed)) }
        }
    }

    /// One full textbook run: wall time from the agent's creation to the last update, as the
    /// anchor times its training loop.
    static func textbookRun(seed: UInt64, iterations: Int) throws -> (wall: Double, steps: Int, first10: Double, last10: Double) {
        let environment = try make("CartPole-v1")
        let start = nanoseconds()
        let agent = try REINFORCEAgent.make(config: REINFORCEConfig(seed: seed), environment: environment)
        var means: [Double] = []
        for _ in 0..<iterations {
            let report = try agent.trainIteration()
            means.append(report.episodes.map(\.episodeReturn).reduce(0, +) / Double(report.episodes.count))
        }
        let wall = Double(nanoseconds() - start) / 1e9
        let first = means.prefix(10), last = means.suffix(10)
        return (wall, agent.environmentSteps, first.reduce(0, +) / Double(first.count), last.reduce(0, +) / Double(last.count))
    }

    /// Generations of the default genetic algorithm (100 policies, 20 elites, 4 offspring
    /// each, 5 episodes per fitness) until the best policy averages 195 over 100 episodes.
    /// The wall time counts the generations only, not the 100-episode checks.
    static func geneticAlgorithmRun(seed: UInt64, maxGenerations: Int = 30) throws -> JSONLine {
        let agent = try GeneticAlgorithmAgent(config: GeneticAlgorithmConfig(seed: seed), environment: try make("CartPole-v1"))
        var training = 0.0, evaluation = 0.0
        while agent.iterations < maxGenerations && evaluation < 195 {
            let start = nanoseconds()
            _ = try agent.trainIteration()
            training += Double(nanoseconds() - start) / 1e9
            evaluation = try meanReturn(of: agent.policy, env: "CartPole-v1", episodes: 100, seed: 1_000_000 + seed)
        }
        var line = JSONLine("genetic_algorithm_cartpole")
        line.add("env", "CartPole-v1")
        line.add("seed", Int(seed))
        line.add("solved", evaluation >= 195)
        line.add("generations", agent.iterations)
        line.add("env_steps", agent.environmentSteps)
        line.add("train_wall_s", training, digits: 4)
        line.add("eval_100_episodes_mean_return", evaluation, digits: 1)
        return line
    }

    /// REINFORCE with a softmax over the 4 actions of the one-hot wall pattern (no hidden
    /// layer), 60 iterations of 10 episodes, against every deterministic memoryless policy.
    static func aliasedGridWorldRun(seed: UInt64) throws -> JSONLine {
        let observationOf = (0..<AliasedGridWorld.mdp.stateCount).map {
            AliasedGridWorld.index(of: .multiDiscrete(AliasedGridWorld.walls(around: $0)))!
        }
        let deterministic = MemorylessPolicyEvaluation.deterministicPolicies(
            mdp: AliasedGridWorld.mdp, observationOf: observationOf, horizon: 100)
        let environment = TransformObservation(try make("AliasedGridWorld-v0"), observationSpace: .discrete(16)) {
            .discrete(AliasedGridWorld.index(of: $0)!)
        }
        let config = REINFORCEConfig(gamma: 0.9, learningRate: 0.1, maxEpisodeSteps: nil, hiddenUnits: [],
                                     policyHead: .categorical, seed: seed)
        let start = nanoseconds()
        let agent = try REINFORCEAgent.make(config: config, environment: environment)
        for _ in 0..<60 { _ = try agent.trainIteration() }
        let wall = Double(nanoseconds() - start) / 1e9
        var probabilities: [Int: [Double]] = [:]
        for o in Set(observationOf) { probabilities[o] = try agent.samplingPolicy.probabilities(for: .discrete(o)) }
        let learned = MemorylessPolicyEvaluation.evaluate(mdp: AliasedGridWorld.mdp, observationOf: observationOf,
                                                          actionProbabilities: probabilities, horizon: 100)
        let aliased = probabilities[observationOf[1]]!
        var line = JSONLine("aliased_grid_world")
        line.add("env", "AliasedGridWorld-v0")
        line.add("seed", Int(seed))
        line.add("deterministic_policies", deterministic.count)
        line.add("best_deterministic_treasure_probability", deterministic[0].result.terminationProbability[AliasedGridWorld.treasure])
        line.add("reinforce_treasure_probability", learned.terminationProbability[AliasedGridWorld.treasure])
        line.add("reinforce_aliased_cell_east_west", [aliased[1], aliased[3]])
        line.add("env_steps", agent.environmentSteps)
        line.add("train_wall_s", wall, digits: 4)
        return line
    }
}
