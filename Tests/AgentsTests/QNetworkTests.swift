import Foundation
import XCTest
import Agents
import Environments
import Networks
import Randomness
import Tensors

/// QNetwork: the three presets' shapes and parameter counts, dueling heads by hand, the
/// byte preprocessing, dropout, the acting path against the batched one, configuration
/// errors, and a Nature CNN training step on a batch of Atari-sized frames.
final class QNetworkTests: XCTestCase {
    /// A dueling network with no hidden layer on two inputs and three actions, weights set
    /// by hand: V(x) = x·[1, 2] + 0.5, A(x) = x·[[1, 0, 2], [0, 1, −1]].
    static func fixedDuelingNetwork(_ dueling: QNetworkConfig.Dueling) throws -> QNetwork {
        var generator = RandomGenerator(seed: 0)
        let network = try QNetwork(config: QNetworkConfig(fcLayerParams: [], dueling: dueling),
                                   observationSpace: .box(low: -5, high: 5, shape: [2]), actionSpace: .discrete(3),
                                   generator: &generator)
        let values: [String: [Float]] = [
            "body.layers.0.value.weight": [1, 2], "body.layers.0.value.bias": [0.5],
            "body.layers.0.advantage.weight": [1, 0, 2, 0, 1, -1], "body.layers.0.advantage.bias": [0, 0, 0],
        ]
        XCTAssertEqual(Set(network.namedParameters.map(\.name)), Set(values.keys))
        for (name, parameter) in network.namedParameters {
            let v = values[name]!
            XCTAssertEqual(parameter.count, v.count, name)
            parameter.update { b in for i in b.indices { b[i] = v[i] } }
        }
        return network
    }

    func assertClose(_ values: [Float], _ expected: [Float], accuracy: Float = 1e-4,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(values.count, expected.count, file: file, line: line)
        for (x, y) in zip(values, expected) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
    }

    /// V([1, 2]) = 5.5, A = [1, 2, 0]: mean centring (Wang et al. eq. 9) subtracts 1,
    /// max centring (eq. 8, Géron) subtracts 2. V([3, −1]) = 1.5, A = [3, −1, 7]: mean 3, max 7.
    func testDuelingHeadsCentreAdvantages() throws {
        let x = Tensor([[1, 2], [3, -1]])
        let mean = try Self.fixedDuelingNetwork(.mean), max = try Self.fixedDuelingNetwork(.max)
        assertClose(mean.qValues(x).scalars, [5.5, 6.5, 4.5, 1.5, -2.5, 5.5])
        assertClose(max.qValues(x).scalars, [4.5, 5.5, 3.5, -2.5, -6.5, 1.5])
        // The acting path agrees, and the greedy action is the arg-max.
        assertClose(Array(try mean.qValues(for: .continuous([3, -1]))), [1.5, -2.5, 5.5])
        assertClose(Array(try max.qValues(for: .continuous([1, 2]))), [4.5, 5.5, 3.5])
        XCTAssertEqual(try mean.greedyActionIndex(for: .continuous([1, 2])), 1)
        XCTAssertEqual(try max.greedyActionIndex(for: .continuous([3, -1])), 2)
    }

    /// RL Zoo's CartPole network: 4 → 256 → 256 → 2, 4·256+256 + 256·256+256 + 256·2+2 =
    /// 67,586 parameters, the count SB3 reports for its DQN q_net.
    func testRLZooCartPolePreset() throws {
        var generator = RandomGenerator(seed: 1)
        let space = Space.box(low: -4, high: 4, shape: [4])
        let network = try QNetwork(config: .rlZooCartPole, observationSpace: space, actionSpace: .discrete(2),
                                   generator: &generator)
        XCTAssertEqual(network.parameterCount, 67_586)
        XCTAssertEqual(network.body.layers.count, 3)
        XCTAssertEqual(network.namedParameters.map(\.name).first, "body.layers.0.weight")
        let observations = (0..<5).map { i in Observation.continuous([0.1 * Float(i), -0.2, 0.03, 0.5]) }
        let q = try network.qValues(observations: observations)
        XCTAssertEqual(q.shape, [5, 2])
        for (i, observation) in observations.enumerated() {
            assertClose(Array(try network.qValues(for: observation)), [q[i, 0], q[i, 1]], accuracy: 1e-5)
        }
    }

