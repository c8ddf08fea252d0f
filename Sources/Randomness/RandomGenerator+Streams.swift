extension RandomGenerator {
    /// Returns a generator on a new, independent stream and advances `self` by four draws.
    ///
    /// The child's state is four draws of `self`, each passed through the bijective
    /// ``SplitMix64/mix(_:)``; this is hashing, not jumping. Jumps guarantee disjointness only
    /// within one flat family: a child made by jumping that then splits its own children lands
    /// on exactly the offsets of its siblings, so nested splits (run → workers → environments)
    /// would silently replay each other's numbers. A hashed child starts at an effectively
    /// random point of the 2^256 − 1 period instead, and the chance that any of n streams of
    /// length L overlap is about n²·L / 2^256, negligible at any scale a run reaches.
    public mutating func split() -> RandomGenerator {
        let words = (next(), next(), next(), next())
        var child = self
        child.s0 = SplitMix64.mix(words.0)
        child.s1 = SplitMix64.mix(words.1)
        child.s2 = SplitMix64.mix(words.2)
        child.s3 = SplitMix64.mix(words.3)
        if child.state == (0, 0, 0, 0) {
            // Four mixed words all zero has probability 2^-256; recover rather than trap.
            child = RandomGenerator(seed: words.0)
        }
        return child
    }

    /// Returns `count` generators on independent streams, for example one per environment in a
    /// vector environment or one per worker.
    ///
    /// The result depends only on the current state and `streams(n)` is a prefix of
    /// `streams(m)` for `n <= m`, so the k-th environment gets the same numbers whatever the
    /// number of environments. The streams are split (see ``split()``) from a copy that has
    /// been ``longJump()``ed first, so they are not derived from the very draws `self` is
    /// about to hand out to its own caller.
    public func streams(_ count: Int) -> [RandomGenerator] {
        precondition(count >= 0, "streams(_:) needs a non-negative count, got \(count)")
        var source = self
        source.longJump()
        var result: [RandomGenerator] = []
        result.reserveCapacity(count)
        for _ in 0..<count {
            result.append(source.split())
        }
        return result
    }
}
