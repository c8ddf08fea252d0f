import Environments
import Randomness
import Tensors

/// Random search over the parameters of a neural-network policy (*Hands-On Machine
/// Learning*, ch. 18, "Policy Search": try many parameter values and keep the best): every
/// iteration draws ``RandomSearchConfig/candidatesPerIteration`` parameter vectors from
/// N(0, σ²I) and keeps whichever policy, the best so far included, has the highest mean
/// return on that iteration's episodes. The best so far plays the same episodes as the new
/// candidates, so a policy that was lucky once is replaced by one that is better.
public final class RandomSearchAgent: PolicySearchAgent, Agent {
    public static let algorithmName = "random-search"

    /// The hyperparameters the agent was built with.
    public let config: RandomSearchConfig
    /// The best parameters found so far (nil before the first iteration).
    public private(set) var best: [Float]?
    /// The best policy's fitness in the last iteration.
    public private(set) var bestFitness: Double?

    /// Builds the agent, or throws ``PolicySearchError`` for a configuration out of range or
    /// an environment without a `Discrete` action space.
    public init(config: RandomSearchConfig, environment: any Environment) throws {
        try config.validate()
        self.config = config
        try super.init(algorithm: "random search", environment: environment, maxEpisodeSteps: config.maxEpisodeSteps,
                       hiddenUnits: config.hiddenUnits, activation: config.activation, seed: config.seed)
    }

    /// The factory the algorithm registry calls: ``init(config:environment:)``.
    public static func make(config: RandomSearchConfig, environment: any Environment) throws -> RandomSearchAgent {
        try RandomSearchAgent(config: config, environment: environment)
    }

    /// Draws and evaluates one batch of candidates.
    public func trainIteration() throws -> IterationReport {
        var candidates: [[Float]] = best.map { [$0] } ?? []
        for _ in 0..<config.candidatesPerIteration {
            candidates.append(evaluator.randomParameters(standardDeviation: config.parameterStandardDeviation, using: &generator))
        }
        let seed = CandidateEvaluator.evaluationSeed(base: config.seed, iteration: iterations)
        let (episodes, fitness) = try evaluator.evaluateAll(candidates, episodes: config.episodesPerCandidate, seed: seed)
        // The first of equally fit candidates wins, so the incumbent keeps its place on a tie.
        var winner = 0
        for i in fitness.indices where fitness[i] > fitness[winner] { winner = i }
        best = candidates[winner]
        bestFitness = fitness[winner]
        evaluator.setBest(candidates[winner])
        iterations += 1
        return IterationReport(episodes: episodes, scalars: [
            "policy_search/best_fitness": fitness[winner],
            "policy_search/mean_fitness": fitness.reduce(0, +) / Double(fitness.count),
        ])
    }

    // MARK: Checkpoints

    private struct State: Codable {
        var iterations: Int
        var environmentSteps: Int
        var generator: RandomGenerator
        var bestFitness: Double?
    }

    /// The configuration, the best parameters, their fitness, the generator and the counters.
    public func checkpoint() throws -> AgentCheckpoint {
        var checkpoint = AgentCheckpoint()
        if let best { checkpoint.tensors.append((name: "best", tensor: Tensor(best))) }
        try checkpoint.encode(config, forKey: "config")
        try checkpoint.encode(State(iterations: iterations, environmentSteps: evaluator.environmentSteps,
                                    generator: generator, bestFitness: bestFitness), forKey: "state")
        return checkpoint
    }

    /// Restores a ``checkpoint()`` of an agent with the same configuration.
    public func restore(from checkpoint: AgentCheckpoint) throws {
        let saved = try checkpoint.decode(RandomSearchConfig.self, forKey: "config")
        guard saved == config else {
            throw AgentCheckpointError.mismatch("it was written with configuration \(saved), this agent has \(config)")
        }
        let state = try checkpoint.decode(State.self, forKey: "state")
        var restored: [Float]?
        if state.bestFitness != nil {
            let tensor = try checkpoint.tensor(named: "best")
            guard tensor.shape == [evaluator.parameterCount] else {
                throw AgentCheckpointError.mismatch("'best' has shape \(tensor.shape), expected [\(evaluator.parameterCount)]")
            }
            restored = tensor.scalars
        }
        best = restored
        bestFitness = state.bestFitness
        generator = state.generator
        iterations = state.iterations
        evaluator.environmentSteps = state.environmentSteps
        if let restored { evaluator.setBest(restored) }
    }
}
