import Environments
import Networks
import Randomness
import Tensors

/// Why a policy-search agent cannot be built.
public enum PolicySearchError: Error, Equatable, CustomStringConvertible {
    /// A hyperparameter is out of range.
    case invalidConfiguration(algorithm: String, reason: String)
    /// The environment's spaces are not ones the search handles.
    case unsupportedEnvironment(algorithm: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(algorithm, reason): return "\(algorithm) configuration: \(reason)"
        case let .unsupportedEnvironment(algorithm, reason): return "\(algorithm) cannot search on this environment: \(reason)"
        }
    }
}

/// Plays the greedy policy of an MLP whose parameters are given as one flat vector: the
/// fitness function of gradient-free policy search. Every candidate of an iteration plays
/// the same episodes (the same per-episode seeds, common random numbers), so differences in
/// fitness come from the policies and not from luckier starting states.
final class CandidateEvaluator {
    let environment: any Environment
    /// The network candidates are loaded into, and its greedy policy.
    let network: Sequential
    let policy: DiscreteNetworkPolicy
    /// A second network holding the best parameters found, for the agent's `policy`.
    let bestNetwork: Sequential
    let bestPolicy: DiscreteNetworkPolicy
    let parameterCount: Int
    /// Environment steps played by every evaluation so far.
    var environmentSteps = 0

    init(algorithm: String, environment: any Environment, maxEpisodeSteps: Int?, hiddenUnits: [Int],
         activation: Activation) throws {
        guard case let .discrete(actionCount, _) = environment.actionSpace else {
            throw PolicySearchError.unsupportedEnvironment(algorithm: algorithm, reason:
                "\(environment.id) has actions in \(environment.actionSpace); the searched policy takes the arg-max of "
                + "one output per action and needs a Discrete action space")
        }
        let environment: any Environment = maxEpisodeSteps.map { TimeLimit(environment, maxEpisodeSteps: $0) } ?? environment
        let featureShape = ObservationEncoder(space: environment.observationSpace).featureShape
        // The initial weights are replaced by candidates; the generator only builds the layers.
        var generator = RandomGenerator(seed: 0)
        func makeNetwork() -> Sequential {
            makeMultilayerPerceptron(inputShape: featureShape, hiddenUnits: hiddenUnits, activation: activation,
                                     outputCount: actionCount, generator: &generator)
        }
        network = makeNetwork()
        bestNetwork = makeNetwork()
        policy = try DiscreteNetworkPolicy(network: network, observationSpace: environment.observationSpace,
                                           actionSpace: environment.actionSpace, distribution: .categorical, mode: .greedy)
        bestPolicy = try DiscreteNetworkPolicy(network: bestNetwork, observationSpace: environment.observationSpace,
                                               actionSpace: environment.actionSpace, distribution: .categorical, mode: .greedy)
        self.environment = environment
        parameterCount = network.parameterCount
    }

    /// A vector of independent N(0, σ²) parameters.
    func randomParameters(standardDeviation: Double, using generator: inout RandomGenerator) -> [Float] {
        (0..<parameterCount).map { _ in generator.normal(mean: 0, standardDeviation: Float(standardDeviation)) }
    }

    /// The episodes `parameters` play from the episode seeds derived from `seed`.
    func evaluate(_ parameters: [Float], episodes: Int, seed: UInt64) throws -> [EpisodeSummary] {
        Self.load(parameters, into: network)
        let statistics = EpisodeStatisticsBuffer(bufferSize: episodes)
        let driver = Driver(environment: environment, policy: policy, observers: [statistics], seed: seed)
        try driver.run(episodes: episodes)
        environmentSteps += driver.totalSteps
        return zip(statistics.returns, statistics.lengths).map { EpisodeSummary(episodeReturn: $0, length: $1) }
    }

    /// Makes `parameters` the ones the agent's greedy `policy` acts with.
    func setBest(_ parameters: [Float]) {
        Self.load(parameters, into: bestNetwork)
    }

    /// The parameters of the best network, flat.
    var bestParameters: [Float] { bestNetwork.parameters.flatMap(\.detachedValue.scalars) }

    /// Copies a flat vector into the network's parameters, in ``Module/parameters`` order.
    static func load(_ parameters: [Float], into network: any Module) {
        var offset = 0
        parameters.withUnsafeBufferPointer { source in
            for parameter in network.parameters {
                let count = parameter.count
                precondition(offset + count <= source.count, "CandidateEvaluator: \(source.count) values for a larger network")
                parameter.update { $0.baseAddress!.update(from: source.baseAddress! + offset, count: count) }
                offset += count
            }
        }
        precondition(offset == parameters.count, "CandidateEvaluator: \(parameters.count) values for \(offset) parameters")
    }

    /// The seed of the episodes every candidate of iteration `iteration` plays.
    static func evaluationSeed(base: UInt64, iteration: Int) -> UInt64 {
        Driver.episodeSeed(base: base, copy: -1, episode: iteration)
    }

    /// The mean return of `episodes`.
    /// Every candidate plays the same `episodes` episodes (seeded from `seed`); returns all
    /// the episodes played and each candidate's fitness, in candidate order.
    func evaluateAll(_ candidates: [[Float]], episodes: Int, seed: UInt64) throws
        -> (episodes: [EpisodeSummary], fitness: [Double]) {
        var played: [EpisodeSummary] = []
        var fitness: [Double] = []
        for candidate in candidates {
            let summaries = try evaluate(candidate, episodes: episodes, seed: seed)
            played += summaries
            fitness.append(Self.fitness(summaries))
        }
        return (played, fitness)
    }

    static func fitness(_ episodes: [EpisodeSummary]) -> Double {
        episodes.isEmpty ? 0 : episodes.map(\.episodeReturn).reduce(0, +) / Double(episodes.count)
    }
}
