import Foundation
import XCTest
import Tensors

/// How the tape records and replays: shared subexpressions, accumulation, constants,
/// values from other tapes, parameters and intermediate gradients.
final class GradientTapeTests: XCTestCase {
    func testSharedSubexpression() {
        // f(x) = x·x + x reads x three times: f'(x) = 2x + 1.
        let x = Tensor([-1, 0.5, 2])
        let (value, grads) = valueWithGradient(at: [x]) { xs in (xs[0] * xs[0] + xs[0]).sum() }
        XCTAssertEqual(value.scalar, 6.75, accuracy: 1e-6)
        assertTensor(grads[0], shape: [3], [-1, 2, 5])
    }

    func testGradientAccumulatesWhenATensorIsUsedTwice() {
        let x = Tensor([1, 2])
        let (_, grads) = valueWithGradient(at: [x]) { xs in (xs[0] + xs[0]).sum() }
        assertTensor(grads[0], shape: [2], [2, 2])
        // An intermediate used twice: y = 3x, z = y·y + y, dz/dx = 3(2y + 1) = 18x + 3.
        let (_, again) = valueWithGradient(at: [x]) { xs in
            let y = xs[0] * 3
            return (y * y + y).sum()
        }
        assertTensor(again[0], shape: [2], [21, 39])
    }

    func testDiamondGraph() {
        // a = 2x feeds both e^a and a²: d/dx (e^a + a²) = 2(e^a + 2a).
        let x = Tensor([0, 0.5, -1])
        let (_, grads) = valueWithGradient(at: [x]) { xs in
            let a = xs[0] * 2
            let left = a.exp(), right = a.squared()
            return (left + right).sum()
        }
        let expected = x.scalars.map { v in 2 * (expf(2 * v) + 4 * v) }
        assertTensor(grads[0], shape: [3], expected, tolerance: 1e-5)
    }

    func testWithoutGradientStopsRecording() {
        let x = Tensor([1, 2, 3])
        let (_, grads) = valueWithGradient(at: [x]) { xs in
            let constant = withoutGradient { xs[0] * 3 }
            return (xs[0] * xs[0] + constant).sum()
        }
        assertTensor(grads[0], shape: [3], [2, 4, 6])
    }

    func testDetachedIsAConstant() {
        let x = Tensor([1, 2, 3])
        let (_, grads) = valueWithGradient(at: [x]) { xs in (xs[0].detached * xs[0]).sum() }
        assertTensor(grads[0], shape: [3], [1, 2, 3])
    }

    func testUnusedInputsGetZeroGradients() {
        let x = Tensor([1, 2]), unused = Tensor([[1, 2, 3], [4, 5, 6]])
        let (_, grads) = valueWithGradient(at: [x, unused]) { xs in (xs[0] * 2).sum() }
        assertTensor(grads[0], shape: [2], [2, 2])
        assertTensor(grads[1], shape: [2, 3], [0, 0, 0, 0, 0, 0])
    }

    func testTensorFromAnOlderTapeIsAConstant() {
        let first = GradientTape()
        let old = first.watch(Tensor([2, 3]))
        let oldProduct = first.record { old * old }
        let second = GradientTape()
        let y = second.watch(Tensor([5, 7]))
        let z = second.record { (oldProduct * y + old).sum() }
        let grads = second.gradient(of: z, wrt: [y, old, oldProduct])
        assertTensor(grads[0], shape: [2], [4, 9])
        assertTensor(grads[1], shape: [2], [0, 0])
        assertTensor(grads[2], shape: [2], [0, 0])
        XCTAssertEqual(z.scalar, 88, "4·5 + 9·7 + 2 + 3")
    }

    func testIntermediateGradientsAndRepeatedQueries() {
        let tape = GradientTape()
        let x = tape.watch(Tensor([1, 2]))
        let (y, z) = tape.record { () -> (Tensor, Tensor) in
            let y = x * 2
            return (y, (y * 3).sum())
        }
        let grads = tape.gradient(of: z, wrt: [y, x])
        assertTensor(grads[0], shape: [2], [3, 3])
        assertTensor(grads[1], shape: [2], [6, 6])
        // Asking again for the same target gives the same answer.
        assertTensor(tape.gradient(of: z, wrt: [x])[0], shape: [2], [6, 6])
    }

    func testNonScalarTargetIsSummed() {
        let tape = GradientTape()
        let x = tape.watch(Tensor([1, 2, 3]))
        let y = tape.record { x.squared() }
        assertTensor(tape.gradient(of: y, wrt: [x])[0], shape: [3], [2, 4, 6])
    }

    func testParametersAreWatchedAndAccumulate() {
        let w = Parameter(Tensor([[1, 2], [3, 4]]), name: "w")
        let b = Parameter(Tensor([0.5, -0.5]), name: "b")
        let unused = Parameter(Tensor([9]), name: "unused")
        let x = Tensor([[1, 1]])
        let (value, grads) = valueWithGradient(wrt: [w, b, unused]) {
            // w is read twice; both reads must land on one gradient.
            (linear(x, weight: w.value, bias: b.value) + matmul(x, w.value)).sum()
        }
        XCTAssertEqual(value.scalar, 20, accuracy: 1e-6)
        assertTensor(grads[0], shape: [2, 2], [2, 2, 2, 2])
        assertTensor(grads[1], shape: [2], [1, 1])
        assertTensor(grads[2], shape: [1], [0])
        // Outside a tape the parameter is a plain value.
        let plain = linear(x, weight: w.value, bias: b.value)
        assertTensor(plain, shape: [1, 2], [4.5, 5.5])
    }

    func testMixedChainOfNewOps() {
        // Cross-entropy through logSoftmax and gather equals the closed form softmax − onehot.
        let logits = Tensor([[1, 2, 0.5], [0, -1, 3]])
        let labels = IndexTensor([1, 2])
        let (_, grads) = valueWithGradient(at: [logits]) { xs in
            -xs[0].logSoftmax().gathering(labels, alongAxis: 1).sum()
        }
        var expected = [Float]()
        for (r, row) in [[1.0, 2, 0.5], [0, -1, 3]].enumerated() {
            let total = row.reduce(0) { $0 + Foundation.exp($1) }
            for (c, v) in row.enumerated() { expected.append(Float(Foundation.exp(v) / total) - (c == labels[r] ? 1 : 0)) }
        }
        assertTensor(grads[0], shape: [2, 3], expected, tolerance: 1e-6)
    }
}
