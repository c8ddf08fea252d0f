import Environments
import Networks
import Randomness

/// What ``GeneticAlgorithmAgent`` and ``RandomSearchAgent`` share: a ``CandidateEvaluator``
/// that loads parameter vectors into one MLP policy and plays them, the generator the
/// candidates are drawn from, and the counters. Subclasses choose how candidates are bred.
public class PolicySearchAgent {
    let evaluator: CandidateEvaluator
    var generator: RandomGenerator
    public internal(set) var iterations = 0

    init(algorithm: String, environment: any Environment, maxEpisodeSteps: Int?, hiddenUnits: [Int],
         activation: Activation, seed: UInt64) throws {
        evaluator = try CandidateEvaluator(algorithm: algorithm, environment: environment,
                                           maxEpisodeSteps: maxEpisodeSteps, hiddenUnits: hiddenUnits,
                                           activation: activation)
        generator = RandomGenerator(seed: seed)
    }

    /// The environment the candidates play (with a ``TimeLimit`` when configured).
    public var environment: any Environment { evaluator.environment }
    /// The greedy policy of the best parameters found so far.
    public var policy: any Policy { evaluator.bestPolicy }
    /// The greedy policy the candidates are loaded into while they are evaluated.
    public var collectPolicy: any Policy { evaluator.policy }
    public var environmentSteps: Int { evaluator.environmentSteps }
    /// The number of parameters of one policy.
    public var parameterCount: Int { evaluator.parameterCount }
}
