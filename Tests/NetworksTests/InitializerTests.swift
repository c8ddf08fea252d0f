import XCTest
import Networks
import Randomness
import Tensors

final class InitializerTests: XCTestCase {
    func draw(_ initializer: Initializer, _ shape: [Int], fanIn: Int, fanOut: Int, seed: UInt64 = 1) -> [Float] {
        var g = RandomGenerator(seed: seed)
        return initializer.tensor(shape: shape, fanIn: fanIn, fanOut: fanOut, generator: &g).scalars
    }

    func testGlorotAndHeUniformRanges() {
        let glorot = draw(.glorotUniform, [64, 128], fanIn: 64, fanOut: 128)
        let limit = (6 / Float(64 + 128)).squareRoot()
        XCTAssertLessThanOrEqual(glorot.map(abs).max()!, limit)
        // Uniform on [-l, l] has variance l²/3.
        let variance = glorot.map { $0 * $0 }.reduce(0, +) / Float(glorot.count)
        XCTAssertEqual(variance, limit * limit / 3, accuracy: limit * limit / 3 * 0.05)
        let he = draw(.heUniform, [50, 10], fanIn: 50, fanOut: 10)
        XCTAssertLessThanOrEqual(he.map(abs).max()!, (6 / Float(50)).squareRoot())
        XCTAssertGreaterThan(he.map(abs).max()!, 0.9 * (6 / Float(50)).squareRoot())
    }

    func testOrthogonalIsOrthonormalTimesGain() {
        for (rows, columns) in [(8, 8), (16, 4), (4, 16)] {
            let gain: Float = 1.4142135
            let w = draw(.orthogonal(gain: gain), [rows, columns], fanIn: rows, fanOut: columns)
            // The smaller dimension's vectors are orthonormal: WᵀW = g²I (tall) or WWᵀ = g²I (wide).
            let tall = rows >= columns
            let k = tall ? columns : rows
            for i in 0..<k {
                for j in 0..<k {
                    var dot: Float = 0
                    for t in 0..<(tall ? rows : columns) {
                        dot += tall ? w[t * columns + i] * w[t * columns + j] : w[i * columns + t] * w[j * columns + t]
                    }
                    XCTAssertEqual(dot, i == j ? gain * gain : 0, accuracy: 1e-4, "\(rows)x\(columns) (\(i),\(j))")
                }
            }
        }
    }

    func testZerosConstantAndDeterminism() {
        XCTAssertEqual(draw(.zeros, [3, 2], fanIn: 3, fanOut: 2), [0, 0, 0, 0, 0, 0])
        XCTAssertEqual(draw(.constant(0.25), [2], fanIn: 1, fanOut: 2), [0.25, 0.25])
        XCTAssertEqual(draw(.glorotUniform, [4, 4], fanIn: 4, fanOut: 4, seed: 9),
                       draw(.glorotUniform, [4, 4], fanIn: 4, fanOut: 4, seed: 9))
        XCTAssertNotEqual(draw(.glorotUniform, [4, 4], fanIn: 4, fanOut: 4, seed: 9),
                          draw(.glorotUniform, [4, 4], fanIn: 4, fanOut: 4, seed: 10))
    }
}
