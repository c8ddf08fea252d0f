import Networks
import Tensors
import XCTest

/// Central finite differences against the tape's gradients, shared by the loss and
/// distribution tests. `f` must be smooth within `h` of every input value.
enum NetsFiniteDifference {
    static func check(at inputs: [Tensor], h: Float = 1e-3, tolerance: Float = 2e-3,
                      file: StaticString = #filePath, line: UInt = #line, _ f: ([Tensor]) -> Tensor) {
        let (_, analytic) = valueWithGradient(at: inputs) { f($0).sum() }
        for (i, input) in inputs.enumerated() {
            XCTAssertEqual(analytic[i].shape, input.shape, "gradient \(i) shape", file: file, line: line)
            for j in 0..<input.count {
                func value(_ delta: Float) -> Float {
                    var shifted = inputs
                    shifted[i] = input.copy()
                    shifted[i].withUnsafeMutableBufferPointer { $0[j] += delta }
                    return withoutGradient { f(shifted).sum().scalar }
                }
                let numeric = (value(h) - value(-h)) / (2 * h)
                let a = analytic[i].scalars[j]
                XCTAssertEqual(a, numeric, accuracy: tolerance * max(1, abs(numeric)),
                               "input \(i) element \(j): tape \(a), finite difference \(numeric)", file: file, line: line)
            }
        }
    }
}

final class LossTests: XCTestCase {
    func assertScalar(_ t: Tensor, _ expected: Double, accuracy: Double = 1e-6,
                      file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(t.shape, [], file: file, line: line)
        XCTAssertEqual(Double(t.scalar), expected, accuracy: accuracy * max(1, abs(expected)), file: file, line: line)
    }

    // MARK: Squared error

    func testMeanSquaredErrorValues() {
        let predicted = Tensor([1, 2, 3]), target = Tensor([1.5, 2, 1])
        // Squared errors 0.25, 0, 4.
        assertScalar(meanSquaredError(predicted, target), 4.25 / 3)
        // Weights (1, 2, 0.5): (0.25 + 0 + 2) / 3, divided by the batch size, not Σw.
        let w = Tensor([1, 2, 0.5])
        assertScalar(meanSquaredError(predicted, target, weights: w), 0.75)
        assertScalar(meanSquaredError(predicted, target, weights: w, reduction: .sum), 2.25)
        XCTAssertEqual(meanSquaredError(predicted, target, weights: w, reduction: .none).scalars, [0.25, 0, 2])
    }

    func testMeanSquaredErrorAveragesEachSampleFirst() {
        let predicted = Tensor([[1, 2], [3, 4]]), target = Tensor.zeros([2, 2])
        // Mean of 1, 4, 9, 16.
        assertScalar(meanSquaredError(predicted, target), 7.5)
        // Per-sample means 2.5 and 12.5, weights 2 and 0: (5 + 0) / 2.
        assertScalar(meanSquaredError(predicted, target, weights: Tensor([2, 0])), 2.5)
        // Weights shaped [B, 1] (as Q-value columns often are) work the same.
        assertScalar(meanSquaredError(predicted, target, weights: Tensor([[2], [0]])), 2.5)
        XCTAssertEqual(meanSquaredError(predicted, target, reduction: .none).scalars, [2.5, 12.5])
    }

    func testMeanSquaredErrorGradient() {
        NetsFiniteDifference.check(at: [Tensor([[0.3, -1.2], [2, 0.7]]), Tensor([[1, 0.5], [-0.4, 0.7]])]) {
            meanSquaredError($0[0], $0[1], weights: Tensor([0.5, 2]))
        }
    }

    // MARK: Huber

    func testHuberValues() {
        let predicted = Tensor([0.5, -2, 1, 3]), target = Tensor.zeros([4])
        // δ = 1: ½·0.25, 1·(2 − ½), ½·1, 1·(3 − ½).
        assertScalar(huberLoss(predicted, target), (0.125 + 1.5 + 0.5 + 2.5) / 4)
        // δ = 2: ½·0.25, ½·4, ½·1, 2·(3 − 1).
        assertScalar(huberLoss(predicted, target, delta: 2), (0.125 + 2 + 0.5 + 4) / 4)
        // Weighted: (0.125·4 + 2.5·2) / 4 with the other two weighted 0.
        assertScalar(huberLoss(predicted, target, weights: Tensor([4, 0, 0, 2])), (0.5 + 5) / 4)
    }

