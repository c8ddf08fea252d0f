import XCTest
import Agents
import Environments
import Networks
import Randomness
import Tensors

/// The DQN loss in TF-Agents' manner (`tf_agents/agents/dqn/dqn_agent_test.py`): a tiny
/// linear Q-network with fixed weights, Q-values, TD targets and losses worked out by hand
/// for each variant, and the gradient checked by finite differences.
final class DQNLossTests: XCTestCase {
    /// TF-Agents' DummyNet: one dense layer, kernel [[2, 1], [1, 1]] (Keras [in, out]
    /// layout) and bias [1, 1], so Q(s) = s·W + b.
    func linearNetwork(kernel: [Float] = [2, 1, 1, 1], bias: [Float] = [1, 1]) throws -> QNetwork {
        var generator = RandomGenerator(seed: 0)
        let network = try QNetwork(config: QNetworkConfig(fcLayerParams: []),
                                   observationSpace: .box(low: -10, high: 10, shape: [2]), actionSpace: .discrete(2),
                                   generator: &generator)
        let parameters = Dictionary(uniqueKeysWithValues: network.namedParameters.map { ($0.name, $0.parameter) })
        XCTAssertEqual(parameters.keys.sorted(), ["body.layers.0.bias", "body.layers.0.weight"])
        set(parameters["body.layers.0.weight"]!, kernel)
        set(parameters["body.layers.0.bias"]!, bias)
        return network
    }

    func set(_ parameter: Parameter, _ values: [Float]) {
        XCTAssertEqual(parameter.count, values.count)
        parameter.update { buffer in for i in buffer.indices { buffer[i] = values[i] } }
    }

    // TF-Agents' batch: s = [[1, 2], [3, 4]], a = [0, 1], r = [10, 20], s' = [[5, 6], [7, 8]].
    let observations = Tensor([[1, 2], [3, 4]])
    let nextObservations = Tensor([[5, 6], [7, 8]])
    let actions = IndexTensor([0, 1])
    let rewards = Tensor([10, 20])

    func assertClose(_ tensor: Tensor, _ expected: [Float], accuracy: Float = 1e-4, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(tensor.count, expected.count, file: file, line: line)
        for (x, y) in zip(tensor.scalars, expected) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
    }

    func testQValuesOfTheFixedNetwork() throws {
        let network = try linearNetwork()
        // [1, 2]·W + b = [1·2 + 2·1 + 1, 1·1 + 2·1 + 1] = [5, 4]; [3, 4] → [11, 8].
        assertClose(network.qValues(observations), [5, 4, 11, 8])
        // [5, 6] → [17, 12]; [7, 8] → [23, 16].
        assertClose(network.qValues(nextObservations), [17, 12, 23, 16])
    }

    /// TF-Agents' `testLoss`: y = r + 0.9·max Q(s') = [10 + 15.3, 20 + 20.7] = [25.3, 40.7],
    /// Q(s, a) = [5, 8], δ = [20.3, 32.7], Huber = [19.8, 32.2], mean 26.0 (the test's
    /// `expected_loss`).
    func testVanillaTargetAndHuberLossMatchTFAgents() throws {
        let network = try linearNetwork()
        let next = network.qValues(nextObservations)
        let output = DQNLoss.loss(qValues: network.qValues(observations), actions: actions, rewards: rewards,
                                  discounts: Tensor(0.9), terminated: Tensor([0, 0]), nextTargetQValues: next)
        assertClose(output.predictions, [5, 8])
        assertClose(output.targets, [25.3, 40.7])
        assertClose(output.tdErrors, [20.3, 32.7])
        XCTAssertEqual(output.loss.scalar, 26.0, accuracy: 1e-4)
    }

    /// Squared error on the same batch: (20.3² + 32.7²) / 2 = (412.09 + 1069.29) / 2.
    func testVanillaTargetWithMeanSquaredError() throws {
        let network = try linearNetwork()
        let output = DQNLoss.loss(qValues: network.qValues(observations), actions: actions, rewards: rewards,
                                  discounts: Tensor(0.9), terminated: Tensor([0, 0]),
                                  nextTargetQValues: network.qValues(nextObservations), errorLoss: .meanSquaredError)
        XCTAssertEqual(output.loss.scalar, 740.69, accuracy: 1e-2)
        assertClose(output.tdErrors, [20.3, 32.7])
    }

