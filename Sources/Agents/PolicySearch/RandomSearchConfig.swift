import Networks

/// Hyperparameters of ``RandomSearchAgent``: how many random policies each iteration
/// tries, how their parameters are drawn, and how each is scored.
///
/// Keys missing from a decoded configuration take their default.
public struct RandomSearchConfig: Codable, Sendable, Equatable {
    /// New random policies evaluated per iteration (beside the best one so far).
    public var candidatesPerIteration: Int = 10
    /// σ of the N(0, σ²) distribution every parameter is drawn from.
    public var parameterStandardDeviation: Double = 1
    /// Episodes each policy plays per iteration; its fitness is their mean return.
    public var episodesPerCandidate: Int = 5
    /// Episodes are cut after this many steps; nil keeps the environment's own limit.
    public var maxEpisodeSteps: Int? = nil
    /// Widths of the policy MLP's hidden layers.
    public var hiddenUnits: [Int] = [5]
    /// Activation of the hidden layers.
    public var activation: Activation = .elu
    /// Seeds the candidates and every evaluation episode.
    public var seed: UInt64 = 0

    /// The defaults.
    public init() {}

    /// A configuration with the given values and defaults for the rest.
    public init(candidatesPerIteration: Int = 10, parameterStandardDeviation: Double = 1, episodesPerCandidate: Int = 5,
                maxEpisodeSteps: Int? = nil, hiddenUnits: [Int] = [5], activation: Activation = .elu, seed: UInt64 = 0) {
        self.candidatesPerIteration = candidatesPerIteration
        self.parameterStandardDeviation = parameterStandardDeviation
        self.episodesPerCandidate = episodesPerCandidate
        self.maxEpisodeSteps = maxEpisodeSteps
        self.hiddenUnits = hiddenUnits
        self.activation = activation
        self.seed = seed
    }

    private enum CodingKeys: String, CodingKey {
        case candidatesPerIteration, parameterStandardDeviation, episodesPerCandidate, maxEpisodeSteps, hiddenUnits
        case activation, seed
    }

    /// Decodes a configuration; missing keys take their defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = RandomSearchConfig()
        candidatesPerIteration = try c.decodeIfPresent(Int.self, forKey: .candidatesPerIteration) ?? d.candidatesPerIteration
        parameterStandardDeviation = try c.decodeIfPresent(Double.self, forKey: .parameterStandardDeviation) ?? d.parameterStandardDeviation
        episodesPerCandidate = try c.decodeIfPresent(Int.self, forKey: .episodesPerCandidate) ?? d.episodesPerCandidate
        maxEpisodeSteps = try c.decodeIfPresent(Int.self, forKey: .maxEpisodeSteps) ?? d.maxEpisodeSteps
        hiddenUnits = try c.decodeIfPresent([Int].self, forKey: .hiddenUnits) ?? d.hiddenUnits
        activation = try c.decodeIfPresent(Activation.self, forKey: .activation) ?? d.activation
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
    }

    /// Encodes every key, optional ones as null when unset.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(candidatesPerIteration, forKey: .candidatesPerIteration)
        try c.encode(parameterStandardDeviation, forKey: .parameterStandardDeviation)
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
        func fail(_ reason: String) -> PolicySearchError { .invalidConfiguration(algorithm: "random search", reason: reason) }
        guard candidatesPerIteration >= 1 else {
            throw fail("candidatesPerIteration must be at least 1, got \(candidatesPerIteration)")
        }
        guard parameterStandardDeviation > 0, parameterStandardDeviation.isFinite else {
            throw fail("parameterStandardDeviation must be positive, got \(parameterStandardDeviation)")
        }
        guard episodesPerCandidate >= 1 else { throw fail("episodesPerCandidate must be at least 1, got \(episodesPerCandidate)") }
        if let maxEpisodeSteps, maxEpisodeSteps < 1 {
            throw fail("maxEpisodeSteps must be at least 1 (or null for the environment's limit), got \(maxEpisodeSteps)")
        }
        guard hiddenUnits.allSatisfy({ $0 > 0 }) else { throw fail("hiddenUnits must all be positive, got \(hiddenUnits)") }
    }
}
