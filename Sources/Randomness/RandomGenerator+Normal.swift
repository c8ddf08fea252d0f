#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(ucrt)
import ucrt
#endif

extension RandomGenerator {
    /// Returns a sample from the normal distribution with the given mean and standard deviation.
    ///
    /// Computed in double precision and rounded once, so the tails reach about 8.5 standard
    /// deviations rather than the 5.8 that 24-bit uniforms would allow. Every call consumes
    /// exactly two draws and caches nothing, so ``state`` alone captures the generator and a
    /// restored checkpoint continues the same sequence.
    ///
    /// - Precondition: `standardDeviation >= 0`.
    public mutating func normal(mean: Float = 0, standardDeviation: Float = 1) -> Float {
        precondition(
            standardDeviation >= 0,
            "normal(mean:standardDeviation:) needs a non-negative standard deviation")
        return Float(Double(mean) + Double(standardDeviation) * standardNormal())
    }

    /// Returns a double-precision sample from the normal distribution; consumes two draws.
    ///
    /// - Precondition: `standardDeviation >= 0`.
    public mutating func normalDouble(mean: Double = 0, standardDeviation: Double = 1) -> Double {
        precondition(
            standardDeviation >= 0,
            "normalDouble(mean:standardDeviation:) needs a non-negative standard deviation")
        return mean + standardDeviation * standardNormal()
    }

    /// The first output of ``standardNormalPair()`` alone: the same draws and the same value,
    /// without paying for the `sin` whose result a single sample would throw away.
    @usableFromInline
    internal mutating func standardNormal() -> Double {
        let radiusUniform = Double((next() >> 11) + 1) * 0x1p-53
        let angle = 2 * Double.pi * uniformDouble()
        return (-2 * log(radiusUniform)).squareRoot() * cos(angle)
    }

    /// Two independent standard normals from two draws, by the Box–Muller transform.
    ///
    /// Box–Muller rather than Marsaglia's polar method because it always uses exactly two
    /// draws, which keeps bulk fills branch-free and the draw count predictable.
    @usableFromInline
    internal mutating func standardNormalPair() -> (Double, Double) {
        // Offsetting by one ulp puts the radius uniform in (0, 1], so `log` never sees zero.
        let radiusUniform = Double((next() >> 11) + 1) * 0x1p-53
        let angle = 2 * Double.pi * uniformDouble()
        let radius = (-2 * log(radiusUniform)).squareRoot()
        return (radius * cos(angle), radius * sin(angle))
    }
}
