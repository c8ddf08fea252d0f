/// Small statistics helpers shared by the distribution tests.
enum Statistics {
    static func mean(_ values: [Double]) -> Double {
        values.reduce(0, +) / Double(values.count)
    }

    static func variance(_ values: [Double]) -> Double {
        let m = mean(values)
        return values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)
    }

    /// Pearson's chi-square statistic of observed counts against expected probabilities.
    static func chiSquare(counts: [Int], probabilities: [Double]) -> Double {
        let total = Double(counts.reduce(0, +))
        var statistic = 0.0
        for (count, p) in zip(counts, probabilities) {
            let expected = total * p
            statistic += (Double(count) - expected) * (Double(count) - expected) / expected
        }
        return statistic
    }

    /// Chi-square critical values at significance 0.001, indexed by degrees of freedom.
    /// The tests use fixed seeds, so this only has to be loose enough for a correct sampler
    /// and tight enough that a wrong distribution fails.
    static let criticalValue001: [Int: Double] = [
        1: 10.83, 2: 13.82, 3: 16.27, 4: 18.47, 5: 20.52, 6: 22.46, 7: 24.32, 9: 27.88,
    ]
}
