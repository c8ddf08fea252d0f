/// Steele, Lea and Flood's SplitMix64 generator, used to expand a single 64-bit seed into
/// the 256-bit state of ``RandomGenerator``.
///
/// xoshiro256++ behaves badly from low-entropy states such as `[seed, 0, 0, 0]`; Blackman and
/// Vigna recommend filling it with SplitMix64 output instead, whose every output is a bijective
/// mix of a counter and so cannot produce the all-zero state from fewer than four draws.
/// It is public so that seeds for other purposes (per-run, per-worker) can be derived the
/// same way other xoshiro implementations derive theirs.
public struct SplitMix64: RandomNumberGenerator, Hashable, Codable, Sendable {
    /// The Weyl-sequence counter; the whole state of the generator.
    public var state: UInt64

    /// Creates a generator whose first output is the SplitMix64 mix of `seed + 0x9E3779B97F4A7C15`,
    /// matching the reference C code so seeds agree with other implementations.
    public init(seed: UInt64) {
        state = seed
    }

    /// Advances the counter by the golden-ratio increment and returns its mixed value.
    @inlinable
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// The SplitMix64 output function (a variant of MurmurHash3's finaliser): a bijection on
    /// 64-bit words, so distinct inputs never collide.
    @inlinable
    public static func mix(_ word: UInt64) -> UInt64 {
        var z = word
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