    /// MinAtar's network on Breakout's 10x10x4 0/1 grids: conv 3·3·4·16+16 = 592, valid
    /// padding to 8x8x16 = 1024 features, 1024·128+128 = 131,200, 128·3+3 = 387.
    func testMinAtarPreset() throws {
        var generator = RandomGenerator(seed: 2)
        let space = Space.box(low: 0, high: 1, shape: [10, 10, 4], scalarType: .uint8)
        let network = try QNetwork(config: .minAtar, observationSpace: space, actionSpace: .discrete(3), generator: &generator)
        XCTAssertEqual(network.parameterCount, 592 + 131_200 + 387)
        XCTAssertEqual(network.inputScale, 1)
        var shape = network.inputShape
        var shapes: [[Int]] = []
        for layer in network.body.layers {
            shape = layer.outputShape(for: shape)
            shapes.append(shape)
        }
        XCTAssertEqual(shapes, [[8, 8, 16], [1024], [128], [3]])
        let observations = (0..<4).map { _ in space.sample(using: &generator) }
        let q = try network.qValues(observations: observations)
        XCTAssertEqual(q.shape, [4, 3])
        for (i, observation) in observations.enumerated() {
            assertClose(Array(try network.qValues(for: observation)), (0..<3).map { q[i, $0] }, accuracy: 1e-4)
        }
    }

