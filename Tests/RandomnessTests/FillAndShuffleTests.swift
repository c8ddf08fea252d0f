import Randomness
import XCTest

final class FillAndShuffleTests: XCTestCase {
    func testFillUniformBoundsAndMean() {
        var rng = RandomGenerator(seed: 400)
        var values = [Float](repeating: .nan, count: 100_000)
        values.withUnsafeMutableBufferPointer { rng.fillUniform($0, low: -0.5, high: 1.5) }
        XCTAssertTrue(values.allSatisfy { $0 >= -0.5 && $0 < 1.5 })
        let doubles = values.map(Double.init)
        XCTAssertEqual(Statistics.mean(doubles), 0.5, accuracy: 0.01)
        XCTAssertEqual(Statistics.variance(doubles), 4.0 / 12.0, accuracy: 0.006)
    }

    func testFillUniformMatchesScalarDraws() {
        var bulk = RandomGenerator(seed: 401)
        var scalar = bulk
        var values = [Float](repeating: 0, count: 257)
        values.withUnsafeMutableBufferPointer { bulk.fillUniform($0, low: -1, high: 1) }
        XCTAssertEqual(values, (0..<257).map { _ in scalar.uniform(in: -1..<1) })
        XCTAssertEqual(bulk, scalar)
    }

    func testFillNormalMomentsAndOddLength() {
        var rng = RandomGenerator(seed: 402)
        var values = [Float](repeating: .nan, count: 100_001)
        values.withUnsafeMutableBufferPointer { rng.fillNormal($0, mean: 1, standardDeviation: 0.1) }
        XCTAssertTrue(values.allSatisfy { $0.isFinite })
        let doubles = values.map(Double.init)
        XCTAssertEqual(Statistics.mean(doubles), 1, accuracy: 0.0015)
        XCTAssertEqual(Statistics.variance(doubles), 0.01, accuracy: 0.00025)
        let withinOne = Double(doubles.filter { abs($0 - 1) < 0.1 }.count) / Double(doubles.count)
        XCTAssertEqual(withinOne, 0.6827, accuracy: 0.007)
    }

    func testFillNormalIsDeterministic() {
        var a = RandomGenerator(seed: 403)
        var b = RandomGenerator(seed: 403)
        var first = [Float](repeating: 0, count: 33)
        var second = [Float](repeating: 0, count: 33)
        first.withUnsafeMutableBufferPointer { a.fillNormal($0) }
        second.withUnsafeMutableBufferPointer { b.fillNormal($0) }
        XCTAssertEqual(first, second)
        XCTAssertEqual(a, b)
        XCTAssertEqual(Set(first).count, 33)
    }

    func testShuffleIsADeterministicPermutation() {
        var a = RandomGenerator(seed: 404)
        var b = RandomGenerator(seed: 404)
        var first = Array(0..<100)
        var second = Array(0..<100)
        a.shuffle(&first)
        b.shuffle(&second)
        XCTAssertEqual(first, second)
        XCTAssertNotEqual(first, Array(0..<100))
        XCTAssertEqual(first.sorted(), Array(0..<100))

        var empty: [Int] = []
        a.shuffle(&empty)
        XCTAssertEqual(empty, [])
        var slice = Array(0..<10)[2..<8]
        a.shuffle(&slice)
        XCTAssertEqual(slice.sorted(), Array(2..<8))
        XCTAssertEqual(slice.startIndex, 2)
    }

    func testShuffleIsUniformOverPermutations() {
        var rng = RandomGenerator(seed: 405)
        var counts: [[Int]: Int] = [:]
        for _ in 0..<60_000 {
            var values = [0, 1, 2]
            rng.shuffle(&values)
            counts[values, default: 0] += 1
        }
        XCTAssertEqual(counts.count, 6)
        let chi = Statistics.chiSquare(
            counts: Array(counts.values), probabilities: Array(repeating: 1.0 / 6, count: 6))
        XCTAssertLessThan(chi, Statistics.criticalValue001[5]!)
    }

    func testPermutation() {
        var rng = RandomGenerator(seed: 406)
        let permutation = rng.permutation(50)
        XCTAssertEqual(permutation.sorted(), Array(0..<50))
        XCTAssertNotEqual(permutation, Array(0..<50))
        XCTAssertEqual(rng.permutation(0), [])
        var other = RandomGenerator(seed: 406)
        XCTAssertEqual(other.permutation(50), permutation)
    }
}
