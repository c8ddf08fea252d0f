import Foundation
import XCTest
import Networks
import Randomness
import Tensors

/// The README's "Using it" example, kept compiling and working.
final class ReadmeExampleTests: XCTestCase {
    func testReadmeExample() throws {
        var generator = RandomGenerator(seed: 0)
        func makeNet() -> Sequential {
            Sequential {
                Dense(inputSize: 4, outputSize: 64, activation: .relu, generator: &generator)
                Dense(inputSize: 64, outputSize: 64, activation: .relu, generator: &generator)
                Dense(inputSize: 64, outputSize: 2, generator: &generator)
            }
        }
        let net = makeNet(), target = makeNet()
        let optimizer = Adam(parameters: net.parameters, learningRate: 1e-3)
        let observations = Tensor.randomNormal([32, 4], generator: &generator)
        let targets = Tensor.randomNormal([32, 2], generator: &generator)

        let tape = GradientTape()
        let loss = tape.record { huberLoss(net(observations), targets) }
        optimizer.step(tape.gradient(of: loss, wrt: net.parameters))
        let (value, gradients) = valueWithGradient(wrt: net.parameters) { meanSquaredError(net(observations), targets) }
        XCTAssertEqual(gradients.count, 6)
        XCTAssertTrue(value.scalar.isFinite)

        let plan = InferencePlan(net, inputShape: [4], maxBatch: 1)
        let observation: [Float] = [0.1, 0.2, -0.1, 0]
        let action = InferencePlan.argmax(plan.run(observation))
        XCTAssertTrue((0..<2).contains(action))

        target.polyakUpdate(from: net, tau: 0.005)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("readme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("q.safetensors")
        try net.save(to: url)
        try target.load(from: url)
        XCTAssertEqual(target(observations).scalars, net(observations).scalars)
    }
}
