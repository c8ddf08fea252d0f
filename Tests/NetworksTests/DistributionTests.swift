import Foundation
import Networks
import Randomness
import Tensors
import XCTest

final class DistributionTests: XCTestCase {
    let ln2 = 0.693_147_180_559_945_3
    let ln3 = 1.098_612_288_668_109_8
    /// Entropy of (¼, ¾) in nats.
    let entropyQuarter = 0.562_335_144_618_179_6

    func assertValues(_ t: Tensor, _ expected: [Double], shape: [Int]? = nil, accuracy: Double = 1e-6,
                      file: StaticString = #filePath, line: UInt = #line) {
        if let shape { XCTAssertEqual(t.shape, shape, file: file, line: line) }
        XCTAssertEqual(t.count, expected.count, file: file, line: line)
        for (x, e) in zip(t.scalars, expected) {
            XCTAssertEqual(Double(x), e, accuracy: accuracy * max(1, abs(e)), "\(t.scalars) vs \(expected)", file: file, line: line)
        }
    }

    // MARK: Categorical

    func testCategoricalValues() {
        // Row 1 is (½, ½); row 2 is (¼, ¾) since logits (0, ln 3).
        let dist = Categorical(logits: Tensor([[0, 0], [0, Float(ln3)]]))
        assertValues(dist.probabilities, [0.5, 0.5, 0.25, 0.75], shape: [2, 2])
        assertValues(dist.entropy(), [ln2, entropyQuarter], shape: [2])
        assertValues(dist.logProbability(of: IndexTensor([1, 0])), [-ln2, -2 * ln2], shape: [2])
        XCTAssertEqual(dist.mode(), IndexTensor([0, 1]))
        // KL((½, ½) ‖ (¼, ¾)) = ½ ln 2 + ½ ln(2/3).
        let p = Categorical(logits: Tensor([[0, 0]])), q = Categorical(logits: Tensor([[0, Float(ln3)]]))
        assertValues(p.klDivergence(to: q), [0.5 * ln2 + 0.5 * log(2.0 / 3.0)])
        assertValues(p.klDivergence(to: p), [0])
    }

    func testCategoricalSamplingFrequencies() {
        let probabilities: [Float] = [0.1, 0.2, 0.7]
        let n = 20_000
        let row = probabilities.map { log($0) + 3 }  // any shift gives the same distribution
        let dist = Categorical(logits: Tensor(shape: [n, 3], scalars: Array((0..<n).map { _ in row }.joined())))
        var generator = RandomGenerator(seed: 42)
        let samples = dist.sample(using: &generator)
        XCTAssertEqual(samples.shape, [n])
        var counts = [0, 0, 0]
        for s in samples.scalars { counts[Int(s)] += 1 }
        // Standard error of each frequency is at most √(0.25/n) ≈ 0.0035.
        for (c, p) in zip(counts, probabilities) {
            XCTAssertEqual(Double(c) / Double(n), Double(p), accuracy: 0.015)
        }
        // Same seed, same samples.
        var again = RandomGenerator(seed: 42)
        XCTAssertEqual(dist.sample(using: &again), samples)
    }

    func testCategoricalMaskedLogits() {
        let dist = Categorical(logits: Tensor([[-.infinity, 0, 0]]))
        assertValues(dist.entropy(), [ln2])
        var generator = RandomGenerator(seed: 7)
        for _ in 0..<200 { XCTAssertNotEqual(dist.sample(using: &generator)[0], 0) }
        let (_, g) = valueWithGradient(at: [Tensor([[-.infinity, 0, 1]])]) { Categorical(logits: $0[0]).entropy() }
        XCTAssertTrue(g[0].scalars.allSatisfy(\.isFinite), "\(g[0])")
        XCTAssertEqual(g[0].scalars[0], 0)
    }

    func testCategoricalGradients() {
        let logits = Tensor([[0.5, -1, 2], [0.1, 0.2, 0.3]])
        NetsFiniteDifference.check(at: [logits]) { Categorical(logits: $0[0]).entropy() }
        NetsFiniteDifference.check(at: [logits]) { Categorical(logits: $0[0]).logProbability(of: IndexTensor([2, 0])) }
        NetsFiniteDifference.check(at: [logits, Tensor([[0, 1, 0], [2, -1, 0.5]])]) {
            Categorical(logits: $0[0]).klDivergence(to: Categorical(logits: $0[1]))
        }
    }