    /// A target network W' = [[1, 2], [1, 2]], b' = 0 prefers action 1 ([5, 6] → [11, 22],
    /// [7, 8] → [15, 30]) while the online network prefers action 0 ([17, 12], [23, 16]).
    /// Max target: y = [10 + 0.9·22, 20 + 0.9·30] = [29.8, 47]. Double DQN evaluates the
    /// online arg-max 0 with the target network: y = [10 + 0.9·11, 20 + 0.9·15] = [19.9, 33.5],
    /// δ = [14.9, 25.5], Huber [14.4, 25], mean 19.7.
    func testDoubleDQNSelectsWithOnlineAndEvaluatesWithTarget() throws {
        let online = try linearNetwork()
        let target = try linearNetwork(kernel: [1, 2, 1, 2], bias: [0, 0])
        let nextTarget = target.qValues(nextObservations), nextOnline = online.qValues(nextObservations)
        assertClose(nextTarget, [11, 22, 15, 30])

        let vanilla = DQNLoss.loss(qValues: online.qValues(observations), actions: actions, rewards: rewards,
                                   discounts: Tensor(0.9), terminated: Tensor([0, 0]), nextTargetQValues: nextTarget)
        assertClose(vanilla.targets, [29.8, 47])
        // δ = [24.8, 39], Huber [24.3, 38.5].
        XCTAssertEqual(vanilla.loss.scalar, 31.4, accuracy: 1e-4)

        assertClose(DQNLoss.bootstrapValues(nextTargetQValues: nextTarget, selectingWith: nextOnline), [11, 15])
        let double = DQNLoss.loss(qValues: online.qValues(observations), actions: actions, rewards: rewards,
                                  discounts: Tensor(0.9), terminated: Tensor([0, 0]), nextTargetQValues: nextTarget,
                                  nextOnlineQValues: nextOnline)
        assertClose(double.targets, [19.9, 33.5])
        assertClose(double.tdErrors, [14.9, 25.5])
        XCTAssertEqual(double.loss.scalar, 19.7, accuracy: 1e-4)
    }

    /// n-step transitions as the buffer gives them: R is the discounted reward sum and D =
    /// γ^m for the m steps taken (here γ = 0.9, m = 2 and 3). The second transition ended
    /// in a terminal state, so it does not bootstrap: y = [10 + 0.81·17, 20] = [23.77, 20],
    /// δ = [18.77, 12], Huber [18.27, 11.5] (mean 14.885), squared (352.3129 + 144) / 2.
    func testNStepTargetsUseTheBuffersDiscountAndTerminationCutsTheBootstrap() throws {
        let network = try linearNetwork()
        let next = network.qValues(nextObservations)
        let discounts = Tensor([0.81, 0.729])
        let huber = DQNLoss.loss(qValues: network.qValues(observations), actions: actions, rewards: rewards,
                                 discounts: discounts, terminated: Tensor([0, 1]), nextTargetQValues: next)
        assertClose(huber.targets, [23.77, 20])
        assertClose(huber.tdErrors, [18.77, 12])
        XCTAssertEqual(huber.loss.scalar, 14.885, accuracy: 1e-4)
        let squared = DQNLoss.loss(qValues: network.qValues(observations), actions: actions, rewards: rewards,
                                   discounts: discounts, terminated: Tensor([0, 1]), nextTargetQValues: next,
                                   errorLoss: .meanSquaredError)
        XCTAssertEqual(squared.loss.scalar, 248.15645, accuracy: 1e-2)

        // A truncated transition (time limit, not terminated) still bootstraps: 20 + 0.729·23.
        let truncated = DQNLoss.tdTargets(rewards: rewards, discounts: discounts, terminated: Tensor([0, 0]),
                                          bootstrapValues: DQNLoss.bootstrapValues(nextTargetQValues: next))
        assertClose(truncated, [23.77, 36.767])
    }

