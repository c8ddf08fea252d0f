import Foundation
import XCTest
import Tensors

/// Softmax, log-softmax and log-sum-exp; max and min reductions; argmax and argmin.
final class SoftmaxAndExtremaTests: XCTestCase {
    /// Softmax of every lane along `axis`, computed in Double straight from the definition.
    func referenceSoftmax(_ x: Tensor, axis: Int, logarithmic: Bool) -> [Float] {
        let shape = x.shape
        let outer = shape[..<axis].reduce(1, *), n = shape[axis], inner = shape[(axis + 1)...].reduce(1, *)
        let v = x.scalars.map(Double.init)
        var out = [Float](repeating: 0, count: v.count)
        for o in 0..<outer {
            for i in 0..<inner {
                let lane = (0..<n).map { (o * n + $0) * inner + i }
                let total = lane.reduce(0.0) { $0 + Foundation.exp(v[$1]) }
                for k in lane {
                    out[k] = Float(logarithmic ? v[k] - Foundation.log(total) : Foundation.exp(v[k]) / total)
                }
            }
        }
        return out
    }

    func testSoftmaxValues() {
        let x = Tensor([1, 2, 3])
        assertTensor(x.softmax(), shape: [3], [0.09003057, 0.24472847, 0.66524096])
        assertTensor(x.logSoftmax(), shape: [3], [-2.4076059, -1.4076059, -0.4076059])
        assertTensor(x.logSumExp(), shape: [], [3.4076059])
        let m = Tensor([[1, 2], [3, 4]])
        assertTensor(m.softmax(alongAxis: 0), shape: [2, 2], [0.11920292, 0.11920292, 0.88079708, 0.88079708])
        assertTensor(m.logSoftmax(alongAxis: 1), shape: [2, 2], [-1.3132616, -0.3132616, -1.3132616, -0.3132616])
        assertTensor(m.logSumExp(alongAxis: 0, keepDims: true), shape: [1, 2], [3.126928, 4.126928])
    }

    func testSoftmaxAgainstReferenceOnEveryAxis() {
        var inputs = Inputs(seed: 30)
        let x = inputs.uniform([2, 3, 4], in: -3...3)
        for axis in 0..<3 {
            assertTensor(x.softmax(alongAxis: axis), shape: [2, 3, 4], referenceSoftmax(x, axis: axis, logarithmic: false),
                         "softmax axis \(axis)")
            assertTensor(x.logSoftmax(alongAxis: axis), shape: [2, 3, 4], referenceSoftmax(x, axis: axis, logarithmic: true),
                         tolerance: 2e-6, "logSoftmax axis \(axis)")
            assertTensor(x.softmax(alongAxis: axis - 3), shape: [2, 3, 4], referenceSoftmax(x, axis: axis, logarithmic: false),
                         "softmax negative axis \(axis - 3)")
        }
        // Rows of a wide batch take the threaded path.
        let wide = inputs.uniform([600, 130], in: -5...5)
        assertTensor(wide.softmax(), shape: [600, 130], referenceSoftmax(wide, axis: 1, logarithmic: false))
        assertTensor(wide.logSoftmax(), shape: [600, 130], referenceSoftmax(wide, axis: 1, logarithmic: true), tolerance: 1e-5)
    }

    func testSoftmaxIsStableForLargeAndMaskedLogits() {
        assertTensor(Tensor([1000, 1001, 1002]).softmax(), shape: [3], [0.09003057, 0.24472847, 0.66524096])
        assertTensor(Tensor([-1000, 0]).softmax(), shape: [2], [0, 1])
        assertTensor(Tensor([-1000, 0]).logSoftmax(), shape: [2], [-1000, 0])
        assertTensor(Tensor([1000, 1001, 1002]).logSumExp(), shape: [], [1002.4076], tolerance: 1e-3)
        assertTensor(Tensor([0, -.infinity, 0]).softmax(), shape: [3], [0.5, 0, 0.5])
        let masked = Tensor([-.infinity, 0]).logSoftmax()
        XCTAssertEqual(masked.scalars[0], -.infinity)
        XCTAssertEqual(masked.scalars[1], 0)
        // Gradients through masked logits stay finite.
        let (_, grads) = valueWithGradient(at: [Tensor([0, -.infinity, 1])]) { xs in
            (xs[0].logSoftmax() * Tensor([1, 0, 2])).sum()
        }
        XCTAssertTrue(grads[0].scalars.allSatisfy(\.isFinite), "\(grads[0])")
    }

    func testSoftmaxGradients() {
        var inputs = Inputs(seed: 31)
        for shape in [[5], [3, 4], [2, 3, 4], [1, 1]] {
            let x = inputs.uniform(shape, in: -2...2)
            for axis in -shape.count..<shape.count {
                // Over an axis of extent 1 both are constant (1 and 0), with zero gradient.
                let varies = shape[axis < 0 ? axis + shape.count : axis] > 1
                checkGradients([x], expectNonzero: varies, "softmax \(shape) axis \(axis)") { $0[0].softmax(alongAxis: axis) }
                checkGradients([x], expectNonzero: varies, "logSoftmax \(shape) axis \(axis)") {
                    $0[0].logSoftmax(alongAxis: axis)
                }
                for keepDims in [false, true] {
                    checkGradients([x], "logSumExp \(shape) axis \(axis) keep \(keepDims)") {
                        $0[0].logSumExp(alongAxis: axis, keepDims: keepDims)
                    }
                }
            }
        }
        // Large logits: the analytic gradient must match even where a naive exp overflows.
        let big = Tensor([[100, 101, 99], [-50, -52, -51]])
        checkGradients([big], "softmax of large logits") { $0[0].softmax() }
        checkGradients([big], "logSoftmax of large logits") { $0[0].logSoftmax() }
    }

