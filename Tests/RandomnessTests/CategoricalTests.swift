import Foundation
import Randomness
import XCTest

final class CategoricalTests: XCTestCase {
    private func counts(_ n: Int, categories: Int, _ draw: () -> Int) -> [Int] {
        var counts = [Int](repeating: 0, count: categories)
        for _ in 0..<n { counts[draw()] += 1 }
        return counts
    }

    func testProbabilitiesFrequencies() {
        var rng = RandomGenerator(seed: 300)
        let probabilities: [Float] = [0.1, 0.2, 0.3, 0.4]
        let observed = counts(100_000, categories: 4) { rng.categorical(probabilities: probabilities) }
        let chi = Statistics.chiSquare(counts: observed, probabilities: probabilities.map(Double.init))
        XCTAssertLessThan(chi, Statistics.criticalValue001[3]!)
    }

    func testProbabilitiesFrequenciesCatchAWrongDistribution() {
        // Guards the chi-square threshold itself: a shifted distribution must fail it.
        var rng = RandomGenerator(seed: 301)
        let observed = counts(100_000, categories: 4) {
            rng.categorical(probabilities: [0.11, 0.2, 0.3, 0.39])
        }
        let chi = Statistics.chiSquare(counts: observed, probabilities: [0.1, 0.2, 0.3, 0.4])
        XCTAssertGreaterThan(chi, Statistics.criticalValue001[3]!)
    }

    func testZeroProbabilitiesAreNeverChosen() {
        var rng = RandomGenerator(seed: 302)
        let observed = counts(50_000, categories: 5) {
            rng.categorical(probabilities: [0, 0.5, 0, 0.5, 0])
        }
        XCTAssertEqual(observed[0] + observed[2] + observed[4], 0)
        XCTAssertEqual(Double(observed[1]) / 50_000, 0.5, accuracy: 0.01)
        XCTAssertTrue((0..<100).allSatisfy { _ in rng.categorical(probabilities: [1]) == 0 })
    }

    func testProbabilitiesSummingToOneWithinFloatErrorAreTolerated() {
        var rng = RandomGenerator(seed: 303)
        let third: Float = 1.0 / 3.0
        let slightlyHigh: [Float] = [0.3333334, 0.3333334, 0.3333334]
        for probabilities in [[third, third, third], slightlyHigh] {
            let observed = counts(60_000, categories: 3) { rng.categorical(probabilities: probabilities) }
            let chi = Statistics.chiSquare(counts: observed, probabilities: [1.0 / 3, 1.0 / 3, 1.0 / 3])
            XCTAssertLessThan(chi, Statistics.criticalValue001[2]!)
        }
    }

    func testBufferOverloadMatchesArray() {
        var a = RandomGenerator(seed: 304)
        var b = a
        let probabilities: [Float] = [0.25, 0.5, 0.25]
        for _ in 0..<1000 {
            let fromBuffer = probabilities.withUnsafeBufferPointer { b.categorical(probabilities: $0) }
            XCTAssertEqual(a.categorical(probabilities: probabilities), fromBuffer)
        }
    }

    func testLogitsFrequenciesMatchSoftmax() {
        var rng = RandomGenerator(seed: 305)
        let logits: [Float] = [1, 2, 0.5, -1]
        let exps = logits.map { exp(Double($0)) }
        let softmax = exps.map { $0 / exps.reduce(0, +) }
        let observed = counts(100_000, categories: 4) { rng.categorical(logits: logits) }
        let chi = Statistics.chiSquare(counts: observed, probabilities: softmax)
        XCTAssertLessThan(chi, Statistics.criticalValue001[3]!)
    }

    func testLargeLogitsAreStable() {
        // Shifting every logit by a constant is exact here, so the samples must be identical.
        var small = RandomGenerator(seed: 306)
        var large = small
        for _ in 0..<1000 {
            XCTAssertEqual(
                small.categorical(logits: [0, 1, 2]), large.categorical(logits: [1000, 1001, 1002]))
        }
        let observed = counts(10_000, categories: 2) { large.categorical(logits: [-1e30, 0]) }
        XCTAssertEqual(observed, [0, 10_000])
    }

    func testNegativeInfinityLogitsAreMasked() {
        var rng = RandomGenerator(seed: 307)
        let observed = counts(20_000, categories: 4) {
            rng.categorical(logits: [-.infinity, 0, -.infinity, 0])
        }
        XCTAssertEqual(observed[0] + observed[2], 0)
        XCTAssertEqual(Double(observed[1]) / 20_000, 0.5, accuracy: 0.015)
    }

    func testLogitsAndProbabilitiesAgree() {
        var fromLogits = RandomGenerator(seed: 308)
        var fromProbabilities = fromLogits
        let probabilities: [Float] = [0.5, 0.25, 0.25]
        let logits = probabilities.map { Float(log(Double($0))) }
        var disagreements = 0
        for _ in 0..<10_000
        where fromLogits.categorical(logits: logits)
            != fromProbabilities.categorical(probabilities: probabilities)
        {
            disagreements += 1
        }
        // Same draw, same CDF up to rounding: only draws landing on a boundary may differ.
        XCTAssertLessThanOrEqual(disagreements, 2)
    }
}
