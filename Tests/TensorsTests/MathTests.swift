import Foundation
import XCTest
import Tensors

/// Elementwise functions, powers, comparisons, extrema of two tensors, clamping and `where`.
final class MathTests: XCTestCase {
    func testElementwiseValues() {
        let x = Tensor([0.25, 1, 4])
        assertTensor(x.exp(), shape: [3], [1.2840254, 2.7182817, 54.59815], tolerance: 1e-4)
        assertTensor(x.log(), shape: [3], [-1.3862944, 0, 1.3862944])
        assertTensor(x.sqrt(), shape: [3], [0.5, 1, 2])
        assertTensor(Tensor([-2, 0, 3]).abs(), shape: [3], [2, 0, 3])
        assertTensor(Tensor([-2, 0, 3]).squared(), shape: [3], [4, 0, 9])
        assertTensor(x.pow(1.5), shape: [3], [0.125, 1, 8])
        assertTensor(x.pow(-1), shape: [3], [4, 1, 0.25])
        assertTensor(x.pow(0.5), shape: [3], [0.5, 1, 2])
        assertTensor(Tensor([-2, 3]).pow(3), shape: [2], [-8, 27])
        assertTensor(pow(Tensor([[1, 2], [3, 4]]), Tensor([2, 0.5])), shape: [2, 2], [1, 1.4142135, 9, 2])
        assertTensor(pow(2, Tensor([0, 3])), shape: [2], [1, 8])
    }

    func testExpIsAccurateAcrossTheFloatRange() {
        let xs = (0...20_000).map { Float(-87 + 175 * Double($0) / 20_000) } + [0, 1, -1, 1e-8, -1e-8, 0.5, 88.3]
        let values = Tensor(xs).exp().scalars
        var worst = 0.0
        for (x, y) in zip(xs, values) {
            let exact = Foundation.exp(Double(x))
            worst = Swift.max(worst, Swift.abs(Double(y) - exact) / exact)
        }
        XCTAssertLessThan(worst, 4e-7)
        XCTAssertEqual(Tensor([0]).exp().scalar, 1)
        let special = Tensor([-.infinity, .infinity, -200, 200, .nan]).exp().scalars
        XCTAssertEqual(Array(special[0..<4]), [0, .infinity, 0, .infinity])
        XCTAssertTrue(special[4].isNaN)
    }

    func testElementwiseGradients() {
        var inputs = Inputs(seed: 20)
        for shape in [[5], [3, 4], [2, 2, 3]] {
            let any = inputs.uniform(shape, in: -2...2)
            let positive = inputs.uniform(shape, in: 0.5...3)
            let nonzero = inputs.avoiding([0], shape, in: -2...2)
            checkGradients([any], "exp \(shape)") { $0[0].exp() }
            checkGradients([positive], "log \(shape)") { $0[0].log() }
            checkGradients([positive], "sqrt \(shape)") { $0[0].sqrt() }
            checkGradients([nonzero], "abs \(shape)") { $0[0].abs() }
            checkGradients([any], "squared \(shape)") { $0[0].squared() }
            checkGradients([any], "pow 2 \(shape)") { $0[0].pow(2) }
            checkGradients([any], "pow 3 \(shape)") { $0[0].pow(3) }
            checkGradients([any], "pow 1 \(shape)") { $0[0].pow(1) }
            checkGradients([positive], "pow 0.5 \(shape)") { $0[0].pow(0.5) }
            checkGradients([positive], "pow -1 \(shape)") { $0[0].pow(-1) }
            checkGradients([positive], "pow 1.7 \(shape)") { $0[0].pow(1.7) }
            checkGradients([positive], "pow -2.5 \(shape)") { $0[0].pow(-2.5) }
            checkGradients([positive], "global pow with Float exponent") { pow($0[0], 2.5) }
        }
    }

    func testPowZeroExponentHasZeroGradientEvenAtZero() {
        let x = Tensor([0, 2, -3])
        let (value, grads) = valueWithGradient(at: [x]) { $0[0].pow(0).sum() }
        XCTAssertEqual(value.scalar, 3)
        assertTensor(grads[0], shape: [3], [0, 0, 0])
    }

