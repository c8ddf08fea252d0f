import XCTest
import Networks
import Randomness
import Tensors

/// Conv2D and Flatten: shapes of the standard RL image networks, the acting path against
/// the tensor path, Keras' initialisation fans, and a small CNN that has to learn.
final class CNNTests: XCTestCase {
    /// The network of Mnih et al. (2015), "Human-level control through deep RL".
    func natureCNN(actions: Int, generator: inout RandomGenerator) -> Sequential {
        Sequential {
            Conv2D(inputChannels: 4, outputChannels: 32, kernelSize: (8, 8), strides: (4, 4), activation: .relu, generator: &generator)
            Conv2D(inputChannels: 32, outputChannels: 64, kernelSize: (4, 4), strides: (2, 2), activation: .relu, generator: &generator)
            Conv2D(inputChannels: 64, outputChannels: 64, kernelSize: (3, 3), activation: .relu, generator: &generator)
            Flatten()
            Dense(inputSize: 3136, outputSize: 512, activation: .relu, generator: &generator)
            Dense(inputSize: 512, outputSize: actions, generator: &generator)
        }
    }

    func randomTensor(_ shape: [Int], _ generator: inout RandomGenerator) -> Tensor {
        var t = Tensor.zeros(shape)
        t.withUnsafeMutableBufferPointer { generator.fillUniform($0, low: -1, high: 1) }
        return t
    }

    func testNatureCNNShapes() {
        var generator = RandomGenerator(seed: 1)
        let net = natureCNN(actions: 6, generator: &generator)
        var shape = [84, 84, 4]
        var shapes: [[Int]] = []
        for layer in net.layers {
            shape = layer.outputShape(for: shape)
            shapes.append(shape)
        }
        XCTAssertEqual(shapes, [[20, 20, 32], [9, 9, 64], [7, 7, 64], [3136], [512], [6]])
        // 8·8·4·32+32, 4·4·32·64+64, 3·3·64·64+64, 3136·512+512, 512·6+6.
        XCTAssertEqual(net.parameterCount, 8224 + 32832 + 36928 + 1_606_144 + 3078)
        XCTAssertEqual(net.namedParameters.map(\.name).prefix(2), ["layers.0.filter", "layers.0.bias"])
        let x = randomTensor([2, 84, 84, 4], &generator)
        XCTAssertEqual(net(x).shape, [2, 6])
        XCTAssertEqual(Flatten()(randomTensor([2, 7, 7, 64], &generator)).shape, [2, 3136])
    }

    func testSamePaddingShapes() {
        var generator = RandomGenerator(seed: 2)
        let conv = Conv2D(inputChannels: 3, outputChannels: 5, kernelSize: (3, 4), strides: (2, 3), padding: .same,
                          generator: &generator)
        XCTAssertEqual(conv.outputShape(for: [10, 10, 3]), [5, 4, 5])
        XCTAssertEqual(conv(randomTensor([1, 10, 10, 3], &generator)).shape, [1, 5, 4, 5])
    }

    func testInferMatchesCallAsFunction() {
        var generator = RandomGenerator(seed: 3)
        let layers: [(Conv2D, [Int])] = [
            (Conv2D(inputChannels: 4, outputChannels: 16, kernelSize: (3, 3), activation: .relu, generator: &generator), [10, 10, 4]),
            (Conv2D(inputChannels: 3, outputChannels: 5, kernelSize: (4, 2), strides: (2, 1), padding: .same,
                    activation: .tanh, biasInitializer: .uniform(low: -1, high: 1), generator: &generator), [9, 7, 3]),
            (Conv2D(inputChannels: 2, outputChannels: 3, kernelSize: (1, 1), useBias: false, generator: &generator), [5, 6, 2]),
            (Conv2D(inputChannels: 4, outputChannels: 32, kernelSize: (8, 8), strides: (4, 4), activation: .relu,
                    biasInitializer: .constant(0.1), generator: &generator), [84, 84, 4]),
        ]
        for (conv, shape) in layers {
            // Growing batches exercise the reallocation of the layer's patch buffer.
            for batch in [1, 3, 2] {
                let x = randomTensor([batch] + shape, &generator)
                let expected = conv(x)
                var got = [Float](repeating: .nan, count: expected.count)
                x.withUnsafeBufferPointer { xp in
                    got.withUnsafeMutableBufferPointer { conv.infer(xp.baseAddress!, batch: batch, inputShape: shape, into: $0.baseAddress!) }
                }
                XCTAssertTrue(Tensor(shape: expected.shape, scalars: got).isApproximatelyEqual(to: expected, tolerance: 1e-5),
                              "\(shape) batch \(batch)")
            }
        }
    }

    func testMinAtarNetworkThroughInferencePlan() {
        var generator = RandomGenerator(seed: 4)
        let net = Sequential {
            Conv2D(inputChannels: 7, outputChannels: 16, kernelSize: (3, 3), activation: .relu, generator: &generator)
            Flatten()
            Dense(inputSize: 8 * 8 * 16, outputSize: 128, activation: .relu, generator: &generator)
            Dense(inputSize: 128, outputSize: 6, generator: &generator)
        }
        let plan = InferencePlan(net, inputShape: [10, 10, 7], maxBatch: 4)
        XCTAssertEqual(plan.outputShape, [6])
        let x = randomTensor([4, 10, 10, 7], &generator)
        let expected = net(x)
        let got = x.withUnsafeBufferPointer { Array(plan.run($0.baseAddress!, batch: 4)) }
        XCTAssertTrue(Tensor(shape: [4, 6], scalars: got).isApproximatelyEqual(to: expected, tolerance: 1e-5))
    }

