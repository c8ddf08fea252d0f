import Randomness
import XCTest

final class StreamTests: XCTestCase {
    private func prefix(_ rng: RandomGenerator, _ count: Int = 8) -> [UInt64] {
        var copy = rng
        return (0..<count).map { _ in copy.next() }
    }

    func testSplitAdvancesParentAndGivesANewStream() {
        var parent = RandomGenerator(seed: 11)
        let before = parent
        let child = parent.split()
        XCTAssertNotEqual(parent, before)
        XCTAssertNotEqual(child, before)
        XCTAssertNotEqual(child, parent)
        var reference = before
        for _ in 0..<4 { _ = reference.next() }
        XCTAssertEqual(parent, reference, "split should consume exactly four draws")
        let outputs = Set(prefix(before, 256))
        XCTAssertTrue(outputs.isDisjoint(with: prefix(child, 256)))
    }

    func testSplitIsDeterministic() {
        var a = RandomGenerator(seed: 12)
        var b = RandomGenerator(seed: 12)
        for _ in 0..<10 {
            XCTAssertEqual(a.split(), b.split())
        }
    }

    func testStreamsArePairwiseDifferent() {
        let rng = RandomGenerator(seed: 13)
        let streams = rng.streams(64)
        XCTAssertEqual(streams.count, 64)
        XCTAssertEqual(Set(streams).count, 64)
        let allOutputs = streams.flatMap { prefix($0) } + prefix(rng)
        XCTAssertEqual(Set(allOutputs).count, allOutputs.count)
    }

    func testStreamsAreDeterministicAndPrefixStable() {
        let rng = RandomGenerator(seed: 14)
        XCTAssertEqual(rng.streams(8), RandomGenerator(seed: 14).streams(8))
        XCTAssertEqual(Array(rng.streams(8).prefix(3)), rng.streams(3))
        XCTAssertEqual(rng.streams(0), [])
        XCTAssertNotEqual(rng.streams(4), RandomGenerator(seed: 15).streams(4))
    }

    func testNestedStreamsDoNotCollide() {
        // Jump-derived streams would fail this: stream i's stream j would equal stream j's
        // stream i. Hash-derived streams must keep all of them apart.
        let root = RandomGenerator(seed: 16)
        var all: [RandomGenerator] = [root]
        for child in root.streams(8) {
            all.append(child)
            all.append(contentsOf: child.streams(8))
        }
        var parent = root
        var left = parent.split()
        var right = parent.split()
        all += [parent, left, right, left.split(), right.split(), left.split(), right.split()]
        let outputs = all.flatMap { prefix($0, 4) }
        XCTAssertEqual(Set(outputs).count, outputs.count)
    }

    func testStreamsAreUncorrelated() {
        let streams = RandomGenerator(seed: 17).streams(2)
        var a = streams[0]
        var b = streams[1]
        let n = 20_000
        let x = (0..<n).map { _ in a.uniformDouble() - 0.5 }
        let y = (0..<n).map { _ in b.uniformDouble() - 0.5 }
        let covariance = zip(x, y).reduce(0) { $0 + $1.0 * $1.1 } / Double(n)
        let correlation = covariance / (1.0 / 12.0)
        // The standard error of the correlation of independent samples is 1/sqrt(n) ≈ 0.007.
        XCTAssertLessThan(abs(correlation), 0.035)
    }
}