    func testAbsSubgradientIsZeroAtZero() {
        let (_, grads) = valueWithGradient(at: [Tensor([-1, 0, 2])]) { $0[0].abs().sum() }
        assertTensor(grads[0], shape: [3], [-1, 0, 1])
    }

    func testTensorPowerGradients() {
        var inputs = Inputs(seed: 21)
        let cases: [([Int], [Int])] = [([3, 4], [3, 4]), ([3, 4], [4]), ([3, 4], []), ([2, 1, 3], [4, 1]), ([], [2, 3])]
        for (sb, se) in cases {
            let base = inputs.uniform(sb, in: 0.5...2), exponent = inputs.uniform(se, in: -2...2)
            checkGradients([base, exponent], "pow \(sb) ^ \(se)") { pow($0[0], $0[1]) }
        }
        // The exponent's gradient at a zero base is the right-hand limit, 0, not NaN.
        let (_, grads) = valueWithGradient(at: [Tensor([0, 2]), Tensor([2, 3])]) { pow($0[0], $0[1]).sum() }
        assertTensor(grads[0], shape: [2], [0, 12])
        assertTensor(grads[1], shape: [2], [0, 8 * Float(M_LN2)], tolerance: 1e-5)
    }

    func testComparisonMasks() {
        let a = Tensor([[1, 2, 3], [4, 5, 6]]), b = Tensor([3, 2, 7])
        assertTensor(a.greater(than: b), shape: [2, 3], [0, 0, 0, 1, 1, 0])
        assertTensor(a.greaterOrEqual(to: b), shape: [2, 3], [0, 1, 0, 1, 1, 0])
        assertTensor(a.less(than: b), shape: [2, 3], [1, 0, 1, 0, 0, 1])
        assertTensor(a.lessOrEqual(to: b), shape: [2, 3], [1, 1, 1, 0, 0, 1])
        assertTensor(a.equal(to: b), shape: [2, 3], [0, 1, 0, 0, 0, 0])
        assertTensor(a.notEqual(to: b), shape: [2, 3], [1, 0, 1, 1, 1, 1])
        assertTensor(a.greater(than: 3), shape: [2, 3], [0, 0, 0, 1, 1, 1])
        assertTensor(a.greaterOrEqual(to: 3), shape: [2, 3], [0, 0, 1, 1, 1, 1])
        assertTensor(a.less(than: 3), shape: [2, 3], [1, 1, 0, 0, 0, 0])
        assertTensor(a.lessOrEqual(to: 3), shape: [2, 3], [1, 1, 1, 0, 0, 0])
        assertTensor(a.equal(to: 5), shape: [2, 3], [0, 0, 0, 0, 1, 0])
        assertTensor(a.notEqual(to: 5), shape: [2, 3], [1, 1, 1, 1, 0, 1])
    }

    func testMasksAreConstants() {
        // A mask built from x carries no gradient; only the multiplication by x does.
        let x = Tensor([-1, 2, 3])
        let (_, grads) = valueWithGradient(at: [x]) { xs in (xs[0].greater(than: 0) * xs[0]).sum() }
        assertTensor(grads[0], shape: [3], [0, 1, 1])
    }

    func testMaximumAndMinimumValues() {
        let a = Tensor([[1, 5], [3, -2]]), b = Tensor([2, 0])
        assertTensor(maximum(a, b), shape: [2, 2], [2, 5, 3, 0])
        assertTensor(minimum(a, b), shape: [2, 2], [1, 0, 2, -2])
        assertTensor(maximum(a, 2), shape: [2, 2], [2, 5, 3, 2])
        assertTensor(minimum(0, a), shape: [2, 2], [0, 0, 0, -2])
    }

    func testMaximumAndMinimumGradients() {
        var inputs = Inputs(seed: 22)
        let cases: [([Int], [Int])] = [([3, 4], [3, 4]), ([3, 4], [4]), ([2, 1, 3], [4, 1]), ([3, 4], []), ([], [2, 2])]
        for (sa, sb) in cases {
            // Odd and even multiples of 0.1 never tie, so no difference straddles a kink.
            let a = inputs.grid(sa, offset: 0.1), b = inputs.grid(sb, offset: 0)
            checkGradients([a, b], "maximum \(sa) \(sb)") { maximum($0[0], $0[1]) }
            checkGradients([a, b], "minimum \(sa) \(sb)") { minimum($0[0], $0[1]) }
        }
        let x = inputs.avoiding([0.5], [3, 4])
        checkGradients([x], "maximum with constant") { maximum($0[0], 0.5) }
        checkGradients([x], "minimum with constant") { minimum(0.5, $0[0]) }
    }