    /// The Nature CNN: 84x84x4 → 20x20x32 → 9x9x64 → 7x7x64 → 3136 → 512 → 4, with
    /// 8224 + 32,832 + 36,928 + 1,606,144 + 2052 = 1,686,180 parameters for Breakout's 4
    /// actions. A forward and backward pass on 32 byte observations works; the time is printed.
    func testNatureCNNPresetTrainsOnABatchOfAtariFrames() throws {
        var generator = RandomGenerator(seed: 3)
        let space = Space.box(low: 0, high: 255, shape: [84, 84, 4], scalarType: .uint8)
        let network = try QNetwork(config: .natureCNN, observationSpace: space, actionSpace: .discrete(4), generator: &generator)
        XCTAssertEqual(network.parameterCount, 8224 + 32_832 + 36_928 + 1_606_144 + 2052)
        XCTAssertEqual(network.inputScale, 1 / 255)
        var shape = network.inputShape
        var shapes: [[Int]] = []
        for layer in network.body.layers {
            shape = layer.outputShape(for: shape)
            shapes.append(shape)
        }
        XCTAssertEqual(shapes, [[20, 20, 32], [9, 9, 64], [7, 7, 64], [3136], [512], [4]])

        let batch = 32, frame = 84 * 84 * 4
        var bytes = [UInt8](repeating: 0, count: batch * frame)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: generator.next()) }
        let actions = IndexTensor((0..<batch).map { $0 % 4 })
        let targets = Tensor((0..<batch).map { Float($0 % 3) * 0.5 })
        let optimizer = Adam(parameters: network.parameters, learningRate: 1e-4)
        var lossValues: [Float] = []
        var times: [Double] = []
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            let (loss, gradients) = valueWithGradient(wrt: network.parameters) {
                bytes.withUnsafeBufferPointer { b in
                    DQNLoss.loss(qValues: network.qValues(bytes: b, batch: batch), actions: actions, targets: targets).loss
                }
            }
            optimizer.step(gradients)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            lossValues.append(loss.scalar)
            XCTAssertEqual(gradients.count, 10)
            XCTAssertTrue(gradients.allSatisfy { $0.scalars.allSatisfy(\.isFinite) })
            XCTAssertGreaterThan(gradients[0].scalars.map(abs).max()!, 0)
        }
        XCTAssertLessThan(lossValues[2], lossValues[0])
        print("Nature CNN forward+backward+Adam, batch 32 of 84x84x4 bytes: "
              + times.map { String(format: "%.1f ms", $0) }.joined(separator: ", ") + "; losses \(lossValues)")

        // The byte batch, the float tensor form and the acting path agree.
        let firstTwo = Array(bytes[0..<(2 * frame)])
        let fromBytes = firstTwo.withUnsafeBufferPointer { network.qValues(bytes: $0, batch: 2) }
        let fromFloats = network.qValues(Tensor(shape: [2, 84, 84, 4], scalars: firstTwo.map(Float.init)))
        XCTAssertTrue(fromBytes.isApproximatelyEqual(to: fromFloats, tolerance: 1e-4))
        let observation = Observation.uint8(Array(bytes[frame..<(2 * frame)]), shape: [84, 84, 4])
        let start = DispatchTime.now().uptimeNanoseconds
        let acted = Array(try network.qValues(for: observation))
        let actMs = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        assertClose(acted, (0..<4).map { fromBytes[1, $0] }, accuracy: 1e-3)
        print(String(format: "Nature CNN batch-1 acting: %.2f ms", actMs))
    }

    /// Channels-first stacks (FrameStack's [4, h, w]) give the Q-values a channels-last
    /// network with the same weights gives the transposed observation, on every input path.
    func testChannelsFirstInputMovesChannelsLast() throws {
        let (c, h, w) = (4, 12, 10)
        var config = QNetworkConfig(preprocessing: .scaleBytes, convLayerParams: [.init(filters: 3, kernelSize: 3, stride: 2)],
                                    fcLayerParams: [8])
        var generator = RandomGenerator(seed: 5)
        let last = try QNetwork(config: config, observationSpace: .box(low: 0, high: 255, shape: [h, w, c], scalarType: .uint8),
                                actionSpace: .discrete(3), generator: &generator)
        config.inputLayout = .channelsFirst
        let first = try QNetwork(config: config, observationSpace: .box(low: 0, high: 255, shape: [c, h, w], scalarType: .uint8),
                                 actionSpace: .discrete(3), generator: &generator)
        first.copyWeights(from: last)
        XCTAssertEqual(first.inputShape, [c, h, w])
        let batch = 2
        let chw = (0..<(batch * c * h * w)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        var hwc = chw
        for b in 0..<batch {
            for ch in 0..<c { for p in 0..<(h * w) { hwc[b * c * h * w + p * c + ch] = chw[b * c * h * w + ch * h * w + p] } }
        }
        let expected = hwc.withUnsafeBufferPointer { last.qValues(bytes: $0, batch: batch) }
        let fromBytes = chw.withUnsafeBufferPointer { first.qValues(bytes: $0, batch: batch) }
        let fromFloats = first.qValues(Tensor(shape: [batch, c, h, w], scalars: chw.map(Float.init)))
        let fromObservations = try first.qValues(observations: [.uint8(Array(chw[0..<(c * h * w)]), shape: [c, h, w]),
                                                                .uint8(Array(chw[(c * h * w)...]), shape: [c, h, w])])
        for result in [fromBytes, fromFloats, fromObservations] {
            XCTAssertTrue(result.isApproximatelyEqual(to: expected, tolerance: 1e-5), "\(result.scalars) vs \(expected.scalars)")
        }
        let acted = Array(try first.qValues(for: .uint8(Array(chw[(c * h * w)...]), shape: [c, h, w])))
        assertClose(acted, (0..<3).map { expected[1, $0] }, accuracy: 1e-5)
        var vector = QNetworkConfig(inputLayout: .channelsFirst)
        vector.convLayerParams = [.init(filters: 2, kernelSize: 1)]
        XCTAssertThrowsError(try QNetwork(config: vector, observationSpace: .box(low: 0, high: 1, shape: [4]), actionSpace: .discrete(2),
                                          generator: &generator)) { error in
            XCTAssertTrue("\(error)".contains("channelsFirst"), "\(error)")
        }
    }

    /// Acting allocates no tensor storage once warmed up, for every preset, with dueling
    /// and dropout layers in the network too.
    func testActingAllocatesNoTensors() throws {
        var generator = RandomGenerator(seed: 11)
        var duelingDropout = QNetworkConfig.minAtar
        duelingDropout.dueling = .mean
        duelingDropout.dropoutRate = 0.5
        let cases: [(QNetworkConfig, Space)] = [
            (.rlZooCartPole, .box(low: -4, high: 4, shape: [4])),
            (.minAtar, .box(low: 0, high: 1, shape: [10, 10, 4], scalarType: .uint8)),
            (duelingDropout, .box(low: 0, high: 1, shape: [10, 10, 4], scalarType: .uint8)),
            (.natureCNN, .box(low: 0, high: 255, shape: [84, 84, 4], scalarType: .uint8)),
        ]
        for (config, space) in cases {
            let network = try QNetwork(config: config, observationSpace: space, actionSpace: .discrete(3), generator: &generator)
            network.isTraining = true   // acting evaluates even while the network trains
            let observation = space.sample(using: &generator)
            var checksum = try network.greedyActionIndex(for: observation)
            let before = TensorStorage.allocationCount
            for _ in 0..<20 { checksum += try network.greedyActionIndex(for: observation) }
            XCTAssertEqual(TensorStorage.allocationCount, before, "acting allocated tensors for \(config)")
            XCTAssertEqual(checksum, 21 * (try network.greedyActionIndex(for: observation)))
        }
    }

    /// scaleBytes is 1/255 inside the network: byte 255 with scaling equals float 1 without.
    func testScaleBytesPreprocessing() throws {
        let bytesSpace = Space.box(low: 0, high: 255, shape: [2, 2, 1], scalarType: .uint8)
        let config = QNetworkConfig(preprocessing: .scaleBytes, fcLayerParams: [4])
        var g1 = RandomGenerator(seed: 4), g2 = RandomGenerator(seed: 4)
        let scaled = try QNetwork(config: config, observationSpace: bytesSpace, actionSpace: .discrete(2), generator: &g1)
        var plain = config
        plain.preprocessing = .none
        let unscaled = try QNetwork(config: plain, observationSpace: .box(low: 0, high: 1, shape: [2, 2, 1]),
                                    actionSpace: .discrete(2), generator: &g2)
        let q1 = Array(try scaled.qValues(for: .uint8([255, 0, 51, 102], shape: [2, 2, 1])))
        let q2 = Array(try unscaled.qValues(for: .float32([1, 0, 0.2, 0.4], shape: [2, 2, 1])))
        assertClose(q1, q2, accuracy: 1e-5)
        assertClose(scaled.qValues(Tensor(shape: [1, 2, 2, 1], scalars: [255, 0, 51, 102])).scalars, q2, accuracy: 1e-5)
    }

    /// Inverted dropout: in training about `rate` of the hidden units are zeroed and the
    /// rest scaled by 1/(1 − rate), with masks fixed by the seed; evaluation and acting are
    /// deterministic and unchanged.
    func testDropoutTrainsStochasticallyAndEvaluatesDeterministically() throws {
        let config = QNetworkConfig(fcLayerParams: [64], dropoutRate: 0.25)
        let space = Space.box(low: -1, high: 1, shape: [3])
        var g1 = RandomGenerator(seed: 5), g2 = RandomGenerator(seed: 5)
        let a = try QNetwork(config: config, observationSpace: space, actionSpace: .discrete(2), generator: &g1)
        let b = try QNetwork(config: config, observationSpace: space, actionSpace: .discrete(2), generator: &g2)
        XCTAssertEqual(a.dropoutLayers.count, 1)
        XCTAssertEqual(a.body.layers.count, 3)
        let x = Tensor([[0.3, -0.5, 0.9]])
        let evaluation = a.qValues(x)
        XCTAssertFalse(a.isTraining)
        a.isTraining = true
        b.isTraining = true
        let trainA = a.qValues(x), trainB = b.qValues(x)
        XCTAssertEqual(trainA.scalars, trainB.scalars, "same seed, same mask")
        XCTAssertNotEqual(trainA.scalars, evaluation.scalars)
        XCTAssertNotEqual(a.qValues(x).scalars, trainA.scalars, "a fresh mask every call")
        assertClose(Array(try a.qValues(for: .continuous([0.3, -0.5, 0.9]))), evaluation.scalars, accuracy: 1e-6)
        a.isTraining = false
        XCTAssertEqual(a.qValues(x).scalars, evaluation.scalars)

        // The layer on its own: kept values are x / 0.75, and about a quarter are dropped.
        let dropout = Dropout(rate: 0.25, generator: RandomGenerator(seed: 6))
        dropout.isTraining = true
        let y = dropout(Tensor(repeating: 3, shape: [10_000])).scalars
        XCTAssertTrue(y.allSatisfy { $0 == 0 || abs($0 - 4) < 1e-5 })
        let dropped = Double(y.filter { $0 == 0 }.count) / 10_000
        XCTAssertEqual(dropped, 0.25, accuracy: 0.015)   // 3.5 standard deviations
    }

    /// A hard target update copies every weight, so both networks give the same Q-values.
    func testCopyWeightsMakesATargetNetwork() throws {
        var generator = RandomGenerator(seed: 8)
        let space = Space.box(low: -1, high: 1, shape: [4])
        let config = QNetworkConfig(fcLayerParams: [8], dueling: .max)
        let online = try QNetwork(config: config, observationSpace: space, actionSpace: .discrete(3), generator: &generator)
        let target = try QNetwork(config: config, observationSpace: space, actionSpace: .discrete(3), generator: &generator)
        let x = Tensor([[0.1, 0.2, -0.3, 0.4]])
        XCTAssertNotEqual(online.qValues(x).scalars, target.qValues(x).scalars)
        target.copyWeights(from: online)
        XCTAssertEqual(online.qValues(x).scalars, target.qValues(x).scalars)
    }

    /// Discrete observations are one-hot encoded, as SB3 and ``ObservationEncoder`` do.
    func testDiscreteObservationsAreOneHot() throws {
        var generator = RandomGenerator(seed: 9)
        let network = try QNetwork(config: QNetworkConfig(fcLayerParams: []), observationSpace: .discrete(16),
                                   actionSpace: .discrete(4), generator: &generator)
        XCTAssertEqual(network.inputShape, [16])
        let weight = network.namedParameters.first { $0.name == "body.layers.0.weight" }!.parameter.detachedValue
        // A one-hot input picks the row of the weight (bias is zero).
        assertClose(Array(try network.qValues(for: .discrete(5))), (0..<4).map { weight[5, $0] }, accuracy: 1e-6)
        XCTAssertThrowsError(try network.qValues(for: .discrete(16)))
    }

    /// Configurations that cannot work throw errors naming the problem.
    func testInvalidConfigurationsThrow() {
        var generator = RandomGenerator(seed: 10)
        let vector = Space.box(low: -1, high: 1, shape: [4])
        func message(_ config: QNetworkConfig, _ observations: Space, _ actions: Space = .discrete(2)) -> String {
            do {
                _ = try QNetwork(config: config, observationSpace: observations, actionSpace: actions, generator: &generator)
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        XCTAssertTrue(message(QNetworkConfig(), vector, .box(low: -1, high: 1, shape: [1])).contains("Discrete action space"))
        XCTAssertTrue(message(.natureCNN, vector).contains("scaleBytes"))
        XCTAssertTrue(message(.minAtar, vector).contains("[height, width, channels]"))
        XCTAssertTrue(message(.natureCNN, .box(low: 0, high: 255, shape: [20, 20, 4], scalarType: .uint8))
            .contains("convLayerParams[2]"))
        XCTAssertTrue(message(QNetworkConfig(dropoutRate: 1), vector).contains("dropoutRate"))
        XCTAssertTrue(message(QNetworkConfig(fcLayerParams: [8, 0]), vector).contains("fcLayerParams[1]"))
    }

    /// The configuration is Codable with TF-Agents' names in camelCase.
    func testConfigCodableRoundTrip() throws {
        var config = QNetworkConfig.natureCNN
        config.dueling = .mean
        config.dropoutRate = 0.1
        let data = try JSONEncoder().encode(config)
        let json = String(decoding: data, as: UTF8.self)
        for key in ["preprocessing", "convLayerParams", "fcLayerParams", "activation", "dropoutRate", "dueling",
                    "kernelSize", "filters", "stride", "scaleBytes"] {
            XCTAssertTrue(json.contains("\"\(key)\""), "\(key) missing from \(json)")
        }
        XCTAssertEqual(try JSONDecoder().decode(QNetworkConfig.self, from: data), config)
    }
}
