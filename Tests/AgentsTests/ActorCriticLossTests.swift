import Agents
import Foundation
import Tensors
import XCTest

/// PPO's and A2C's losses against values worked out by hand.
final class ActorCriticLossTests: XCTestCase {
    // Ratios 1.2, 0.6 and 1.0; advantages 1, 2, −1; ε = 0.1.
    private let old = Tensor([Foundation.log(Float(0.5)), Foundation.log(Float(0.5)), Foundation.log(Float(0.25))])
    private let new = Tensor([Foundation.log(Float(0.6)), Foundation.log(Float(0.3)), Foundation.log(Float(0.25))])
    private let advantages = Tensor([1, 2, -1])
    private let entropies = Tensor([0.5, 0.6, 0.7])
    private let values = Tensor([1, 2, 3]), oldValues = Tensor([1.5, 1.5, 1.5]), returns = Tensor([2, 2, 2])

    private func ppo(_ logProbabilities: Tensor, valueClipRange: Float? = nil) -> ActorCriticLoss.Output {
        ActorCriticLoss.ppo(logProbabilities: logProbabilities, oldLogProbabilities: old, advantages: advantages,
                            entropies: entropies, values: values, oldValues: oldValues, returns: returns, clipRange: 0.1,
                            valueClipRange: valueClipRange, valueCoefficient: 0.5, entropyCoefficient: 0.01)
    }

    func testClippedSurrogateValueLossEntropyAndDiagnostics() {
        let output = ppo(new)
        // min(r·A, clip(r)·A) = min([1.2, 1.2, −1], [1.1, 1.8, −1]) = [1.1, 1.2, −1].
        XCTAssertEqual(output.policyLoss, -1.3 / 3, accuracy: 1e-6)
        XCTAssertEqual(output.valueLoss, 2.0 / 3, accuracy: 1e-6, "errors 1, 0, −1")
        XCTAssertEqual(output.entropy, 0.6, accuracy: 1e-6)
        let expected: Float = -1.3 / 3 - 0.01 * 0.6 + 0.5 * 2 / 3
        XCTAssertEqual(output.loss.scalar, expected, accuracy: 1e-6)
        XCTAssertEqual(output.clipFraction, 2.0 / 3, accuracy: 1e-6, "ratios 1.2 and 0.6 leave [0.9, 1.1]")
        // mean((r − 1) − log r)
        let kl = ((0.2 - Foundation.log(1.2)) + (-0.4 - Foundation.log(0.6)) + 0) / 3
        XCTAssertEqual(Double(output.approximateKL), kl, accuracy: 1e-6)
    }

    func testClippedValuePredictions() {
        // Predictions 1.5 ± 0.2 → [1.3, 1.7, 1.7]; errors to 2: [0.7, 0.3, 0.3].
        XCTAssertEqual(ppo(new, valueClipRange: 0.2).valueLoss, (0.49 + 0.09 + 0.09) / 3, accuracy: 1e-6)
    }

    /// No gradient where the clipped term is the smaller (sample 0, r = 1.2 > 1.1 with A > 0);
    /// −A·r/B where the unclipped one is (sample 1); the same on a tie (sample 2).
    func testGradientIsZeroWhereTheClipBinds() {
        let (_, gradients) = valueWithGradient(at: [new]) { inputs in ppo(inputs[0]).loss }
        let g = gradients[0].scalars
        XCTAssertEqual(g[0], 0, accuracy: 1e-7)
        XCTAssertEqual(g[1], -2 * 0.6 / 3, accuracy: 1e-6)
        XCTAssertEqual(g[2], 1.0 / 3, accuracy: 1e-6)
    }

    func testA2CLossAndItsValueGradient() {
        let logProbabilities = Tensor([Foundation.log(Float(0.5)), Foundation.log(Float(0.25))])
        let (loss, gradients) = valueWithGradient(at: [Tensor([1, 0])]) { inputs in
            ActorCriticLoss.a2c(logProbabilities: logProbabilities, advantages: Tensor([2, -1]), entropies: Tensor([0.6, 0.4]),
                                values: inputs[0], returns: Tensor([2, 1]), valueCoefficient: 0.5, entropyCoefficient: 0.1).loss
        }
        // −mean(2·log 0.5, −1·log 0.25) = 0; value loss 1; entropy 0.5.
        let expected: Float = 0 - 0.1 * 0.5 + 0.5 * 1
        XCTAssertEqual(loss.scalar, expected, accuracy: 1e-6)
        XCTAssertEqual(gradients[0].scalars, [-0.5, -0.5], "0.5 · 2(v − R)/2")
    }
}