    func testMaximumSplitsGradientOnTies() {
        let (_, grads) = valueWithGradient(at: [Tensor([1, 2, 3]), Tensor([1, 0, 5])]) { xs in
            maximum(xs[0], xs[1]).sum() + minimum(xs[0], xs[1]).sum() * 10
        }
        assertTensor(grads[0], shape: [3], [5.5, 1, 10])
        assertTensor(grads[1], shape: [3], [5.5, 10, 1])
    }

    func testClamped() {
        let x = Tensor([-2, -1, 0, 0.5, 1, 3])
        assertTensor(x.clamped(min: -1, max: 1), shape: [6], [-1, -1, 0, 0.5, 1, 1])
        let (_, grads) = valueWithGradient(at: [x]) { $0[0].clamped(min: -1, max: 1).sum() }
        // Boundaries pass the gradient, values strictly outside block it.
        assertTensor(grads[0], shape: [6], [0, 1, 1, 1, 1, 0])
        var inputs = Inputs(seed: 23)
        for shape in [[8], [3, 5]] {
            let v = inputs.avoiding([-0.5, 0.5], shape, in: -1.5...1.5)
            checkGradients([v], "clamped \(shape)") { $0[0].clamped(min: -0.5, max: 0.5) }
        }
    }

    func testWhereValues() {
        let condition = Tensor([[1], [0]])
        let x = Tensor([[1, 2, 3], [4, 5, 6]]), y = Tensor([-1, -2, -3])
        assertTensor(Tensor.where(condition, x, y), shape: [2, 3], [1, 2, 3, -1, -2, -3])
        assertTensor(Tensor.where(Tensor([0, 2, -1]), Tensor(7), Tensor([1, 1, 1])), shape: [3], [1, 7, 7])
        assertTensor(Tensor.where(Tensor([1, 0, 1]), Tensor([1, 2, 3]), Tensor([4, 5, 6])), shape: [3], [1, 5, 3])
    }

    func testWhereGradients() {
        var inputs = Inputs(seed: 24)
        let cases: [([Int], [Int], [Int])] = [
            ([3, 4], [3, 4], [3, 4]), ([3, 1], [3, 4], [4]), ([3, 4], [], [3, 4]), ([4], [2, 1, 4], [3, 1]),
        ]
        for (sc, sx, sy) in cases {
            let c = inputs.uniform(sc).greater(than: 0)
            let x = inputs.uniform(sx), y = inputs.uniform(sy)
            checkGradients([x, y], "where \(sc) \(sx) \(sy)") { Tensor.where(c, $0[0], $0[1]) }
        }
        let (_, grads) = valueWithGradient(at: [Tensor([1, 2, 3]), Tensor([4, 5, 6])]) { xs in
            Tensor.where(Tensor([1, 0, 1]), xs[0], xs[1]).sum()
        }
        assertTensor(grads[0], shape: [3], [1, 0, 1])
        assertTensor(grads[1], shape: [3], [0, 1, 0])
    }

    func testLargeElementwiseOpsMatchSmallOnes() {
        // Large tensors take the threaded path; every element must match the scalar formula.
        var inputs = Inputs(seed: 25)
        let x = inputs.uniform([300, 257], in: 0.1...2)
        let e = x.exp(), l = x.log(), c = x.clamped(min: 0.5, max: 1.5)
        let m = maximum(x, Tensor(1))
        let xs = x.scalars
        for i in stride(from: 0, to: xs.count, by: 97) {
            XCTAssertEqual(e.scalars[i], expf(xs[i]), accuracy: 1e-5 * expf(xs[i]))
            XCTAssertEqual(l.scalars[i], logf(xs[i]), accuracy: 1e-6)
            XCTAssertEqual(c.scalars[i], Swift.min(Swift.max(xs[i], 0.5), 1.5))
            XCTAssertEqual(m.scalars[i], Swift.max(xs[i], 1))
        }
    }
}
