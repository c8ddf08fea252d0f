import Environments
import Randomness
import Tensors

/// A genetic algorithm over the parameters of a neural-network policy (*Hands-On Machine
/// Learning*, ch. 18, "Policy Search"; Such et al. 2017, "Deep Neuroevolution"): keep the
/// ``GeneticAlgorithmConfig/eliteCount`` fittest policies of a generation, unchanged, and fill
/// the rest of the next one with their offspring `θ + σ ε`, ε ~ N(0, I), taking the parents
/// in turn. Fitness is the mean return of the greedy policy (the arg-max of the outputs)
/// over a few episodes; every policy of a generation plays the same episodes, elites
/// included, so a policy survives by being good rather than by having been lucky once.
///
/// One iteration is one generation: the first evaluates ``GeneticAlgorithmConfig/populationSize``
/// random policies, each later one the elites and their offspring.
public final class GeneticAlgorithmAgent: PolicySearchAgent, Agent {
    public static let algorithmName = "genetic-algorithm"

    /// The hyperparameters the agent was built with.
    public let config: GeneticAlgorithmConfig
    /// The parents of the next generation, fittest first (empty before the first generation).
    public private(set) var elites: [[Float]] = []
    /// The elites' fitness in the generation that selected them.
    public private(set) var eliteFitness: [Double] = []

    /// Builds the agent, or throws ``PolicySearchError`` for a configuration out of range or
    /// an environment without a `Discrete` action space.
    public init(config: GeneticAlgorithmConfig, environment: any Environment) throws {
        try config.validate()
        self.config = config
        try super.init(algorithm: "genetic algorithm", environment: environment, maxEpisodeSteps: config.maxEpisodeSteps,
                       hiddenUnits: config.hiddenUnits, activation: config.activation, seed: config.seed)
    }

    /// The factory the algorithm registry calls: ``init(config:environment:)``.
    public static func make(config: GeneticAlgorithmConfig, environment: any Environment) throws -> GeneticAlgorithmAgent {
        try GeneticAlgorithmAgent(config: config, environment: environment)
    }

    /// Breeds, evaluates and selects one generation.
    public func trainIteration() throws -> IterationReport {
        var population: [[Float]]
        if elites.isEmpty {
            population = (0..<config.populationSize).map { _ in
                evaluator.randomParameters(standardDeviation: config.initialStandardDeviation, using: &generator)
            }
        } else {
            population = elites
            let sigma = Float(config.mutationStandardDeviation)
            for child in 0..<(config.populationSize - elites.count) {
                var offspring = elites[child % elites.count]
                for i in offspring.indices { offspring[i] += sigma * generator.normal() }
                population.append(offspring)
            }
        }
        let seed = CandidateEvaluator.evaluationSeed(base: config.seed, iteration: iterations)
        let (episodes, fitness) = try evaluator.evaluateAll(population, episodes: config.episodesPerCandidate, seed: seed)
        // Stable: among equally fit policies the earlier one (an elite before its offspring) wins.
        let ranking = population.indices.sorted { fitness[$0] != fitness[$1] ? fitness[$0] > fitness[$1] : $0 < $1 }
        let selected = ranking.prefix(config.eliteCount)
        elites = selected.map { population[$0] }
        eliteFitness = selected.map { fitness[$0] }
        evaluator.setBest(elites[0])
        iterations += 1
        return IterationReport(episodes: episodes, scalars: [
            "policy_search/best_fitness": eliteFitness[0],
            "policy_search/elite_mean_fitness": eliteFitness.reduce(0, +) / Double(eliteFitness.count),
            "policy_search/mean_fitness": fitness.reduce(0, +) / Double(fitness.count),
        ])
    }

    // MARK: Checkpoints

    private struct State: Codable {
        var iterations: Int
        var environmentSteps: Int
        var generator: RandomGenerator
        var eliteFitness: [Double]
    }

    /// The configuration, the elites, their fitness, the generator and the counters.
    public func checkpoint() throws -> AgentCheckpoint {
        var checkpoint = AgentCheckpoint()
        if !elites.isEmpty {
            checkpoint.tensors.append((name: "elites", tensor: Tensor(shape: [elites.count, evaluator.parameterCount],
                                                                      scalars: elites.flatMap { $0 })))
        }
        try checkpoint.encode(config, forKey: "config")
        try checkpoint.encode(State(iterations: iterations, environmentSteps: evaluator.environmentSteps,
                                    generator: generator, eliteFitness: eliteFitness), forKey: "state")
        return checkpoint
    }

    /// Restores a ``checkpoint()`` of an agent with the same configuration.
    public func restore(from checkpoint: AgentCheckpoint) throws {
        let saved = try checkpoint.decode(GeneticAlgorithmConfig.self, forKey: "config")
        guard saved == config else {
            throw AgentCheckpointError.mismatch("it was written with configuration \(saved), this agent has \(config)")
        }
        let state = try checkpoint.decode(State.self, forKey: "state")
        var restored: [[Float]] = []
        if !state.eliteFitness.isEmpty {
            let tensor = try checkpoint.tensor(named: "elites")
            guard tensor.shape == [state.eliteFitness.count, evaluator.parameterCount] else {
                throw AgentCheckpointError.mismatch("'elites' has shape \(tensor.shape), expected "
                    + "[\(state.eliteFitness.count), \(evaluator.parameterCount)]")
            }
            let values = tensor.scalars, width = evaluator.parameterCount
            restored = (0..<state.eliteFitness.count).map { Array(values[($0 * width)..<(($0 + 1) * width)]) }
        }
        elites = restored
        eliteFitness = state.eliteFitness
        generator = state.generator
        iterations = state.iterations
        evaluator.environmentSteps = state.environmentSteps
        if let best = elites.first { evaluator.setBest(best) }
    }
}
