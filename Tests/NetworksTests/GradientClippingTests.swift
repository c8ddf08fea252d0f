import Networks
import Tensors
import XCTest

final class GradientClippingTests: XCTestCase {
    func testGlobalNormOfSeveralTensors() {
        // √(3² + 4² + 12²) = 13.
        XCTAssertEqual(globalNorm([Tensor([3, 4]), Tensor([[12]])]), 13, accuracy: 1e-6)
        XCTAssertEqual(globalNorm([]), 0)
    }

    func testClipByGlobalNormScalesAllTensorsTogether() {
        let (clipped, norm) = clipByGlobalNorm([Tensor([3, 4]), Tensor([[12]])], maxNorm: 6.5)
        XCTAssertEqual(norm, 13, accuracy: 1e-6)
        // Scale 6.5 / 13 = 0.5 for every tensor, shapes kept.
        XCTAssertTrue(clipped[0].isApproximatelyEqual(to: Tensor([1.5, 2]), tolerance: 1e-6))
        XCTAssertTrue(clipped[1].isApproximatelyEqual(to: Tensor([[6]]), tolerance: 1e-6))
        XCTAssertEqual(globalNorm(clipped), 6.5, accuracy: 1e-5)
    }

    func testClipByGlobalNormLeavesSmallGradientsAlone() {
        let g = [Tensor([0.3, -0.4])]
        let (clipped, norm) = clipByGlobalNorm(g, maxNorm: 0.5)
        XCTAssertEqual(norm, 0.5, accuracy: 1e-7)
        XCTAssertEqual(clipped[0].scalars, [0.3, -0.4])
        XCTAssertEqual(clipByGlobalNorm(g, maxNorm: 10).clipped[0].scalars, [0.3, -0.4])
    }

    func testClipByGlobalNormReportsNonFiniteNorm() {
        let (clipped, norm) = clipByGlobalNorm([Tensor([1, .infinity])], maxNorm: 1)
        XCTAssertFalse(norm.isFinite)
        XCTAssertEqual(clipped[0].scalars, [1, .infinity])
    }

    func testClipByValue() {
        let clipped = clipByValue([Tensor([-3, -0.5, 0, 0.5, 3]), Tensor([[2, -2]])], min: -1, max: 1)
        XCTAssertEqual(clipped[0].scalars, [-1, -0.5, 0, 0.5, 1])
        XCTAssertEqual(clipped[1].shape, [1, 2])
        XCTAssertEqual(clipped[1].scalars, [1, -1])
    }
}