    func testSoftmaxGradientByHand() {
        // d/dx Σ w·softmax(x) = p ⊙ (w − p·w): with x = [0, 0], p = [0.5, 0.5], w = [1, 3].
        let (_, grads) = valueWithGradient(at: [Tensor([0, 0])]) { xs in (xs[0].softmax() * Tensor([1, 3])).sum() }
        assertTensor(grads[0], shape: [2], [-0.5, 0.5])
        // d/dx Σ w·logSoftmax(x) = w − p·Σw: with x = [0, 0], w = [1, 3]: [1 − 2, 3 − 2].
        let (_, logGrads) = valueWithGradient(at: [Tensor([0, 0])]) { xs in (xs[0].logSoftmax() * Tensor([1, 3])).sum() }
        assertTensor(logGrads[0], shape: [2], [-1, 1])
    }

    func testMaxAndMinValues() {
        let x = Tensor([[1, 5, 3], [4, 2, 6]])
        assertTensor(x.max(alongAxes: [1]), shape: [2], [5, 6])
        assertTensor(x.max(alongAxis: 0), shape: [3], [4, 5, 6])
        assertTensor(x.max(), shape: [], [6])
        assertTensor(x.max(alongAxes: [1], keepDims: true), shape: [2, 1], [5, 6])
        assertTensor(x.max(alongAxes: nil, keepDims: true), shape: [1, 1], [6])
        assertTensor(x.min(alongAxes: [1]), shape: [2], [1, 2])
        assertTensor(x.min(alongAxis: -2, keepDims: true), shape: [1, 3], [1, 2, 3])
        assertTensor(x.min(), shape: [], [1])
        assertTensor(Tensor([-3, -1, -2]).max(), shape: [], [-1])
        assertTensor(Tensor([3, 1, 2]).min(), shape: [], [1])
    }

    func testMaxAndMinGradients() {
        var inputs = Inputs(seed: 32)
        let x = inputs.distinct([2, 3, 4])
        let axesCases: [[Int]?] = [nil, [0], [1], [2], [-1], [0, 2], [1, 2]]
        for axes in axesCases {
            for keepDims in [false, true] {
                checkGradients([x], "max \(String(describing: axes)) keep \(keepDims)") {
                    $0[0].max(alongAxes: axes, keepDims: keepDims)
                }
                checkGradients([x], "min \(String(describing: axes)) keep \(keepDims)") {
                    $0[0].min(alongAxes: axes, keepDims: keepDims)
                }
            }
        }
        let q = inputs.distinct([64, 2])
        checkGradients([q], "max over actions of [64, 2]") { $0[0].max(alongAxis: 1) }
    }

    func testExtremumGradientIsSharedAmongTies() {
        let (_, grads) = valueWithGradient(at: [Tensor([[1, 3, 3], [2, 0, 1]])]) { xs in
            (xs[0].max(alongAxis: 1) * Tensor([2, 1])).sum()
        }
        assertTensor(grads[0], shape: [2, 3], [0, 1, 1, 1, 0, 0])
        let (_, all) = valueWithGradient(at: [Tensor([[3, 1], [3, 3]])]) { $0[0].max() }
        assertTensor(all[0], shape: [2, 2], [1 / 3, 0, 1 / 3, 1 / 3])
        let (_, low) = valueWithGradient(at: [Tensor([0, 4, 0, 2])]) { $0[0].min() }
        assertTensor(low[0], shape: [4], [0.5, 0, 0.5, 0])
    }

    func testArgmaxAndArgmin() {
        let x = Tensor([[1, 5, 5], [7, 2, 7]])
        XCTAssertEqual(x.argmax(alongAxis: 1), IndexTensor([1, 0]))
        XCTAssertEqual(x.argmax(), IndexTensor([1, 0]))
        XCTAssertEqual(x.argmax(alongAxis: 0), IndexTensor([1, 0, 1]))
        XCTAssertEqual(x.argmin(alongAxis: 1), IndexTensor([0, 1]))
        XCTAssertEqual(x.argmin(alongAxis: 0), IndexTensor([0, 1, 0]))
        // Middle axis of a rank-3 tensor: lanes are strided.
        let cube = Tensor(shape: [2, 3, 2], scalars: [0, 9, 5, 1, 2, 3,
                                                      8, 0, 1, 7, 9, 6])
        XCTAssertEqual(cube.argmax(alongAxis: 1), IndexTensor(shape: [2, 2], scalars: [1, 0, 2, 1]))
        XCTAssertEqual(cube.argmin(alongAxis: 1), IndexTensor(shape: [2, 2], scalars: [0, 1, 1, 0]))
        XCTAssertEqual(cube.argmax(alongAxis: -1), IndexTensor(shape: [2, 3], scalars: [1, 0, 1, 0, 1, 0]))
        XCTAssertEqual(Tensor([4]).argmax(alongAxis: 0), IndexTensor(shape: [], scalars: [0] as [Int]))
    }
}
