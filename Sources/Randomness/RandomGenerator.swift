/// A seeded xoshiro256++ generator (Blackman and Vigna, "Scrambled linear pseudorandom number
/// generators", 2021): the generator every SwiftRL component draws from.
///
/// It is a value type so that copying it forks the sequence exactly, and its whole state is
/// four words so checkpoints can store and restore it bit for bit (see ``state`` and the
/// `Codable` conformance). Use ``split()`` or ``streams(_:)`` rather than reseeding with
/// nearby integers when several components need their own generator.
public struct RandomGenerator: RandomNumberGenerator, Hashable, Sendable {
    @usableFromInline internal var s0: UInt64
    @usableFromInline internal var s1: UInt64
    @usableFromInline internal var s2: UInt64
    @usableFromInline internal var s3: UInt64

    /// Creates a generator whose state is the first four SplitMix64 outputs for `seed`, the
    /// seeding the xoshiro authors recommend; every seed, zero included, gives a valid state.
    public init(seed: UInt64) {
        var seeder = SplitMix64(seed: seed)
        s0 = seeder.next()
        s1 = seeder.next()
        s2 = seeder.next()
        s3 = seeder.next()
    }

    /// Creates a generator from a raw state, for example one saved from ``state`` earlier.
    ///
    /// - Precondition: At least one word is non-zero; the all-zero state is a fixed point of
    ///   xoshiro and would only ever return zeros.
    public init(state: (UInt64, UInt64, UInt64, UInt64)) {
        precondition(
            state != (0, 0, 0, 0), "xoshiro256++ cannot run from the all-zero state")
        (s0, s1, s2, s3) = state
    }

    /// The four state words, in the order of the reference implementation's `s[0]...s[3]`.
    ///
    /// Reading and later assigning it rewinds the generator exactly, which is what resuming a
    /// checkpointed run needs.
    ///
    /// - Precondition: An assigned state has at least one non-zero word.
    public var state: (UInt64, UInt64, UInt64, UInt64) {
        get { (s0, s1, s2, s3) }
        set {
            precondition(
                newValue != (0, 0, 0, 0), "xoshiro256++ cannot run from the all-zero state")
            (s0, s1, s2, s3) = newValue
        }
    }

    /// Returns the next 64 random bits.
    ///
    /// Inlinable so that sampling loops in other modules specialise down to a few shifts and
    /// adds instead of a cross-module call per draw.
    @inlinable
    public mutating func next() -> UInt64 {
        let result = (s0 &+ s3).rotatedLeft(by: 23) &+ s0
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3.rotatedLeft(by: 45)
        return result
    }

    /// Advances the generator by 2^128 draws, as if `next()` had been called that many times.
    ///
    /// Applying it k times yields up to 2^128 non-overlapping subsequences of length 2^128,
    /// which is the guarantee to reach for when a flat set of streams must provably not
    /// overlap. The polynomial is the one published with the reference implementation.
    public mutating func jump() {
        applyJumpPolynomial(
            (0x180E_C6D3_3CFD_0ABA, 0xD5A6_1266_F0C9_392C,
             0xA958_2618_E03F_C9AA, 0x39AB_DC45_29B1_661C))
    }

    /// Advances the generator by 2^192 draws, leaving room for 2^128 ``jump()``s in between,
    /// so a two-level hierarchy of streams (e.g. machines, then threads) stays disjoint.
    public mutating func longJump() {
        applyJumpPolynomial(
            (0x76E1_5D3E_FEFD_CBBF, 0xC500_4E44_1C52_2FB3,
             0x7771_0069_854E_E241, 0x3910_9BB0_2ACB_E635))
    }

    /// Multiplies the state by the characteristic-polynomial residue `words` (low word first),
    /// the reference algorithm's way of jumping a linear engine ahead without stepping it.
    private mutating func applyJumpPolynomial(_ words: (UInt64, UInt64, UInt64, UInt64)) {
        var (j0, j1, j2, j3): (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        for word in [words.0, words.1, words.2, words.3] {
            for bit: UInt64 in 0..<64 {
                if word & (1 << bit) != 0 {
                    j0 ^= s0
                    j1 ^= s1
                    j2 ^= s2
                    j3 ^= s3
                }
                _ = next()
            }
        }
        (s0, s1, s2, s3) = (j0, j1, j2, j3)
    }
}

extension UInt64 {
    /// Rotation is not in the standard library; the shifts below compile to a single `rol`.
    @inlinable
    internal func rotatedLeft(by k: UInt64) -> UInt64 {
        (self << k) | (self >> (64 &- k))
    }
}
