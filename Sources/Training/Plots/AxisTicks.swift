import Foundation

/// Axis limits and tick marks at "nice" numbers: steps of 1, 2 or 5 times a power of ten,
/// the sequence of Heckbert's "Nice numbers for graph labels" (Graphics Gems, 1990) and
/// matplotlib's `MaxNLocator`, so labels are short and easy to interpolate by eye.
public struct AxisTicks: Sendable, Equatable {
    /// Where the axis starts: the data minimum (less the padding), moved down to the next
    /// tick when that is close (see ``init(covering:_:targetCount:padding:snap:)``).
    public let lower: Double
    /// Where the axis ends: the data maximum (plus the padding), moved up to the next tick when that is close.
    public let upper: Double
    /// The distance between ticks: 1, 2 or 5 × 10ᵏ.
    public let step: Double
    /// The ticks within ``lower``...``upper``, ascending.
    public let values: [Double]
    /// The tick labels: the same number of decimals for every tick, and a k, M or B suffix
    /// (thousands, millions, billions) once the axis reaches 10,000, so step counts read "250k", "1.5M".
    public let labels: [String]

    /// Ticks for an axis showing the data range `low...high`.
    ///
    /// - Parameters:
    ///   - targetCount: the most intervals between ticks; the finest 1-2-5 step giving at most
    ///     `targetCount + 1` ticks on the axis is chosen.
    ///   - padding: fraction of the range added beyond both ends (matplotlib's default
    ///     margin is 0.05), so lines at the extremes do not run along the frame.
    ///   - snap: an end moves out to the next tick when that is within this fraction of the
    ///     range (and the ticks stay within `targetCount + 1`), so an axis for 0...487k ends
    ///     at a labelled 500k instead of just short of it.
    ///
    /// An empty range is widened by 10% of its value (or ±1 around zero); non-finite bounds,
    /// or a range too wide for `Double`, give 0...1.
    public init(covering low: Double, _ high: Double, targetCount: Int = 5, padding: Double = 0, snap: Double = 0.05) {
        precondition(targetCount > 0, "AxisTicks: targetCount must be positive, got \(targetCount)")
        precondition(padding >= 0 && snap >= 0, "AxisTicks: padding and snap must not be negative")
        var lo = min(low, high), hi = max(low, high)
        // A range beyond Double's (±1e308 data) has no ticks to compute either.
        if !lo.isFinite || !hi.isFinite || !((hi - lo) * 2).isFinite { (lo, hi) = (0, 1) }
        let magnitude = max(abs(lo), abs(hi))
        if hi - lo <= magnitude * 1e-12 {
            let pad = magnitude == 0 ? 1 : magnitude * 0.1
            (lo, hi) = (lo - pad, hi + pad)
        }
        let pad = (hi - lo) * padding
        (lo, hi) = (lo - pad, hi + pad)
        let range = hi - lo, tolerance = range * snap
        // Steps finer than 1e-9 of the magnitude would need tick indices beyond Int's range.
        let finest = max(range / Double(targetCount) / 10, max(abs(lo), abs(hi)) * 1e-9)
        var exponent = Int(log10(finest).rounded(.down))
        var chosen: (multiple: Int, exponent: Int, lower: Double, upper: Double, first: Int, last: Int)?
        search: while chosen == nil {
            for multiple in [1, 2, 5] {
                let step = Self.value(1, multiple: multiple, exponent: exponent)
                let below = Int((lo / step + 1e-9).rounded(.down)), above = Int((hi / step - 1e-9).rounded(.up))
                let belowValue = Self.value(below, multiple: multiple, exponent: exponent)
                let aboveValue = Self.value(above, multiple: multiple, exponent: exponent)
                let snapped = (lo - belowValue <= tolerance ? belowValue : lo, aboveValue - hi <= tolerance ? aboveValue : hi)
                // Snapped ends add ticks; when that makes too many, the step may still fit the data alone.
                for (lower, upper) in [snapped, (lo, hi)] {
                    let first = Int((lower / step - 1e-9).rounded(.up)), last = Int((upper / step + 1e-9).rounded(.down))
                    if last - first + 1 <= targetCount + 1 {
                        chosen = (multiple, exponent, lower, upper, first, last)
                        break search
                    }
                }
            }
            exponent += 1
        }
        let (multiple, stepExponent, lower, upper, first, last) = chosen!
        let values = first <= last ? (first...last).map { Self.value($0, multiple: multiple, exponent: stepExponent) } : []
        self.lower = lower
        self.upper = upper
        self.step = Self.value(1, multiple: multiple, exponent: stepExponent)
        self.values = values
        self.labels = Self.labels(for: values, stepExponent: stepExponent)
    }

    /// `index × multiple × 10^exponent`, dividing by 10^-exponent when negative so that
    /// 3 × 0.1 comes out as 0.3, the double nearest to the decimal.
    private static func value(_ index: Int, multiple: Int, exponent: Int) -> Double {
        let units = Double(index * multiple)
        return exponent >= 0 ? units * pow(10, Double(exponent)) : units / pow(10, Double(-exponent))
    }

    private static func labels(for values: [Double], stepExponent: Int) -> [String] {
        let magnitude = values.map(abs).max() ?? 0
        let (suffix, suffixExponent): (String, Int) = magnitude >= 1e9 ? ("B", 9) : magnitude >= 1e6 ? ("M", 6) : magnitude >= 1e4 ? ("k", 3) : ("", 0)
        let decimals = max(0, suffixExponent - stepExponent)
        return values.map { value in
            if value == 0 { return "0" }
            let scaled = value / pow(10, Double(suffixExponent)) + 0  // + 0 turns -0 into 0
            return String(format: "%.\(decimals)f", scaled) + suffix
        }
    }
}
