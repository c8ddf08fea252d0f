/// Turns the runs of one series into the line and band that are drawn.
enum SeedAggregation {
    /// A line in data coordinates with an optional band around it.
    struct Curve: Equatable {
        var x: [Double]
        var y: [Double]
        var lower: [Double]?
        var upper: [Double]?
    }

    /// TensorBoard's smoothing: an exponential moving average with weight `weight` on the
    /// past, divided by `1 - weightⁿ` so the first points are not pulled towards zero (the
    /// bias correction of Adam, Kingma & Ba 2015, §3). Weight 0 returns `values`.
    static func smoothed(_ values: [Double], weight: Double) -> [Double] {
        guard weight > 0 else { return values }
        var average = 0.0, correction = 1.0
        return values.map { value in
            average = average * weight + (1 - weight) * value
            correction *= weight
            return average / (1 - correction)
        }
    }

    /// The points of one run with finite coordinates, ordered by `x` (stably).
    static func cleaned(x: [Double], y: [Double]) -> (x: [Double], y: [Double]) {
        let pairs = zip(x, y).filter { $0.0.isFinite && $0.1.isFinite }
        let order = pairs.indices.sorted { pairs[$0].0 < pairs[$1].0 || (pairs[$0].0 == pairs[$1].0 && $0 < $1) }
        return (order.map { pairs[$0].0 }, order.map { pairs[$0].1 })
    }

    /// `y` linearly interpolated at `t`, which must lie within `x`'s range (`x` sorted).
    static func interpolate(x: [Double], y: [Double], at t: Double) -> Double {
        // The first index with x > t.
        var low = 0, high = x.count
        while low < high {
            let middle = (low + high) / 2
            if x[middle] <= t { low = middle + 1 } else { high = middle }
        }
        if low == 0 { return y[0] }
        if low == x.count { return y[x.count - 1] }
        let x0 = x[low - 1], x1 = x[low]
        return x1 == x0 ? y[low] : y[low - 1] + (y[low] - y[low - 1]) * (t - x0) / (x1 - x0)
    }

    /// The curve of `runs` (each already cleaned): one run is drawn as logged (averaged in
    /// bins when it has more than `maxPoints` points, to keep the SVG small); several are
    /// interpolated onto `gridPoints` evenly spaced x values where they all have data, and
    /// drawn as their mean with a band of `band` across runs.
    ///
    /// When the runs' x ranges do not overlap at all, each grid point averages the runs that cover it.
    static func curve(runs: [(x: [Double], y: [Double])], band: LearningCurvePlot.Band, gridPoints: Int, maxPoints: Int) -> Curve? {
        let runs = runs.filter { !$0.x.isEmpty }
        guard !runs.isEmpty else { return nil }
        if runs.count == 1 {
            let (x, y) = runs[0]
            guard x.count > maxPoints else { return Curve(x: x, y: y, lower: nil, upper: nil) }
            let binSize = (x.count + maxPoints - 1) / maxPoints
            let bins = stride(from: 0, to: x.count, by: binSize).map { $0..<min($0 + binSize, x.count) }
            return Curve(x: bins.map { mean(x[$0]) }, y: bins.map { mean(y[$0]) }, lower: nil, upper: nil)
        }
        var from = runs.map { $0.x.first! }.max()!, to = runs.map { $0.x.last! }.min()!
        if from > to { (from, to) = (runs.map { $0.x.first! }.min()!, runs.map { $0.x.last! }.max()!) }
        let count = from == to ? 1 : max(2, gridPoints)
        var curve = Curve(x: [], y: [], lower: band == .none ? nil : [], upper: band == .none ? nil : [])
        for i in 0..<count {
            let t = count == 1 ? from : from + (to - from) * Double(i) / Double(count - 1)
            let samples = runs.filter { $0.x.first! <= t && t <= $0.x.last! }.map { interpolate(x: $0.x, y: $0.y, at: t) }
            guard !samples.isEmpty else { continue }
            let m = mean(samples[...])
            curve.x.append(t)
            curve.y.append(m)
            switch band {
            case .none:
                break
            case .minMax:
                curve.lower!.append(samples.min()!)
                curve.upper!.append(samples.max()!)
            case .standardDeviation:
                // Population standard deviation across seeds (numpy's default, ddof = 0).
                let sd = (samples.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(samples.count)).squareRoot()
                curve.lower!.append(m - sd)
                curve.upper!.append(m + sd)
            }
        }
        return curve
    }

    private static func mean(_ values: ArraySlice<Double>) -> Double {
        values.reduce(0, +) / Double(values.count)
    }
}
