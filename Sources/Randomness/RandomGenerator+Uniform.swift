extension RandomGenerator {
    /// Returns a float uniformly distributed in [0, 1), built from the top 24 bits of one draw.
    ///
    /// Every result is a multiple of 2^-24, the spacing of floats just below 1, so all values
    /// are equally likely and 1 is never produced; the top bits are used because xoshiro's
    /// lowest bits are its weakest.
    @inlinable
    public mutating func uniformFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// Returns a double uniformly distributed in [0, 1), built from the top 53 bits of one draw.
    @inlinable
    public mutating func uniformDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Returns a float uniformly distributed in the half-open `range`, using one draw.
    ///
    /// - Precondition: The range is non-empty and its width is finite.
    @inlinable
    public mutating func uniform(in range: Range<Float>) -> Float {
        let low = range.lowerBound
        let high = range.upperBound
        let width = high - low
        precondition(width > 0 && width.isFinite, "uniform(in:) needs a non-empty, finite range")
        let x = low + width * uniformFloat()
        // `low + width * u` can round up to `high` even though u < 1.
        return x < high ? x : high.nextDown
    }

    /// Returns a float uniformly distributed in the closed `range`, both bounds reachable, using
    /// one draw.
    ///
    /// - Precondition: The range's width is finite.
    @inlinable
    public mutating func uniform(in range: ClosedRange<Float>) -> Float {
        let low = range.lowerBound
        let high = range.upperBound
        let width = high - low
        precondition(width.isFinite, "uniform(in:) needs a finite range")
        let bits = next() >> 40
        // Dividing by 2^24 - 1 maps the largest draw to exactly 1, but `low + width` may still
        // round below `high`, so the top draw returns the bound itself.
        if bits == 0xFF_FFFF { return high }
        return min(low + width * (Float(bits) / 0xFF_FFFF), high)
    }

    /// Returns an integer uniformly distributed in `0..<n`, without modulo bias.
    ///
    /// Lemire's multiply-and-reject method ("Fast random integer generation in an interval",
    /// 2019): one draw and one multiplication in all but a fraction n / 2^64 of calls.
    ///
    /// - Precondition: `n > 0`.
    @inlinable
    public mutating func int(below n: Int) -> Int {
        precondition(n > 0, "int(below:) needs a positive bound, got \(n)")
        return Int(truncatingIfNeeded: bounded(below: UInt64(n)))
    }

    /// Returns an integer uniformly distributed in the half-open `range`.
    ///
    /// - Precondition: The range is non-empty.
    @inlinable
    public mutating func int(in range: Range<Int>) -> Int {
        precondition(!range.isEmpty, "int(in:) needs a non-empty range")
        // The width is computed with wrapping arithmetic so `Int.min..<Int.max` works too.
        let width = UInt64(
            truncatingIfNeeded: UInt(bitPattern: range.upperBound &- range.lowerBound))
        return range.lowerBound &+ Int(truncatingIfNeeded: bounded(below: width))
    }

    /// Returns an integer uniformly distributed in the closed `range`.
    @inlinable
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        let width = UInt(bitPattern: range.upperBound &- range.lowerBound) &+ 1
        // A width that wraps to zero is the whole of `Int`, where every bit pattern is fair.
        if width == 0 { return Int(truncatingIfNeeded: next()) }
        return range.lowerBound &+ Int(truncatingIfNeeded: bounded(below: UInt64(width)))
    }

    /// Lemire's unbiased bounded draw on raw words; `n` must be positive.
    @inlinable
    internal mutating func bounded(below n: UInt64) -> UInt64 {
        var product = next().multipliedFullWidth(by: n)
        if product.low < n {
            // 2^64 mod n low products are over-represented; rejecting them makes every
            // high word equally likely.
            let threshold = (0 &- n) % n
            while product.low < threshold {
                product = next().multipliedFullWidth(by: n)
            }
        }
        return product.high
    }

    /// Returns `true` with probability `p`, using one draw.
    ///
    /// Comparing a 53-bit uniform against `p` makes `p == 0` never and `p == 1` always true.
    ///
    /// - Precondition: `0 <= p <= 1`.
    @inlinable
    public mutating func bernoulli(_ p: Double) -> Bool {
        precondition(p >= 0 && p <= 1, "bernoulli(_:) needs a probability in [0, 1], got \(p)")
        return uniformDouble() < p
    }
}
