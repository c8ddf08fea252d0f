import Foundation
import Tensors
import XCTest

/// The vectorised tanh against libm's tanhf, across its polynomial and exponential branches,
/// saturation, and lengths that leave a tail.
final class ActivationKernelTests: XCTestCase {
    func testTanhMatchesLibm() {
        var xs: [Float] = stride(from: Float(-20), through: 20, by: 0.0037).map { $0 }
        xs += [0, -0, 0.625, -0.625, 0.62499, 1e-8, -1e-30, 9, 44, 100, -100, .greatestFiniteMagnitude, -.greatestFiniteMagnitude]
        for count in [xs.count, 17, 5] {
            let input = Array(xs.prefix(count))
            let y = Tensor(input).tanh().scalars
            for (x, value) in zip(input, y) {
                let reference = Foundation.tanh(x)
                XCTAssertEqual(value, reference, accuracy: max(3e-7, 2e-6 * abs(reference)), "tanh(\(x))")
                XCTAssertLessThanOrEqual(abs(value), 1, "tanh(\(x)) stays in [-1, 1]")
            }
        }
        XCTAssertEqual(Tensor([1e-20]).tanh().scalars[0], 1e-20, "tiny inputs keep their relative precision")
        XCTAssertTrue(Tensor([Float.nan]).tanh().scalars[0].isNaN)
    }
}
