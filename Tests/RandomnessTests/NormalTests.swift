import Randomness
import XCTest

final class NormalTests: XCTestCase {
    func testStandardNormalMomentsOver100kSamples() {
        var rng = RandomGenerator(seed: 200)
        let samples = (0..<100_000).map { _ in Double(rng.normal()) }
        // Standard errors: mean 0.0032, variance 0.0045.
        XCTAssertEqual(Statistics.mean(samples), 0, accuracy: 0.015)
        XCTAssertEqual(Statistics.variance(samples), 1, accuracy: 0.025)
        // Shape, not just moments: 68.27% within one standard deviation, 95.45% within two.
        let withinOne = Double(samples.filter { abs($0) < 1 }.count) / 100_000
        let withinTwo = Double(samples.filter { abs($0) < 2 }.count) / 100_000
        XCTAssertEqual(withinOne, 0.6827, accuracy: 0.007)
        XCTAssertEqual(withinTwo, 0.9545, accuracy: 0.004)
        let m = Statistics.mean(samples)
        let kurtosis = samples.reduce(0) { $0 + pow($1 - m, 4) } / 100_000
        XCTAssertEqual(kurtosis, 3, accuracy: 0.1)
    }

    func testNormalWithMeanAndStandardDeviation() {
        var rng = RandomGenerator(seed: 201)
        let samples = (0..<100_000).map { _ in Double(rng.normal(mean: 3, standardDeviation: 2)) }
        XCTAssertEqual(Statistics.mean(samples), 3, accuracy: 0.03)
        XCTAssertEqual(Statistics.variance(samples), 4, accuracy: 0.1)
        XCTAssertEqual(rng.normal(mean: 5, standardDeviation: 0), 5)
    }

    func testNormalDoubleMoments() {
        var rng = RandomGenerator(seed: 202)
        let samples = (0..<100_000).map { _ in rng.normalDouble(mean: -1, standardDeviation: 0.5) }
        XCTAssertEqual(Statistics.mean(samples), -1, accuracy: 0.008)
        XCTAssertEqual(Statistics.variance(samples), 0.25, accuracy: 0.007)
        XCTAssertTrue(samples.allSatisfy { $0.isFinite })
    }

    func testNormalUsesTwoDrawsAndCachesNothing() {
        var rng = RandomGenerator(seed: 203)
        var reference = rng
        _ = rng.normal()
        _ = reference.next()
        _ = reference.next()
        XCTAssertEqual(rng, reference)
        // Same state, same value: nothing outside `state` influences the next sample.
        let copy = rng
        let value = rng.normal()
        var restored = RandomGenerator(state: copy.state)
        XCTAssertEqual(restored.normal(), value)
    }
}
