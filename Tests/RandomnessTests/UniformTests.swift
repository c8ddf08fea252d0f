import Randomness
import XCTest

final class UniformTests: XCTestCase {
    /// A state whose first output is `output`: with s0 = 0 the first output is rotl(s3, 23).
    private func generator(firstOutput output: UInt64) -> RandomGenerator {
        let s3 = (output >> 23) | (output << 41)
        return RandomGenerator(state: (0, 1, 0, s3))
    }

    func testUniformFloatUsesTheTop24Bits() {
        var rng = RandomGenerator(seed: 42)  // First output 0xD0764D4F4476689F.
        XCTAssertEqual(rng.uniformFloat(), Float(0xD0_764D) * 0x1p-24)
        var top = generator(firstOutput: 0xFFFF_FF00_0000_0000)
        XCTAssertEqual(top.uniformFloat(), Float(0xFF_FFFF) * 0x1p-24)
        var lowBitsOnly = generator(firstOutput: 0x0000_00FF_FFFF_FFFF)
        XCTAssertEqual(lowBitsOnly.uniformFloat(), 0)
    }

    func testUniformDoubleUsesTheTop53Bits() {
        var rng = RandomGenerator(seed: 42)
        XCTAssertEqual(rng.uniformDouble(), Double(UInt64(0xD076_4D4F_4476_689F) >> 11) * 0x1p-53)
        var top = generator(firstOutput: .max)
        XCTAssertEqual(top.uniformDouble(), 1 - 0x1p-53)
    }

    func testUniformMomentsOver100kSamples() {
        var rng = RandomGenerator(seed: 100)
        let floats = (0..<100_000).map { _ in Double(rng.uniformFloat()) }
        XCTAssertTrue(floats.allSatisfy { $0 >= 0 && $0 < 1 })
        // Standard errors: mean 0.0009, variance 0.00024.
        XCTAssertEqual(Statistics.mean(floats), 0.5, accuracy: 0.005)
        XCTAssertEqual(Statistics.variance(floats), 1.0 / 12.0, accuracy: 0.0015)
        let doubles = (0..<100_000).map { _ in rng.uniformDouble() }
        XCTAssertTrue(doubles.allSatisfy { $0 >= 0 && $0 < 1 })
        XCTAssertEqual(Statistics.mean(doubles), 0.5, accuracy: 0.005)
        XCTAssertEqual(Statistics.variance(doubles), 1.0 / 12.0, accuracy: 0.0015)
        // Deciles should be equally filled.
        var counts = [Int](repeating: 0, count: 10)
        for x in doubles { counts[Int(x * 10)] += 1 }
        let chi = Statistics.chiSquare(counts: counts, probabilities: Array(repeating: 0.1, count: 10))
        XCTAssertLessThan(chi, Statistics.criticalValue001[9]!)
    }

    func testUniformInHalfOpenRangeStaysInBounds() {
        var rng = RandomGenerator(seed: 101)
        let samples = (0..<100_000).map { _ in rng.uniform(in: -2..<3) }
        XCTAssertTrue(samples.allSatisfy { $0 >= -2 && $0 < 3 })
        XCTAssertEqual(Statistics.mean(samples.map(Double.init)), 0.5, accuracy: 0.03)
        XCTAssertEqual(Statistics.variance(samples.map(Double.init)), 25.0 / 12.0, accuracy: 0.04)
        XCTAssertLessThan(samples.min()!, -1.99)
        XCTAssertGreaterThan(samples.max()!, 2.99)
    }

    func testUniformInHalfOpenRangeNeverReturnsTheUpperBoundAfterRounding() {
        // Floats near 1e8 are 8 apart, so `low + 8 * u` rounds to `high` for u >= 0.5.
        var rng = RandomGenerator(seed: 102)
        for _ in 0..<1000 {
            XCTAssertLessThan(rng.uniform(in: Float(1e8)..<Float(1e8 + 8)), Float(1e8 + 8))
        }
        var top = generator(firstOutput: .max)
        XCTAssertEqual(top.uniform(in: Float(1)..<Float(1).nextUp), 1)
    }