    func testHuberGradientIsClippedError() {
        // d/dp of the sum is the error clipped to [−δ, δ].
        let (_, g) = valueWithGradient(at: [Tensor([0.5, -2, 3, -0.25])]) {
            huberLoss($0[0], Tensor.zeros([4]), reduction: .sum)
        }
        XCTAssertEqual(g[0].scalars, [0.5, -1, 1, -0.25])
        NetsFiniteDifference.check(at: [Tensor([0.3, -2.5, 1.7, 0.9]), Tensor([0.1, 0.2, -0.3, 0.4])]) {
            huberLoss($0[0], $0[1], delta: 1.5, weights: Tensor([1, 2, 3, 0.5]))
        }
    }

    // MARK: Binary cross-entropy

    func testBinaryCrossEntropyFromProbabilities() {
        // −ln 0.9, −ln 0.8, −ln 0.5.
        let loss = binaryCrossEntropy(probabilities: Tensor([0.9, 0.2, 0.5]), targets: Tensor([1, 0, 1]))
        assertScalar(loss, (0.105_360_516 + 0.223_143_551 + 0.693_147_181) / 3)
        // A certain wrong prediction is clamped to 1e-7: −ln 1e-7 = 16.118.
        assertScalar(binaryCrossEntropy(probabilities: Tensor([0]), targets: Tensor([1])), 16.118_095_65, accuracy: 1e-5)
        let saturated = binaryCrossEntropy(probabilities: Tensor([1]), targets: Tensor([0])).scalar
        XCTAssertTrue(saturated.isFinite && saturated > 15)
    }

    func testBinaryCrossEntropyFromLogits() {
        // softplus(x) − x z: ln 2 − 0; softplus(2) − 0; softplus(−3) + 0.75.
        let loss = binaryCrossEntropy(logits: Tensor([0, 2, -3]), targets: Tensor([1, 0, 0.25]))
        assertScalar(loss, (0.693_147_181 + 2.126_928_011 + 0.798_587_352) / 3)
        // Confident logits stay finite: the loss is about |x| when wrong.
        XCTAssertEqual(binaryCrossEntropy(logits: Tensor([100, -100]), targets: Tensor([0, 1])).scalar, 100, accuracy: 1e-4)
        // Agrees with the probability form away from the clamp.
        let x = Tensor([-1.5, 0.3, 2.2]), z = Tensor([0, 1, 0.6])
        XCTAssertEqual(binaryCrossEntropy(logits: x, targets: z).scalar,
                       binaryCrossEntropy(probabilities: x.sigmoid(), targets: z).scalar, accuracy: 1e-6)
    }

    func testBinaryCrossEntropyFromLogitsGradientAtZero() {
        // d/dx = (sigmoid(x) − z) / n, including at x = 0 where max(x, 0) and |x| have kinks.
        let (_, g) = valueWithGradient(at: [Tensor([0, 0, 1])]) {
            binaryCrossEntropy(logits: $0[0], targets: Tensor([1, 0, 1]))
        }
        XCTAssertEqual(g[0].scalars[0], -0.5 / 3, accuracy: 1e-7)
        XCTAssertEqual(g[0].scalars[1], 0.5 / 3, accuracy: 1e-7)
        XCTAssertEqual(g[0].scalars[2], (0.731_058_579 - 1) / 3, accuracy: 1e-7)
    }

    func testBinaryCrossEntropyGradients() {
        NetsFiniteDifference.check(at: [Tensor([[0.2, 0.7], [0.9, 0.4]])]) {
            binaryCrossEntropy(probabilities: $0[0], targets: Tensor([[1, 0], [0.3, 1]]), weights: Tensor([1, 3]))
        }
        NetsFiniteDifference.check(at: [Tensor([[-2, 0.5], [3, -0.1]]), Tensor([[1, 0], [0.3, 1]])]) {
            binaryCrossEntropy(logits: $0[0], targets: $0[1], weights: Tensor([2, 0.5]))
        }
    }