    // MARK: Bernoulli

    func testBernoulliValues() {
        // Probabilities ½ and ¾.
        let dist = Bernoulli(logits: Tensor([[0, Float(ln3)]]))
        assertValues(dist.probabilities, [0.5, 0.75])
        // log ½ + log ¼ for values (1, 0), summed over the events.
        assertValues(dist.logProbability(of: Tensor([[1, 0]])), [-3 * ln2], shape: [1])
        assertValues(dist.entropy(), [ln2 + entropyQuarter], shape: [1])
        XCTAssertEqual(dist.mode().scalars, [0, 1])
        // Confident logits: log p(0) with logit 100 is −100, finite.
        assertValues(Bernoulli(logits: Tensor([[100]])).logProbability(of: Tensor([[0]])), [-100], accuracy: 1e-5)
    }

    func testBernoulliSamplingFrequencies() {
        let n = 20_000
        let dist = Bernoulli(logits: Tensor(shape: [n, 2], scalars: Array(repeating: [-Float(ln3), 2], count: n).flatMap { $0 }))
        var generator = RandomGenerator(seed: 3)
        let samples = dist.sample(using: &generator).scalars
        XCTAssertTrue(samples.allSatisfy { $0 == 0 || $0 == 1 })
        let first = stride(from: 0, to: 2 * n, by: 2).reduce(0) { $0 + Double(samples[$1]) } / Double(n)
        let second = stride(from: 1, to: 2 * n, by: 2).reduce(0) { $0 + Double(samples[$1]) } / Double(n)
        XCTAssertEqual(first, 0.25, accuracy: 0.015)
        XCTAssertEqual(second, 1 / (1 + exp(-2.0)), accuracy: 0.015)
    }

    func testBernoulliGradients() {
        NetsFiniteDifference.check(at: [Tensor([[0.3, -1.2], [2, 0]])]) { Bernoulli(logits: $0[0]).entropy() }
        NetsFiniteDifference.check(at: [Tensor([[0.3, -1.2], [2, 0]])]) {
            Bernoulli(logits: $0[0]).logProbability(of: Tensor([[1, 0], [0, 1]]))
        }
    }

    // MARK: Diagonal Gaussian

    func testDiagonalGaussianValues() {
        // Component 1: N(0, 1) at 1. Component 2: N(1, 2²) at 2, z = ½.
        let dist = DiagonalGaussian(mean: Tensor([[0, 1]]), logStd: Tensor([[0, Float(ln2)]]))
        let halfLog2Pi = 0.5 * log(2 * Double.pi)
        assertValues(dist.logProbability(of: Tensor([[1, 2]])), [(-0.5 - halfLog2Pi) + (-0.125 - ln2 - halfLog2Pi)], shape: [1])
        assertValues(dist.entropy(), [(0.5 + halfLog2Pi) + (0.5 + halfLog2Pi + ln2)], shape: [1])
        XCTAssertEqual(dist.mode().scalars, [0, 1])
        // KL(N(0, 1) ‖ N(1, 2²)) = ln 2 + (1 + 1) / 8 − ½ in the second component, 0 in the first.
        let other = DiagonalGaussian(mean: Tensor([[0, 1]]), logStd: Tensor([[0, Float(ln2)]]))
        let standard = DiagonalGaussian(mean: Tensor([[0, 0]]), logStd: Tensor([[0, 0]]))
        assertValues(standard.klDivergence(to: other), [ln2 + 0.25 - 0.5])
    }