    func testChannelsLastMovesTheChannelAxisOnBothPaths() {
        // [batch 2, channels 3, height 2, width 4] holding 0, 1, 2, … in memory order.
        let x = Tensor(shape: [2, 3, 2, 4], scalars: (0..<48).map(Float.init))
        let layer = ChannelsLast()
        XCTAssertEqual(layer.outputShape(for: [3, 2, 4]), [2, 4, 3])
        let y = layer(x)
        XCTAssertEqual(y.shape, [2, 2, 4, 3])
        for b in 0..<2 { for c in 0..<3 { for h in 0..<2 { for w in 0..<4 {
            XCTAssertEqual(y.scalars[((b * 2 + h) * 4 + w) * 3 + c], x.scalars[((b * 3 + c) * 2 + h) * 4 + w])
        } } } }
        var got = [Float](repeating: .nan, count: 48)
        x.withUnsafeBufferPointer { xp in
            got.withUnsafeMutableBufferPointer { layer.infer(xp.baseAddress!, batch: 2, inputShape: [3, 2, 4], into: $0.baseAddress!) }
        }
        XCTAssertEqual(got, y.scalars)
        // The gradient moves back: d Σ(y · w) / dx is w with its channels first again.
        let weights = Tensor(shape: [2, 2, 4, 3], scalars: (0..<48).map { Float($0 * 7 % 11) })
        let (_, gradients) = valueWithGradient(at: [x]) { (layer($0[0]) * weights).sum() }
        XCTAssertEqual(gradients[0].shape, [2, 3, 2, 4])
        XCTAssertEqual(gradients[0].scalars, weights.permuted([0, 3, 1, 2]).scalars)

        // In front of a convolution, the acting plan agrees with the tensor path on [4, 84, 84] stacks.
        var generator = RandomGenerator(seed: 6)
        let net = Sequential {
            ChannelsLast()
            Conv2D(inputChannels: 4, outputChannels: 8, kernelSize: (8, 8), strides: (4, 4), activation: .relu, generator: &generator)
            Flatten()
            Dense(inputSize: 20 * 20 * 8, outputSize: 3, generator: &generator)
        }
        let plan = InferencePlan(net, inputShape: [4, 84, 84], maxBatch: 2)
        XCTAssertEqual(plan.outputShape, [3])
        let stacks = randomTensor([2, 4, 84, 84], &generator)
        let acted = stacks.withUnsafeBufferPointer { Array(plan.run($0.baseAddress!, batch: 2)) }
        XCTAssertTrue(Tensor(shape: [2, 3], scalars: acted).isApproximatelyEqual(to: net(stacks), tolerance: 1e-5))
    }

    func testGlorotUsesKernelFans() {
        var generator = RandomGenerator(seed: 5)
        let conv = Conv2D(inputChannels: 4, outputChannels: 16, kernelSize: (3, 3), generator: &generator)
        // Keras: fan-in 3·3·4 = 36, fan-out 3·3·16 = 144, limit √(6 / 180).
        let limit = (6.0 / 180.0).squareRoot()
        let values = conv.filter.detachedValue.scalars
        let largest = values.map { Double(abs($0)) }.max()!
        XCTAssertLessThanOrEqual(largest, limit)
        XCTAssertGreaterThan(largest, 0.95 * limit)
        XCTAssertEqual(conv.bias?.detachedValue.scalars, [Float](repeating: 0, count: 16))
    }

    /// 8×8 images with a bright 2×2 blob and some noise; the label says whether the blob is
    /// in the right half.
    func blobBatch(_ size: Int, _ generator: inout RandomGenerator) -> (Tensor, Tensor) {
        var images = [Float](repeating: 0, count: size * 64)
        var labels = [Float](repeating: 0, count: size)
        for n in 0..<size {
            for i in 0..<64 { images[n * 64 + i] = 0.2 * generator.uniformFloat() }
            let right = generator.bernoulli(0.5)
            let x = (right ? 4 : 0) + generator.int(below: 3), y = generator.int(below: 7)
            for dy in 0..<2 { for dx in 0..<2 { images[n * 64 + (y + dy) * 8 + x + dx] = 1 } }
            labels[n] = right ? 1 : 0
        }
        return (Tensor(shape: [size, 8, 8, 1], scalars: images), Tensor(shape: [size, 1], scalars: labels))
    }

    func testSmallCNNLearnsWhichHalfHoldsTheBlob() {
        var generator = RandomGenerator(seed: 6)
        let net = Sequential {
            Conv2D(inputChannels: 1, outputChannels: 8, kernelSize: (3, 3), activation: .relu, generator: &generator)
            Flatten()
            Dense(inputSize: 6 * 6 * 8, outputSize: 1, generator: &generator)
        }
        let parameters = net.parameters
        let learningRate: Float = 0.1
        for _ in 0..<300 {
            let (x, y) = blobBatch(32, &generator)
            let (_, gradients) = valueWithGradient(wrt: parameters) {
                // Binary cross-entropy on logits: softplus(z) − y·z.
                let z = net(x)
                return (z.softplus() - y * z).mean()
            }
            for (p, g) in zip(parameters, gradients) {
                g.withUnsafeBufferPointer { g in p.update { for i in 0..<$0.count { $0[i] -= learningRate * g[i] } } }
            }
        }
        let (x, y) = blobBatch(400, &generator)
        let logits = withoutGradient { net(x) }.scalars
        let correct = zip(logits, y.scalars).filter { ($0.0 > 0) == ($0.1 > 0.5) }.count
        XCTAssertGreaterThan(Double(correct) / 400, 0.95)
    }
}
