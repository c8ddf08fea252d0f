extension RandomGenerator: Codable {
    private enum CodingKeys: String, CodingKey {
        case state
    }

    /// Restores a generator saved by ``encode(to:)``, continuing its sequence exactly.
    ///
    /// Throws `DecodingError.dataCorrupted` for a state that does not have four words or is
    /// all zeros, so a damaged checkpoint fails loudly instead of producing a stuck generator.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let words = try container.decode([UInt64].self, forKey: .state)
        guard words.count == 4 else {
            throw DecodingError.dataCorruptedError(
                forKey: .state, in: container,
                debugDescription: "xoshiro256++ state has 4 words, found \(words.count)")
        }
        guard words.contains(where: { $0 != 0 }) else {
            throw DecodingError.dataCorruptedError(
                forKey: .state, in: container,
                debugDescription: "xoshiro256++ cannot run from the all-zero state")
        }
        self.init(state: (words[0], words[1], words[2], words[3]))
    }

    /// Saves the four state words as `{"state": [s0, s1, s2, s3]}`.
    ///
    /// An array of integers rather than the tuple's four named fields keeps the format the same
    /// as the reference code's `uint64_t s[4]`, so other tools can read it.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode([s0, s1, s2, s3], forKey: .state)
    }
}
