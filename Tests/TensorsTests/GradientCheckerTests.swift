import XCTest
import Tensors

/// The finite-difference checker must catch wrong gradients, or every passing gradient
/// test would mean nothing.
final class GradientCheckerTests: XCTestCase {
    /// x² recorded with the given backward rule, standing in for an op with a bug.
    func square(_ x: Tensor, backward: @escaping (Tensor, Tensor) -> Tensor) -> Tensor {
        let out = x.detached * x.detached
        guard let tape = GradientTape.recording(x) else { return out }
        let saved = x.detached
        return tape.recordUnary(out, x) { g in backward(g, saved) }
    }

    func testCorrectGradientPasses() {
        var inputs = Inputs(seed: 60)
        let report = gradientCheck([inputs.uniform([3, 4])]) { xs in
            self.square(xs[0]) { g, x in g * x * 2 }
        }
        XCTAssertEqual(report.problems, [])
        XCTAssertTrue(report.sawNonzeroGradient)
    }

    func testMissingFactorIsCaught() {
        var inputs = Inputs(seed: 61)
        let report = gradientCheck([inputs.avoiding([0], margin: 0.2, [3, 4])]) { xs in
            self.square(xs[0]) { g, x in g * x }
        }
        XCTAssertEqual(report.problems.count, 12, "\(report.problems)")
    }

    func testSingleWrongElementIsCaught() {
        var inputs = Inputs(seed: 62)
        let report = gradientCheck([inputs.avoiding([0], margin: 0.2, [2, 3])]) { xs in
            self.square(xs[0]) { g, x in
                var grad = g * x * 2
                grad.withUnsafeMutableBufferPointer { $0[4] *= 1.1 }
                return grad
            }
        }
        XCTAssertEqual(report.problems.count, 1, "\(report.problems)")
        XCTAssertTrue(report.problems.first?.contains("element 4") ?? false, "\(report.problems)")
    }

    func testPermutedGradientIsCaught() {
        // A gradient with the right values in the wrong places: what a plain Σ f(x) would miss
        // for shape operations, and what the random weights catch.
        let x = Tensor([1, 2, 3])
        let report = gradientCheck([x]) { xs in
            let out = xs[0].detached * 1
            guard let tape = GradientTape.recording(xs[0]) else { return out }
            return tape.recordUnary(out, xs[0]) { g in Tensor(g.scalars.reversed()) }
        }
        XCTAssertFalse(report.problems.isEmpty)
    }

    func testIgnoredInputIsReportedAsVacuous() {
        let report = gradientCheck([Tensor([1, 2])]) { xs in xs[0] * 0 + 2 }
        XCTAssertEqual(report.problems, [])
        XCTAssertFalse(report.sawNonzeroGradient)
    }
}
