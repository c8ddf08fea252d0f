import Foundation
import Networks
import Randomness
import Tensors
import XCTest

/// End-to-end checks that layers, losses, the tape and the optimizers train real networks.
/// Seeds are fixed so the runs are deterministic; the thresholds leave a wide margin.
final class LearningTests: XCTestCase {
    func testMLPLearnsXOR() {
        var generator = RandomGenerator(seed: 1)
        let model = Sequential {
            Dense(inputSize: 2, outputSize: 8, activation: .tanh, generator: &generator)
            Dense(inputSize: 8, outputSize: 1, generator: &generator)
        }
        let x = Tensor([[0, 0], [0, 1], [1, 0], [1, 1]])
        let y = Tensor([[0], [1], [1], [0]])
        let adam = Adam(parameters: model.parameters, learningRate: 0.05)
        var loss: Float = .infinity
        for _ in 0..<500 {
            loss = adam.minimize { binaryCrossEntropy(logits: model(x), targets: y) }
        }
        XCTAssertLessThan(loss, 0.01)
        let predictions = withoutGradient { model(x).sigmoid() }.scalars
        XCTAssertEqual(predictions.map { $0 > 0.5 ? 1 : 0 }, [0, 1, 1, 0], "\(predictions)")
    }

    func testMLPFitsSine() {
        var generator = RandomGenerator(seed: 2)
        let model = Sequential {
            Dense(inputSize: 1, outputSize: 32, activation: .tanh, generator: &generator)
            Dense(inputSize: 32, outputSize: 32, activation: .tanh, generator: &generator)
            Dense(inputSize: 32, outputSize: 1, generator: &generator)
        }
        let xs = (0..<64).map { -3 + 6 * Float($0) / 63 }
        let x = Tensor(shape: [64, 1], scalars: xs)
        let y = Tensor(shape: [64, 1], scalars: xs.map { sin($0) })
        let adam = Adam(parameters: model.parameters, learningRate: .exponential(initial: 0.01, decaySteps: 1000, rate: 0.3, staircase: false))
        var loss: Float = .infinity
        for _ in 0..<1500 {
            loss = adam.minimize(maxGradientNorm: 10) { meanSquaredError(model(x), y) }
        }
        XCTAssertLessThan(loss, 0.01)
        // Fresh points between the training inputs.
        let test = (0..<20).map { -2.9 + 5.8 * Float($0) / 19 }
        let predicted = withoutGradient { model(Tensor(shape: [20, 1], scalars: test)) }.scalars
        let error = zip(predicted, test).map { ($0 - sin($1)) * ($0 - sin($1)) }.reduce(0, +) / 20
        XCTAssertLessThan(error, 0.02)
    }

    func testSGDWithMomentumAndRMSpropAlsoTrain() {
        // A linear regression y = 2x₁ − 3x₂ + 1 that every optimizer should solve.
        var data = RandomGenerator(seed: 3)
        var xs = [Float](repeating: 0, count: 64 * 2)
        xs.withUnsafeMutableBufferPointer { data.fillUniform($0, low: -1, high: 1) }
        let x = Tensor(shape: [64, 2], scalars: xs)
        let y = Tensor(shape: [64, 1], scalars: (0..<64).map { 2 * xs[2 * $0] - 3 * xs[2 * $0 + 1] + 1 })
        let makers: [(String, ([Parameter]) -> any Optimizer)] = [
            ("SGD+Nesterov", { SGD(parameters: $0, learningRate: 0.1, momentum: 0.9, nesterov: true) }),
            ("RMSprop", { RMSprop(parameters: $0, learningRate: 0.03) }),
            ("RMSprop centred TF", { RMSprop(parameters: $0, learningRate: 0.01, rho: 0.95, epsilon: 1e-5,
                                             centered: true, epsilonInsideSquareRoot: true) }),
        ]
        for (name, make) in makers {
            var generator = RandomGenerator(seed: 4)
            let model = Dense(inputSize: 2, outputSize: 1, generator: &generator)
            let optimizer = make(model.parameters)
            var loss: Float = .infinity
            for _ in 0..<500 { loss = optimizer.minimize { meanSquaredError(model(x), y) } }
            XCTAssertLessThan(loss, 1e-3, name)
        }
    }
}