    /// Prioritized replay weights multiply each sample's loss and the mean divides by the
    /// batch size: Huber (0.5·19.8 + 1·32.2) / 2 = 21.05; squared (0.5·412.09 + 1069.29) / 2.
    /// TD errors are not weighted: they become the new priorities.
    func testImportanceWeightsScaleEachSamplesLoss() throws {
        let network = try linearNetwork()
        let weights = Tensor([0.5, 1])
        for (errorLoss, expected) in [(TDErrorLoss.huber, Float(21.05)), (.meanSquaredError, 637.6675)] {
            let output = DQNLoss.loss(qValues: network.qValues(observations), actions: actions, rewards: rewards,
                                      discounts: Tensor(0.9), terminated: Tensor([0, 0]),
                                      nextTargetQValues: network.qValues(nextObservations), errorLoss: errorLoss,
                                      importanceWeights: weights)
            XCTAssertEqual(output.loss.scalar, expected, accuracy: 1e-2, "\(errorLoss)")
            assertClose(output.tdErrors, [20.3, 32.7])
        }
    }

    /// Inside |δ| ≤ 1 Huber is half the squared error; outside it grows linearly:
    /// δ = [0.5, −0.8] gives Huber [0.125, 0.32] and squared [0.25, 0.64]; δ = [3, −2]
    /// gives Huber [2.5, 1.5] and squared [9, 4].
    func testHuberAgainstSquaredError() throws {
        let q = try linearNetwork().qValues(observations)   // Q(s, a) = [5, 8]
        let small = Tensor([5.5, 7.2]), large = Tensor([8, 6])
        XCTAssertEqual(DQNLoss.loss(qValues: q, actions: actions, targets: small).loss.scalar, 0.2225, accuracy: 1e-5)
        XCTAssertEqual(DQNLoss.loss(qValues: q, actions: actions, targets: small, errorLoss: .meanSquaredError).loss.scalar,
                       0.445, accuracy: 1e-5)
        assertClose(DQNLoss.loss(qValues: q, actions: actions, targets: small).tdErrors, [0.5, -0.8])
        XCTAssertEqual(DQNLoss.loss(qValues: q, actions: actions, targets: large).loss.scalar, 2, accuracy: 1e-5)
        XCTAssertEqual(DQNLoss.loss(qValues: q, actions: actions, targets: large, errorLoss: .meanSquaredError).loss.scalar,
                       6.5, accuracy: 1e-5)
    }

    /// Dueling heads with fixed weights (values from ``QNetworkTests/testDuelingHeadsCentreAdvantages``):
    /// mean centring gives Q([1, 2]) = [5.5, 6.5, 4.5] and Q([3, −1]) = [1.5, −2.5, 5.5];
    /// max centring [4.5, 5.5, 3.5] and [−2.5, −6.5, 1.5]. With a = 1, r = 1, γ = 0.5 and the
    /// network as its own target: mean y = 1 + 0.5·5.5 = 3.75, δ = −2.75, Huber 2.25;
    /// max y = 1 + 0.5·1.5 = 1.75, δ = −3.75, Huber 3.25.
    func testDuelingLossesByHand() throws {
        for (dueling, prediction, target, huber) in [(QNetworkConfig.Dueling.mean, Float(6.5), Float(3.75), Float(2.25)),
                                                     (.max, 5.5, 1.75, 3.25)] {
            let network = try QNetworkTests.fixedDuelingNetwork(dueling)
            let output = DQNLoss.loss(qValues: network.qValues(Tensor([[1, 2]])), actions: IndexTensor([1]),
                                      rewards: Tensor([1]), discounts: Tensor(0.5), terminated: Tensor([0]),
                                      nextTargetQValues: network.qValues(Tensor([[3, -1]])))
            assertClose(output.predictions, [prediction])
            assertClose(output.targets, [target])
            XCTAssertEqual(output.loss.scalar, huber, accuracy: 1e-5, "\(dueling)")
        }
    }

