import Agents
import Environments
import Networks
import Randomness
import Tensors
import XCTest

final class NetworkPolicyTests: XCTestCase {
    func testEncoderFollowsStableBaselinesPreprocessing() throws {
        XCTAssertEqual(try ObservationEncoder(space: .discrete(4, start: 1)).encode(.discrete(3)), [0, 0, 1, 0])
        let multi = ObservationEncoder(space: .multiDiscrete([2, 3]))
        XCTAssertEqual(multi.featureShape, [5])
        XCTAssertEqual(try multi.encode(.multiDiscrete([1, 2])), [0, 1, 0, 0, 1])
        let image = ObservationEncoder(space: .box(low: [0, 0], high: [255, 255], shape: [1, 2, 1], scalarType: .uint8))
        XCTAssertEqual(image.featureShape, [1, 2, 1])
        XCTAssertEqual(try image.encode(.uint8([0, 255], shape: [1, 2, 1])), [0, 1])
        // A boolean grid (MinAtar's bounds 0 and 1) is not an image: its bytes stay as they are.
        let grid = ObservationEncoder(space: .box(low: [0, 0], high: [1, 1], shape: [2], scalarType: .uint8))
        XCTAssertEqual(try grid.encode(.uint8([1, 0], shape: [2])), [1, 0])
        let box = ObservationEncoder(space: .box(low: [-1, -1], high: [1, 1], shape: [2], scalarType: .float32))
        XCTAssertEqual(try box.encode(.continuous([0.5, -0.25])), [0.5, -0.25])
        XCTAssertThrowsError(try box.encode(.continuous([1, 2, 3])))
        XCTAssertThrowsError(try multi.encode(.multiDiscrete([2, 0])))
    }

    /// A linear network with known weights: its softmax must be the policy's probabilities,
    /// the greedy policy must take the arg-max, and sampled frequencies must match.
    func testCategoricalPolicyProbabilitiesSamplingAndGreedyAction() throws {
        var generator = RandomGenerator(seed: 0)
        let layer = Dense(inputSize: 2, outputSize: 3, generator: &generator)
        layer.weight.value = Tensor(shape: [2, 3], scalars: [1, 0, -1, 0, 0, 0])
        layer.bias!.value = Tensor([0, 0, 0])
        let space = Space.box(low: [-5, -5], high: [5, 5], shape: [2], scalarType: .float32)
        let sampling = try DiscreteNetworkPolicy(network: layer, observationSpace: space, actionSpace: .discrete(3))
        let greedy = try DiscreteNetworkPolicy(network: layer, observationSpace: space, actionSpace: .discrete(3), mode: .greedy)
        let observation = Observation.continuous([1, 0])   // logits [1, 0, −1]
        let total = exp(1.0) + 1 + exp(-1.0)
        let expected = [exp(1.0) / total, 1 / total, exp(-1.0) / total]
        for (p, e) in zip(try sampling.probabilities(for: observation), expected) { XCTAssertEqual(p, e, accuracy: 1e-6) }
        XCTAssertEqual(try greedy.action(for: observation, using: &generator), .discrete(0))

        var counts = [0, 0, 0]
        let timeStep = TimeStep(stepType: .mid, reward: 0, discount: 1, observation: observation)
        for _ in 0..<20_000 {
            let step = try sampling.action(for: timeStep, state: nil, using: &generator)
            let a = step.action.discreteValue!
            counts[a] += 1
            XCTAssertEqual(step.info.logProbability!, log(expected[a]), accuracy: 1e-6)
        }
        for (c, e) in zip(counts, expected) { XCTAssertEqual(Double(c) / 20_000, e, accuracy: 0.015) }
    }