    func testUniformInClosedRangeReachesBothBounds() {
        var rng = RandomGenerator(seed: 103)
        let samples = (0..<100_000).map { _ in rng.uniform(in: -1...1) }
        XCTAssertTrue(samples.allSatisfy { $0 >= -1 && $0 <= 1 })
        XCTAssertEqual(Statistics.mean(samples.map(Double.init)), 0, accuracy: 0.01)
        var top = generator(firstOutput: .max)
        XCTAssertEqual(top.uniform(in: Float(0.1)...Float(0.7)), 0.7)
        // Here `low + (high - low)` rounds to 0, so only an explicit top case reaches `high`.
        var topAgain = generator(firstOutput: .max)
        XCTAssertEqual(topAgain.uniform(in: Float(-1)...Float(1e-9)), 1e-9)
        var bottom = generator(firstOutput: 0)
        XCTAssertEqual(bottom.uniform(in: Float(0.1)...Float(0.7)), 0.1)
        XCTAssertEqual(rng.uniform(in: Float(3)...Float(3)), 3)
    }

    func testIntBelowIsInRangeAndCoversEveryValue() {
        var rng = RandomGenerator(seed: 104)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 {
            let value = rng.int(below: 7)
            XCTAssertTrue((0..<7).contains(value))
            counts[value] += 1
        }
        let chi = Statistics.chiSquare(counts: counts, probabilities: Array(repeating: 1.0 / 7, count: 7))
        XCTAssertLessThan(chi, Statistics.criticalValue001[6]!)
        XCTAssertTrue((0..<100).allSatisfy { _ in rng.int(below: 1) == 0 })
    }

    func testIntBelowHasNoModuloBias() {
        // With n = 3 * 2^61, `next() % n` returns values below 2^62 three times out of four;
        // an unbiased draw does so two times out of three.
        var rng = RandomGenerator(seed: 105)
        let n = 3 << 61
        let trials = 100_000
        var below = 0
        for _ in 0..<trials {
            let value = rng.int(below: n)
            XCTAssertTrue(value >= 0 && value < n)
            if value < 1 << 62 { below += 1 }
        }
        XCTAssertEqual(Double(below) / Double(trials), 2.0 / 3.0, accuracy: 0.01)
    }

    func testIntInRanges() {
        var rng = RandomGenerator(seed: 106)
        var seen: Set<Int> = []
        for _ in 0..<10_000 {
            let value = rng.int(in: -5..<5)
            XCTAssertTrue((-5..<5).contains(value))
            seen.insert(value)
        }
        XCTAssertEqual(seen, Set(-5..<5))
        seen = []
        for _ in 0..<10_000 {
            let value = rng.int(in: -5...5)
            XCTAssertTrue((-5...5).contains(value))
            seen.insert(value)
        }
        XCTAssertEqual(seen, Set(-5...5))
        // The widest ranges wrap their width; both must still work and spread over Int.
        let wide = (0..<1000).map { _ in rng.int(in: Int.min..<Int.max) }
        XCTAssertTrue(wide.allSatisfy { $0 < Int.max })
        XCTAssertTrue(wide.contains { $0 < 0 } && wide.contains { $0 > 0 })
        let full = (0..<1000).map { _ in rng.int(in: Int.min...Int.max) }
        XCTAssertTrue(full.contains { $0 < 0 } && full.contains { $0 > 0 })
        XCTAssertEqual(rng.int(in: 9...9), 9)
    }

    func testBernoulli() {
        var rng = RandomGenerator(seed: 107)
        XCTAssertFalse((0..<10_000).contains { _ in rng.bernoulli(0) })
        // The smallest uniform is exactly 0, which must still not count as a success for p = 0.
        var zero = generator(firstOutput: 0)
        XCTAssertFalse(zero.bernoulli(0))
        XCTAssertTrue((0..<10_000).allSatisfy { _ in rng.bernoulli(1) })
        let hits = (0..<100_000).filter { _ in rng.bernoulli(0.3) }.count
        // Standard error 0.00145.
        XCTAssertEqual(Double(hits) / 100_000, 0.3, accuracy: 0.007)
    }
}
