import Networks

/// Hyperparameters of ``GeneticAlgorithmAgent``. The defaults keep the 20 best of 100
/// policies each generation and breed 4 Gaussian-mutated offspring from each (*Hands-On
/// Machine Learning*, ch. 18, "Policy Search"; the truncation selection and elitism of
/// Such et al. 2017, "Deep Neuroevolution"), on the book's 4-5-n network.
///
/// Keys missing from a decoded configuration take their default.
public struct GeneticAlgorithmConfig: Codable, Sendable, Equatable {
    /// Policies evaluated per generation (Such et al.'s N).
    public var populationSize: Int = 100
    /// The best policies kept as parents of the next generation, unchanged (Such et al.'s T).
    public var eliteCount: Int = 20
    /// σ of the Gaussian noise added to every parameter of an offspring.
    public var mutationStandardDeviation: Double = 0.1
    /// σ of the N(0, σ²) parameters of the first generation.
    public var initialStandardDeviation: Double = 1
    /// Episodes each policy plays per generation; its fitness is their mean return.
    public var episodesPerCandidate: Int = 5
    /// Episodes are cut after this many steps; nil keeps the environment's own limit.
    public var maxEpisodeSteps: Int? = nil
    /// Widths of the policy MLP's hidden layers.
    public var hiddenUnits: [Int] = [5]
    /// Activation of the hidden layers.
    public var activation: Activation = .elu
    /// Seeds the first generation, the mutations and every evaluation episode.
    public var seed: UInt64 = 0

    /// The defaults.
    public init() {}

    /// A configuration with the given values and defaults for the rest.
    public init(populationSize: Int = 100, eliteCount: Int = 20, mutationStandardDeviation: Double = 0.1,
                initialStandardDeviation: Double = 1, episodesPerCandidate: Int = 5, maxEpisodeSteps: Int? = nil,
                hiddenUnits: [Int] = [5], activation: Activation = .elu, seed: UInt64 = 0) {
        self.populationSize = populationSize
        self.eliteCount = eliteCount
        self.mutationStandardDeviation = mutationStandardDeviation
        self.initialStandardDeviation = initialStandardDeviation
        self.episodesPerCandidate = episodesPerCandidate
        self.maxEpisodeSteps = maxEpisodeSteps
        self.hiddenUnits = hiddenUnits
        self.activation = activation
        self.seed = seed
    }

    private enum CodingKeys: String, CodingKey {
        case populationSize, eliteCount, mutationStandardDeviation, initialStandardDeviation, episodesPerCandidate
        case maxEpisodeSteps, hiddenUnits, activation, seed
    }

    /// Decodes a configuration; missing keys take their defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = GeneticAlgorithmConfig()
        populationSize = try c.decodeIfPresent(Int.self, forKey: .populationSize) ?? d.populationSize
        eliteCount = try c.decodeIfPresent(Int.self, forKey: .eliteCount) ?? d.eliteCount
        mutationStandardDeviation = try c.decodeIfPresent(Double.self, forKey: .mutationStandardDeviation) ?? d.mutationStandardDeviation
        initialStandardDeviation = try c.decodeIfPresent(Double.self, forKey: .initialStandardDeviation) ?? d.initialStandardDeviation
        episodesPerCandidate = try c.decodeIfPresent(Int.self, forKey: .episodesPerCandidate) ?? d.episodesPerCandidate
        maxEpisodeSteps = try c.decodeIfPresent(Int.self, forKey: .maxEpisodeSteps) ?? d.maxEpisodeSteps
        hiddenUnits = try c.decodeIfPresent([Int].self, forKey: .hiddenUnits) ?? d.hiddenUnits
        activation = try c.decodeIfPresent(Activation.self, forKey: .activation) ?? d.activation
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
    }

    /// Encodes every key, optional ones as null when unset.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(populationSize, forKey: .populationSize)
        try c.encode(eliteCount, forKey: .eliteCount)
        try c.encode(mutationStandardDeviation, forKey: .mutationStandardDeviation)
        try c.encode(initialStandardDeviation, forKey: .initialStandardDeviation)
        try c.encode(episodesPerCandidate, forKey: .episodesPerCandidate)
        // nil is written as null rather than left out, so the key shows in a dumped default config.
        try c.encode(maxEpisodeSteps, forKey: .maxEpisodeSteps)
        try c.encode(hiddenUnits, forKey: .hiddenUnits)
        try c.encode(activation, forKey: .activation)
        try c.encode(seed, forKey: .seed)
    }

    /// Throws ``PolicySearchError/invalidConfiguration(algorithm:reason:)`` naming the first
    /// value out of range.
    public func validate() throws {
        func fail(_ reason: String) -> PolicySearchError { .invalidConfiguration(algorithm: "genetic algorithm", reason: reason) }
        guard populationSize >= 2 else { throw fail("populationSize must be at least 2, got \(populationSize)") }
        guard (1..<populationSize).contains(eliteCount) else {
            throw fail("eliteCount must lie in 1..<populationSize (1..<\(populationSize)), got \(eliteCount)")
        }
        guard mutationStandardDeviation > 0, mutationStandardDeviation.isFinite else {
            throw fail("mutationStandardDeviation must be positive, got \(mutationStandardDeviation)")
        }
        guard initialStandardDeviation > 0, initialStandardDeviation.isFinite else {
            throw fail("initialStandardDeviation must be positive, got \(initialStandardDeviation)")
        }
        guard episodesPerCandidate >= 1 else { throw fail("episodesPerCandidate must be at least 1, got \(episodesPerCandidate)") }
        if let maxEpisodeSteps, maxEpisodeSteps < 1 {
            throw fail("maxEpisodeSteps must be at least 1 (or null for the environment's limit), got \(maxEpisodeSteps)")
        }
        guard hiddenUnits.allSatisfy({ $0 > 0 }) else { throw fail("hiddenUnits must all be positive, got \(hiddenUnits)") }
    }
}