    /// The textbook head: one output x with P(action 0) = σ(x); an action is 1 when a uniform
    /// draw exceeds P(action 0).
    func testBernoulliPolicyIsTheTextbookLeftProbability() throws {
        var generator = RandomGenerator(seed: 1)
        let layer = Dense(inputSize: 1, outputSize: 1, generator: &generator)
        layer.weight.value = Tensor(shape: [1, 1], scalars: [2])
        layer.bias!.value = Tensor([0])
        let space = Space.box(low: [-1], high: [1], shape: [1], scalarType: .float32)
        let policy = try DiscreteNetworkPolicy(network: layer, observationSpace: space, actionSpace: .discrete(2),
                                               distribution: .bernoulli)
        let left = 1 / (1 + exp(-1.0))                       // σ(2 · 0.5)
        let probabilities = try policy.probabilities(for: .continuous([0.5]))
        XCTAssertEqual(probabilities[0], left, accuracy: 1e-6)
        XCTAssertEqual(probabilities[1], 1 - left, accuracy: 1e-6)

        var replay = generator
        let step = try policy.action(for: TimeStep(stepType: .first, reward: 0, discount: 1, observation: .continuous([0.5])),
                                     state: nil, using: &generator)
        let u = Double(replay.uniformFloat())
        XCTAssertEqual(step.action, .discrete(u > left ? 1 : 0))
        XCTAssertEqual(step.info.logProbability!, log(u > left ? 1 - left : left), accuracy: 1e-6)
        let greedy = try DiscreteNetworkPolicy(network: layer, observationSpace: space, actionSpace: .discrete(2),
                                               distribution: .bernoulli, mode: .greedy)
        XCTAssertEqual(try greedy.action(for: .continuous([0.5]), using: &generator), .discrete(0))
        XCTAssertEqual(try greedy.action(for: .continuous([-0.5]), using: &generator), .discrete(1))
    }

    func testBatchedActionsEqualOneAtATime() throws {
        var generator = RandomGenerator(seed: 2)
        let network = makeMultilayerPerceptron(inputShape: [4], hiddenUnits: [8], activation: .tanh, outputCount: 3,
                                               generator: &generator)
        let space = Space.box(low: Array(repeating: -1, count: 4), high: Array(repeating: 1, count: 4), shape: [4],
                              scalarType: .float32)
        let policy = try DiscreteNetworkPolicy(network: network, observationSpace: space, actionSpace: .discrete(3, start: 5))
        let timeSteps = (0..<5).map { _ in
            TimeStep(stepType: .mid, reward: 0, discount: 1, observation: .continuous((0..<4).map { _ in generator.uniformFloat() }))
        }
        var a = RandomGenerator(seed: 9), b = RandomGenerator(seed: 9)
        let batched = try policy.actions(for: timeSteps, states: Array(repeating: nil, count: 5), using: &a)
        let single = try timeSteps.map { try policy.action(for: $0, state: nil, using: &b) }
        XCTAssertEqual(batched.map(\.action), single.map(\.action))
        XCTAssertTrue(batched.allSatisfy { (5...7).contains($0.action.discreteValue!) })
        // A batch goes through a different GEMM path than one sample: equal up to rounding.
        for (x, y) in zip(batched, single) { XCTAssertEqual(x.info.logProbability!, y.info.logProbability!, accuracy: 1e-5) }
    }

    func testMismatchedNetworksAndSpacesAreRejected() throws {
        var generator = RandomGenerator(seed: 3)
        let network = makeMultilayerPerceptron(inputShape: [4], hiddenUnits: [], activation: .relu, outputCount: 2,
                                               generator: &generator)
        let space = Space.box(low: Array(repeating: -1, count: 4), high: Array(repeating: 1, count: 4), shape: [4],
                              scalarType: .float32)
        XCTAssertThrowsError(try DiscreteNetworkPolicy(network: network, observationSpace: space, actionSpace: .discrete(3))) { error in
            XCTAssertTrue("\(error)".contains("needs [3]"), "\(error)")
        }
        XCTAssertThrowsError(try DiscreteNetworkPolicy(network: network, observationSpace: space, actionSpace: .discrete(3),
                                                       distribution: .bernoulli))
        XCTAssertThrowsError(try DiscreteNetworkPolicy(network: network, observationSpace: space,
                                                       actionSpace: .box(low: [0], high: [1], shape: [1], scalarType: .float32)))
    }
}