    // MARK: Categorical cross-entropy

    let logits = Tensor([[1, 2, 3], [0, 0, 0]])

    func testCategoricalCrossEntropyFromLogits() {
        // Row 1: logsumexp = 3 + ln(1 + e⁻¹ + e⁻²) = 3.407606, −log p₂ = 0.407606. Row 2: ln 3.
        let expected = (0.407_605_964 + 1.098_612_289) / 2
        assertScalar(categoricalCrossEntropy(logits: logits, labels: IndexTensor([2, 0])), expected)
        assertScalar(categoricalCrossEntropy(logits: logits, labels: Tensor([[0, 0, 1], [1, 0, 0]])), expected)
        // Soft labels (½, ½, 0) on row 1: ½(3.407606 − 1) + ½(3.407606 − 2).
        assertScalar(categoricalCrossEntropy(logits: Tensor([[1, 2, 3]]), labels: Tensor([[0.5, 0.5, 0]])), 1.907_605_964)
        // Weights and per-sample output.
        let perSample = categoricalCrossEntropy(logits: logits, labels: IndexTensor([2, 0]), weights: Tensor([2, 1]), reduction: .none)
        XCTAssertTrue(perSample.isApproximatelyEqual(to: Tensor([0.815_211_928, 1.098_612_289]), tolerance: 1e-6))
        // Huge logits give a finite loss.
        XCTAssertEqual(categoricalCrossEntropy(logits: Tensor([[1000, 0]]), labels: IndexTensor([1])).scalar, 1000, accuracy: 1e-3)
    }

    func testCategoricalCrossEntropyFromProbabilities() {
        let p = Tensor([[0.2, 0.3, 0.5], [0.1, 0.6, 0.3]])
        // −ln 0.5 and −ln 0.6.
        let expected = (0.693_147_181 + 0.510_825_624) / 2
        assertScalar(categoricalCrossEntropy(probabilities: p, labels: IndexTensor([2, 1])), expected)
        assertScalar(categoricalCrossEntropy(probabilities: p, labels: Tensor([[0, 0, 1], [0, 1, 0]])), expected)
        // Rows are renormalised: (2, 3, 5) is (0.2, 0.3, 0.5).
        assertScalar(categoricalCrossEntropy(probabilities: Tensor([[2, 3, 5]]), labels: IndexTensor([2])), 0.693_147_181)
        // A zero probability on the label is clamped to 1e-7.
        assertScalar(categoricalCrossEntropy(probabilities: Tensor([[1, 0]]), labels: IndexTensor([1])), 16.118_095_65, accuracy: 1e-5)
    }

    func testCategoricalCrossEntropyGradients() {
        let labels = Tensor([[0, 0.25, 0.75], [1, 0, 0]])
        NetsFiniteDifference.check(at: [logits]) {
            categoricalCrossEntropy(logits: $0[0], labels: labels, weights: Tensor([1, 2]))
        }
        NetsFiniteDifference.check(at: [Tensor([[0.5, -1, 2], [0.1, 0.2, 0.3]])]) {
            categoricalCrossEntropy(logits: $0[0], labels: IndexTensor([1, 2]))
        }
        NetsFiniteDifference.check(at: [Tensor([[0.2, 0.3, 0.5], [0.1, 0.6, 0.3]])]) {
            categoricalCrossEntropy(probabilities: $0[0], labels: labels)
        }
        NetsFiniteDifference.check(at: [Tensor([[0.2, 0.3, 0.5], [0.1, 0.6, 0.3]])]) {
            categoricalCrossEntropy(probabilities: $0[0], labels: IndexTensor([0, 2]), weights: Tensor([3, 1]))
        }
    }

    func testGradientOfLogitCrossEntropyIsSoftmaxMinusLabels() {
        let (_, g) = valueWithGradient(at: [Tensor([[0, 0]])]) {
            categoricalCrossEntropy(logits: $0[0], labels: IndexTensor([1]))
        }
        XCTAssertTrue(g[0].isApproximatelyEqual(to: Tensor([[0.5, -0.5]]), tolerance: 1e-7))
    }
}