    func testDiagonalGaussianBroadcastsStateIndependentLogStd() {
        // SB3-style: mean [B, d] and a learned log σ of shape [d].
        let dist = DiagonalGaussian(mean: Tensor([[0, 0], [1, 1], [2, 2]]), logStd: Tensor([0, Float(ln2)]))
        XCTAssertEqual(dist.shape, [3, 2])
        let halfLog2Pi = 0.5 * log(2 * Double.pi)
        let h = (0.5 + halfLog2Pi) * 2 + ln2
        assertValues(dist.entropy(), [h, h, h], shape: [3])
        assertValues(dist.logProbability(of: Tensor([[0, 0], [1, 1], [2, 4]])),
                     [-2 * halfLog2Pi - ln2, -2 * halfLog2Pi - ln2, -2 * halfLog2Pi - ln2 - 0.5], shape: [3])
        // The entropy gradient reaches the shared log σ once per sample.
        let (_, g) = valueWithGradient(at: [Tensor([0, Float(ln2)])]) {
            DiagonalGaussian(mean: Tensor.zeros([3, 2]), logStd: $0[0]).entropy().sum()
        }
        XCTAssertEqual(g[0].scalars, [3, 3])
    }

    func testDiagonalGaussianSampleStatistics() {
        let n = 20_000
        let dist = DiagonalGaussian(mean: Tensor(shape: [n, 2], scalars: Array(repeating: [1, -2], count: n).flatMap { $0 }),
                                    logStd: Tensor([Float(log(0.5)), Float(log(3.0))]))
        var generator = RandomGenerator(seed: 11)
        let s = dist.sample(using: &generator).scalars
        for (component, (mu, sigma)) in [(1.0, 0.5), (-2.0, 3.0)].enumerated() {
            let xs = stride(from: component, to: 2 * n, by: 2).map { Double(s[$0]) }
            let mean = xs.reduce(0, +) / Double(n)
            let std = (xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)).squareRoot()
            // Standard errors σ/√n and about σ/√(2n).
            XCTAssertEqual(mean, mu, accuracy: 5 * sigma / Double(n).squareRoot())
            XCTAssertEqual(std, sigma, accuracy: 5 * sigma / Double(2 * n).squareRoot())
        }
    }

    func testReparameterisedSampleGradients() {
        // d(μ + σε)/dμ = 1 and d/d(log σ) = σε = sample − μ.
        let mean = Tensor([[0.5, -1], [2, 0]]), logStd = Tensor([[0.1, -0.3], [0, 0.2]])
        var generator = RandomGenerator(seed: 5)
        let tape = GradientTape()
        let (m, l) = (tape.watch(mean), tape.watch(logStd))
        let sample = tape.record { DiagonalGaussian(mean: m, logStd: l).rsample(using: &generator) }
        let grads = tape.gradient(of: sample, wrt: [m, l])
        XCTAssertEqual(grads[0].scalars, [1, 1, 1, 1])
        XCTAssertTrue(grads[1].isApproximatelyEqual(to: sample.detached - mean, tolerance: 1e-6))
        // The non-reparameterised sample draws the same noise from the same seed.
        var again = RandomGenerator(seed: 5)
        XCTAssertTrue(DiagonalGaussian(mean: mean, logStd: logStd).sample(using: &again)
            .isApproximatelyEqual(to: sample.detached, tolerance: 1e-6))
    }

    func testDiagonalGaussianGradients() {
        let mean = Tensor([[0.5, -1], [2, 0]]), logStd = Tensor([[0.1, -0.3], [0, 0.2]])
        let x = Tensor([[0, 0.2], [1.5, -1]])
        NetsFiniteDifference.check(at: [mean, logStd, x]) {
            DiagonalGaussian(mean: $0[0], logStd: $0[1]).logProbability(of: $0[2])
        }
        NetsFiniteDifference.check(at: [logStd]) { DiagonalGaussian(mean: mean, logStd: $0[0]).entropy() }
        NetsFiniteDifference.check(at: [mean, logStd]) {
            DiagonalGaussian(mean: $0[0], logStd: $0[1]).klDivergence(to: DiagonalGaussian(mean: x, logStd: Tensor([0.3, -0.1])))
        }
    }

    // MARK: Squashed Gaussian

    /// Φ, the standard normal CDF.
    func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

    func testSquashedLogDensityMatchesChangeOfVariables() {
        // The density of a = tanh(u) is dP(A ≤ a)/da = d/da Φ((atanh(a) − μ)/σ), computed here by
        // a central difference of the exact CDF — no Jacobian formula involved.
        let mu = 0.3, sigma = 0.8
        let dist = SquashedGaussian(mean: Tensor([[Float(mu)]]), logStd: Tensor([[Float(log(sigma))]]))
        for a in [-0.9, -0.2, 0, 0.5, 0.95, 0.995] {
            let h = 1e-5 * (1 - abs(a))
            let cdf = { (x: Double) in self.normalCDF((atanh(x) - mu) / sigma) }
            let numeric = log((cdf(a + h) - cdf(a - h)) / (2 * h))
            let logp = Double(dist.logProbability(of: Tensor([[Float(a)]])).scalar)
            XCTAssertEqual(logp, numeric, accuracy: 2e-3 * max(1, abs(numeric)), "a = \(a)")
        }
    }

    func testSquashCorrectionIsStableForLargePreSquashValues() {
        // log(1 − tanh²u) directly, where Float is accurate, and its asymptote log 4 − 2|u|.
        let u = Tensor([-1.5, 0, 0.7, 3, 20, -40])
        let expected = [-1.5, 0, 0.7, 3].map { log(1 - tanh($0) * tanh($0)) } + [log(4) - 40, log(4) - 80]
        assertValues(SquashedGaussian.logAbsDeterminant(u), expected, accuracy: 1e-5)
    }

    func testSquashedLogProbabilitySumsOverComponents() {
        let mean = Tensor([[0.2, -0.5]]), logStd = Tensor([[-0.2, 0.4]])
        let u = Tensor([[1.2, -0.3]])
        let dist = SquashedGaussian(mean: mean, logStd: logStd)
        let base = DiagonalGaussian(mean: mean, logStd: logStd).logProbability(of: u).scalar
        let correction = log(1 - tanh(1.2) * tanh(1.2)) + log(1 - tanh(-0.3) * tanh(-0.3))
        assertValues(dist.logProbability(ofPreSquash: u), [Double(base) - correction], shape: [1], accuracy: 1e-5)
        // Through atanh of the action, the same value.
        assertValues(dist.logProbability(of: u.tanh()), [Double(base) - correction], accuracy: 1e-4)
        assertValues(dist.mode(), [tanh(0.2), tanh(-0.5)], accuracy: 1e-6)
    }

    func testSquashedSampleAndGradients() {
        let mean = Tensor([[0.2, -0.5], [3, 0]]), logStd = Tensor([[-0.2, 0.4], [0, -1]])
        var generator = RandomGenerator(seed: 9)
        let (action, logp) = SquashedGaussian(mean: mean, logStd: logStd).rsampleWithLogProbability(using: &generator)
        XCTAssertEqual(action.shape, [2, 2])
        XCTAssertEqual(logp.shape, [2])
        XCTAssertTrue(action.scalars.allSatisfy { abs($0) < 1 })
        // The log-probability of the returned action, recomputed from the action alone.
        XCTAssertTrue(SquashedGaussian(mean: mean, logStd: logStd).logProbability(of: action)
            .isApproximatelyEqual(to: logp, tolerance: 1e-3))
        var again = RandomGenerator(seed: 9)
        XCTAssertTrue(SquashedGaussian(mean: mean, logStd: logStd).sample(using: &again)
            .isApproximatelyEqual(to: action, tolerance: 1e-6))
        // log π(tanh(u)) is smooth in μ, log σ and u.
        NetsFiniteDifference.check(at: [mean, logStd, Tensor([[1.2, -0.3], [0.4, 2]])]) {
            SquashedGaussian(mean: $0[0], logStd: $0[1]).logProbability(ofPreSquash: $0[2])
        }
        // And the reparameterised path (fixed noise via a fixed seed) is differentiable end to end.
        NetsFiniteDifference.check(at: [mean, logStd]) { inputs in
            var g = RandomGenerator(seed: 9)
            let (a, lp) = SquashedGaussian(mean: inputs[0], logStd: inputs[1]).rsampleWithLogProbability(using: &g)
            return lp + a.sum(alongAxis: -1)
        }
    }
}