    /// Only Q(s, a) carries gradient: d loss / d Q is the per-sample error derivative over B
    /// at the actions taken and zero elsewhere. Huber's derivative is clip(−δ, −1, 1).
    func testGradientFlowsOnlyThroughTheActionsTaken() throws {
        let q = Tensor([[5, 4], [11, 8]])
        let (_, gradients) = valueWithGradient(at: [q]) { inputs in
            DQNLoss.loss(qValues: inputs[0], actions: self.actions, targets: Tensor([5.5, 6])).loss
        }
        // δ = [0.5, −2]: d/dQ = [−0.5, clip(2) = 1] / 2.
        assertClose(gradients[0], [-0.25, 0, 0, 0.5])
    }

    /// The gradient with respect to every parameter of a small dueling network with a tanh
    /// hidden layer, under Double DQN n-step targets, prioritized weights and Huber loss
    /// (errors kept away from its kink at |δ| = 1), against central finite differences.
    func testLossGradientMatchesFiniteDifferences() throws {
        var generator = RandomGenerator(seed: 7)
        let config = QNetworkConfig(fcLayerParams: [3], activation: .tanh, dueling: .mean)
        let space = Space.box(low: -1, high: 1, shape: [2])
        let online = try QNetwork(config: config, observationSpace: space, actionSpace: .discrete(3), generator: &generator)
        let target = try QNetwork(config: config, observationSpace: space, actionSpace: .discrete(3), generator: &generator)
        let s = Tensor([[0.5, -0.2], [0.1, 0.9], [-0.7, 0.3]]), next = Tensor([[0.4, 0.4], [-0.3, 0.8], [0.2, -0.6]])
        let a = IndexTensor([2, 0, 1])
        let nextOnline = withoutGradient { online.qValues(next) }, nextTarget = withoutGradient { target.qValues(next) }
        // Rewards chosen so the errors are −3, 0.3 and 2.5: both Huber regions, away from the kink.
        let q0 = withoutGradient { online.qValues(s).gathering(a, alongAxis: 1).scalars }
        let bootstrap = DQNLoss.bootstrapValues(nextTargetQValues: nextTarget, selectingWith: nextOnline).scalars
        let rewards = Tensor([q0[0] - 3 - 0.9 * bootstrap[0], q0[1] + 0.3 - 0.81 * bootstrap[1], q0[2] + 2.5])
        func loss() -> Tensor {
            DQNLoss.loss(qValues: online.qValues(s), actions: a, rewards: rewards, discounts: Tensor([0.9, 0.81, 0]),
                         terminated: Tensor([0, 0, 1]), nextTargetQValues: nextTarget, nextOnlineQValues: nextOnline,
                         importanceWeights: Tensor([1, 0.4, 0.7])).loss
        }
        let (_, gradients) = valueWithGradient(wrt: online.parameters, of: loss)
        assertClose(withoutGradient { DQNLoss.loss(qValues: online.qValues(s), actions: a, rewards: rewards,
                                                   discounts: Tensor([0.9, 0.81, 0]), terminated: Tensor([0, 0, 1]),
                                                   nextTargetQValues: nextTarget, nextOnlineQValues: nextOnline).tdErrors },
                    [-3, 0.3, 2.5], accuracy: 1e-4)
        let epsilon: Float = 1e-2
        var checked = 0
        for (parameter, gradient) in zip(online.parameters, gradients) {
            for i in 0..<parameter.count {
                parameter.update { $0[i] += epsilon }
                let plus = withoutGradient { loss().scalar }
                parameter.update { $0[i] -= 2 * epsilon }
                let minus = withoutGradient { loss().scalar }
                parameter.update { $0[i] += epsilon }
                let numeric = (plus - minus) / (2 * epsilon)
                XCTAssertEqual(gradient.scalars[i], numeric, accuracy: 2e-3 + 1e-2 * abs(numeric),
                               "\(parameter.name)[\(i)]")
                checked += 1
            }
        }
        // 2·3 + 3 hidden, 3·1 + 1 value, 3·3 + 3 advantage.
        XCTAssertEqual(checked, 25)
        XCTAssertGreaterThan(gradients.map { $0.scalars.map(abs).max()! }.max()!, 0.05)
    }
}
