import Networks
import Tensors
import XCTest

/// Each optimizer is checked against the published update rule written out in Double, step
/// by step, on a three-value parameter with a fixed gradient sequence.
final class OptimizerTests: XCTestCase {
    let start: [Double] = [1, -2, 0.5]
    let gradientSequence: [[Double]] = [[0.5, -1, 0.25], [0.1, 0.2, -0.3], [-0.3, 0.4, 0.05]]

    /// Runs `optimizer` (built over `parameter`) through the gradient sequence and returns
    /// the parameter after each step.
    func trajectory(_ optimizer: any Optimizer, _ parameter: Parameter) -> [[Float]] {
        gradientSequence.map { g in
            optimizer.step([Tensor(g.map(Float.init))])
            return parameter.detachedValue.scalars
        }
    }

    func assertClose(_ actual: [[Float]], _ expected: [[Double]], relative: Double = 2e-5,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, file: file, line: line)
        for (step, (a, e)) in zip(actual, expected).enumerated() {
            for (x, y) in zip(a, e) {
                XCTAssertEqual(Double(x), y, accuracy: relative * max(1, abs(y)),
                               "step \(step + 1): got \(a), expected \(e)", file: file, line: line)
            }
        }
    }

    // MARK: SGD

    /// torch.optim.SGD: d = g + wd p; b = d (first) or μ b + d; u = nesterov ? d + μ b : b.
    func referenceSGD(lr: Double, momentum: Double, nesterov: Bool, weightDecay: Double) -> [[Double]] {
        var p = start, b = [Double](repeating: 0, count: start.count)
        var out: [[Double]] = []
        for (t, g) in gradientSequence.enumerated() {
            for j in p.indices {
                let d = g[j] + weightDecay * p[j]
                if momentum == 0 { p[j] -= lr * d; continue }
                b[j] = t == 0 ? d : momentum * b[j] + d
                p[j] -= lr * (nesterov ? d + momentum * b[j] : b[j])
            }
            out.append(p)
        }
        return out
    }

    func testSGDPlainMatchesHandComputedSteps() {
        let p = Parameter(Tensor(start.map(Float.init)))
        let result = trajectory(SGD(parameters: [p], learningRate: 0.1), p)
        // θ1 = θ0 − 0.1 g1, written out by hand.
        assertClose([result[0]], [[0.95, -1.9, 0.475]])
        assertClose(result, referenceSGD(lr: 0.1, momentum: 0, nesterov: false, weightDecay: 0))
    }

    func testSGDMomentumMatchesReference() {
        let p = Parameter(Tensor(start.map(Float.init)))
        let result = trajectory(SGD(parameters: [p], learningRate: 0.1, momentum: 0.9), p)
        // Step 2 by hand for the first value: b = 0.9·0.5 + 0.1 = 0.55, θ = 0.95 − 0.055.
        XCTAssertEqual(result[1][0], 0.895, accuracy: 1e-6)
        assertClose(result, referenceSGD(lr: 0.1, momentum: 0.9, nesterov: false, weightDecay: 0))
    }

    func testSGDNesterovMatchesReference() {
        let p = Parameter(Tensor(start.map(Float.init)))
        let result = trajectory(SGD(parameters: [p], learningRate: 0.1, momentum: 0.9, nesterov: true), p)
        // Step 1 by hand: b = 0.5, u = 0.5 + 0.9·0.5 = 0.95, θ = 1 − 0.095.
        XCTAssertEqual(result[0][0], 0.905, accuracy: 1e-6)
        assertClose(result, referenceSGD(lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0))
    }

    func testSGDWeightDecayMatchesReference() {
        let p = Parameter(Tensor(start.map(Float.init)))
        let result = trajectory(SGD(parameters: [p], learningRate: 0.1, momentum: 0.5, weightDecay: 0.01), p)
        // Step 1 by hand: d = 0.5 + 0.01·1 = 0.51, θ = 1 − 0.051.
        XCTAssertEqual(result[0][0], 0.949, accuracy: 1e-6)
        assertClose(result, referenceSGD(lr: 0.1, momentum: 0.5, nesterov: false, weightDecay: 0.01))
    }

    // MARK: Adam

    /// Kingma and Ba, Algorithm 1, with ε added to the bias-corrected root.
    func referenceAdam(lr: Double, beta1: Double, beta2: Double, epsilon: Double) -> [[Double]] {
        var p = start
        var m = [Double](repeating: 0, count: start.count), v = m
        var out: [[Double]] = []
        for (index, g) in gradientSequence.enumerated() {
            let t = Double(index + 1)
            for j in p.indices {
                m[j] = beta1 * m[j] + (1 - beta1) * g[j]
                v[j] = beta2 * v[j] + (1 - beta2) * g[j] * g[j]
                let mHat = m[j] / (1 - pow(beta1, t)), vHat = v[j] / (1 - pow(beta2, t))
                p[j] -= lr * mHat / (vHat.squareRoot() + epsilon)
            }
            out.append(p)
        }
        return out
    }

    func testAdamMatchesReference() {
        let p = Parameter(Tensor(start.map(Float.init)))
        let result = trajectory(Adam(parameters: [p], learningRate: 0.01), p)
        // The first bias-corrected step is lr · g / (|g| + ε) ≈ lr · sign(g).
        assertClose([result[0]], [[0.99, -1.99, 0.49]], relative: 1e-6)
        assertClose(result, referenceAdam(lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8))
    }

    func testAdamCustomBetasAndLargeEpsilon() {
        let p = Parameter(Tensor(start.map(Float.init)))
        let result = trajectory(Adam(parameters: [p], learningRate: 0.05, beta1: 0.5, beta2: 0.9, epsilon: 0.1), p)
        // Step 1 by hand for the first value: 1 − 0.05 · 0.5 / (0.5 + 0.1).
        XCTAssertEqual(Double(result[0][0]), 1 - 0.05 * 0.5 / 0.6, accuracy: 1e-6)
        assertClose(result, referenceAdam(lr: 0.05, beta1: 0.5, beta2: 0.9, epsilon: 0.1))
    }

    func testAdamVectorisedPathMatchesReference() {
        // 37 values exercise the 16-wide loop and the scalar tail of the C kernel.
        let n = 37
        let x0 = (0..<n).map { Float($0) * 0.1 - 1 }
        let p = Parameter(Tensor(x0))
        let adam = Adam(parameters: [p], learningRate: 0.1, beta1: 0.8, beta2: 0.95)
        var m = [Double](repeating: 0, count: n), v = m, x = x0.map(Double.init)
        for step in 1...3 {
            let g = (0..<n).map { Double(($0 * 7 + step * 3) % 11) - 5 }
            adam.step([Tensor(g.map(Float.init))])
            for j in 0..<n {
                m[j] = 0.8 * m[j] + 0.2 * g[j]
                v[j] = 0.95 * v[j] + 0.05 * g[j] * g[j]
                x[j] -= 0.1 * (m[j] / (1 - pow(0.8, Double(step)))) / ((v[j] / (1 - pow(0.95, Double(step)))).squareRoot() + 1e-8)
            }
        }
        assertClose([p.detachedValue.scalars], [x])
    }

    // MARK: RMSprop

    func referenceRMSprop(lr: Double, rho: Double, momentum: Double, epsilon: Double,
                          centered: Bool, epsilonInside: Bool, initialSquareAverage: Double = 0) -> [[Double]] {
        var p = start
        var mg = [Double](repeating: 0, count: start.count), b = mg
        var v = [Double](repeating: initialSquareAverage, count: start.count)
        var out: [[Double]] = []
        for g in gradientSequence {
            for j in p.indices {
                v[j] = rho * v[j] + (1 - rho) * g[j] * g[j]
                var d = v[j]
                if centered {
                    mg[j] = rho * mg[j] + (1 - rho) * g[j]
                    d -= mg[j] * mg[j]
                }
                let s = g[j] / (epsilonInside ? (d + epsilon).squareRoot() : d.squareRoot() + epsilon)
                if momentum > 0 {
                    b[j] = momentum * b[j] + s
                    p[j] -= lr * b[j]
                } else {
                    p[j] -= lr * s
                }
            }
            out.append(p)
        }
        return out
    }

    func testRMSpropPyTorchDefaultsMatchReference() {
        let p = Parameter(Tensor(start.map(Float.init)))
        let result = trajectory(RMSprop(parameters: [p]), p)
        // Step 1: v = 0.01 g², so the step is lr · g / (0.1 |g|) = 0.1 · sign(g).
        assertClose([result[0]], [[0.9, -1.9, 0.4]], relative: 1e-6)
        assertClose(result, referenceRMSprop(lr: 0.01, rho: 0.99, momentum: 0, epsilon: 1e-8,
                                             centered: false, epsilonInside: false))
    }

    func testRMSpropEpsilonInsideSquareRoot() {
        // A large ε makes the two placements differ visibly.
        let outsideP = Parameter(Tensor(start.map(Float.init)))
        let outside = trajectory(RMSprop(parameters: [outsideP], learningRate: 0.01, rho: 0.9, epsilon: 0.1), outsideP)
        let insideP = Parameter(Tensor(start.map(Float.init)))
        let inside = trajectory(RMSprop(parameters: [insideP], learningRate: 0.01, rho: 0.9, epsilon: 0.1,
                                        epsilonInsideSquareRoot: true), insideP)
        // Step 1, first value by hand: v = 0.1 · 0.25 = 0.025.
        XCTAssertEqual(Double(outside[0][0]), 1 - 0.01 * 0.5 / (0.025.squareRoot() + 0.1), accuracy: 1e-6)
        XCTAssertEqual(Double(inside[0][0]), 1 - 0.01 * 0.5 / (0.025 + 0.1).squareRoot(), accuracy: 1e-6)
        assertClose(outside, referenceRMSprop(lr: 0.01, rho: 0.9, momentum: 0, epsilon: 0.1,
                                              centered: false, epsilonInside: false))
        assertClose(inside, referenceRMSprop(lr: 0.01, rho: 0.9, momentum: 0, epsilon: 0.1,
                                             centered: false, epsilonInside: true))
    }

    func testRMSpropTFLikeStartsItsAverageAtOne() {
        // SB3's RMSpropTFLike for A2C on Atari: ρ 0.99, ε 1e-5 under the root, v starting at 1.
        let p = Parameter(Tensor(start.map(Float.init)))
        let rmsprop = RMSprop(parameters: [p], learningRate: 0.01, rho: 0.99, epsilon: 1e-5, epsilonInsideSquareRoot: true,
                              initialSquareAverage: 1)
        let result = trajectory(rmsprop, p)
        // Step 1, first value by hand: v = 0.99 + 0.01 · 0.25, a step of about lr · g rather than 10 lr.
        XCTAssertEqual(Double(result[0][0]), 1 - 0.01 * 0.5 / (0.99 + 0.0025 + 1e-5).squareRoot(), accuracy: 1e-6)
        assertClose(result, referenceRMSprop(lr: 0.01, rho: 0.99, momentum: 0, epsilon: 1e-5, centered: false,
                                             epsilonInside: true, initialSquareAverage: 1))
        // The state it saves restores into an optimizer built the same way.
        let copy = RMSprop(parameters: [Parameter(Tensor(start.map(Float.init)))], learningRate: 0.01, rho: 0.99,
                           epsilon: 1e-5, epsilonInsideSquareRoot: true, initialSquareAverage: 1)
        XCTAssertNoThrow(try copy.loadState(rmsprop.stateTensors()))
    }

    func testRMSpropCenteredMatchesReference() {
        for inside in [false, true] {
            let p = Parameter(Tensor(start.map(Float.init)))
            let result = trajectory(RMSprop(parameters: [p], learningRate: 2.5e-3, rho: 0.95, epsilon: 1e-2,
                                            centered: true, epsilonInsideSquareRoot: inside), p)
            assertClose(result, referenceRMSprop(lr: 2.5e-3, rho: 0.95, momentum: 0, epsilon: 1e-2,
                                                 centered: true, epsilonInside: inside))
        }
    }

    func testRMSpropMomentumMatchesReference() {
        for centered in [false, true] {
            let p = Parameter(Tensor(start.map(Float.init)))
            let result = trajectory(RMSprop(parameters: [p], learningRate: 0.01, rho: 0.9, momentum: 0.9,
                                            epsilon: 1e-5, centered: centered), p)
            assertClose(result, referenceRMSprop(lr: 0.01, rho: 0.9, momentum: 0.9, epsilon: 1e-5,
                                                 centered: centered, epsilonInside: false))
        }
    }

    // MARK: Schedules, helpers and state

    func testScheduleDrivesLearningRate() {
        let p = Parameter(Tensor([0]))
        let sgd = SGD(parameters: [p], learningRate: .linear(from: 1, to: 0.5, steps: 2))
        XCTAssertEqual(sgd.learningRate, 1)
        for _ in 0..<3 { sgd.step([Tensor([1])]) }
        // Rates 1, 0.75, 0.5 applied to a unit gradient.
        XCTAssertEqual(p.detachedValue.scalar, -2.25, accuracy: 1e-6)
        XCTAssertEqual(sgd.stepCount, 3)
        sgd.learningRate = 0.1
        sgd.step([Tensor([1])])
        XCTAssertEqual(p.detachedValue.scalar, -2.35, accuracy: 1e-6)
    }

    func testMinimizeTakesAGradientStep() {
        // loss = Σ (x − c)², gradient 2 (x − c).
        let p = Parameter(Tensor([1, 2]))
        let c = Tensor([3, -1])
        let sgd = SGD(parameters: [p], learningRate: 0.25)
        let loss = sgd.minimize { ((p.value - c) * (p.value - c)).sum() }
        XCTAssertEqual(loss, 13, accuracy: 1e-5)
        // x − 0.25 · 2 (x − c) = (x + c) / 2.
        XCTAssertEqual(p.detachedValue.scalars, [2, 0.5])
        // Gradient (−2, 3) has norm √13; clipped to norm 1 it moves by 0.25 · (−2, 3)/√13.
        let clippedLoss = sgd.minimize(maxGradientNorm: 1) { ((p.value - c) * (p.value - c)).sum() }
        XCTAssertEqual(clippedLoss, 3.25, accuracy: 1e-5)
        XCTAssertEqual(p.detachedValue.scalars[0], Float(2 + 0.5 / 13.0.squareRoot()), accuracy: 1e-6)
        XCTAssertEqual(p.detachedValue.scalars[1], Float(0.5 - 0.75 / 13.0.squareRoot()), accuracy: 1e-6)
    }

    func testMultipleParametersAreUpdatedIndependently() {
        let a = Parameter(Tensor([[1, 2], [3, 4]])), b = Parameter(Tensor([5]))
        let adam = Adam(parameters: [a, b], learningRate: 0.1)
        adam.step([Tensor([[1, -1], [0, 2]]), Tensor([-3])])
        // ≈ lr · sign(g); a zero gradient leaves its value alone.
        XCTAssertTrue(a.detachedValue.isApproximatelyEqual(to: Tensor([[0.9, 2.1], [3, 3.9]]), tolerance: 1e-6))
        XCTAssertEqual(b.detachedValue.scalar, 5.1, accuracy: 1e-6)
    }

    /// Restoring exported state into a fresh optimizer continues exactly as the original.
    func assertStateRoundTrip(_ make: ([Parameter]) -> any Optimizer, file: StaticString = #filePath, line: UInt = #line) throws {
        let a = Parameter(Tensor([1, -2, 0.5])), b = Parameter(Tensor([[0.3, 0.7]]))
        let original = make([a, b])
        original.step([Tensor([0.5, -1, 0.25]), Tensor([[1, 2]])])
        original.step([Tensor([0.1, 0.2, -0.3]), Tensor([[-1, 0.5]])])
        let saved = original.stateTensors()
        let a2 = Parameter(a.detachedValue.copy()), b2 = Parameter(b.detachedValue.copy())
        let restored = make([a2, b2])
        try restored.loadState(saved)
        XCTAssertEqual(restored.stepCount, 2, file: file, line: line)
        let g3 = [Tensor([-0.3, 0.4, 0.05]), Tensor([[0.2, -0.2]])]
        original.step(g3)
        restored.step(g3)
        XCTAssertEqual(a.detachedValue.scalars, a2.detachedValue.scalars, file: file, line: line)
        XCTAssertEqual(b.detachedValue.scalars, b2.detachedValue.scalars, file: file, line: line)
        // The exported tensors are snapshots, untouched by the later step.
        try restored.loadState(saved)
        XCTAssertEqual(restored.stepCount, 2, file: file, line: line)
    }

    func testStateRoundTrips() throws {
        try assertStateRoundTrip { SGD(parameters: $0, learningRate: 0.1, momentum: 0.9, nesterov: true) }
        try assertStateRoundTrip { SGD(parameters: $0, learningRate: 0.1) }
        try assertStateRoundTrip { Adam(parameters: $0, learningRate: 0.01) }
        try assertStateRoundTrip { RMSprop(parameters: $0, momentum: 0.5, centered: true) }
    }

    func testStateNamesFollowPyTorch() {
        let p = Parameter(Tensor([1, 2]))
        XCTAssertEqual(Adam(parameters: [p]).stateTensors().map(\.name), ["step", "0.exp_avg", "0.exp_avg_sq"])
        XCTAssertEqual(RMSprop(parameters: [p], momentum: 0.9, centered: true).stateTensors().map(\.name),
                       ["step", "0.square_avg", "0.grad_avg", "0.momentum_buffer"])
        XCTAssertEqual(SGD(parameters: [p], learningRate: 1, momentum: 0.9).stateTensors().map(\.name),
                       ["step", "0.momentum_buffer"])
    }

    func testLargeStepCountSurvivesExport() throws {
        let p = Parameter(Tensor([0]))
        let sgd = SGD(parameters: [p], learningRate: 0)
        let big = (1 << 24) * 3 + 12_345
        let state: [(name: String, tensor: Tensor)] = [("step", Tensor([3, 12_345]))]
        try sgd.loadState(state)
        XCTAssertEqual(sgd.stepCount, big)
        XCTAssertEqual(sgd.stateTensors()[0].tensor.scalars, [3, 12_345])
    }

    func testLoadStateRejectsMismatches() {
        let p = Parameter(Tensor([1, 2]))
        let adam = Adam(parameters: [p])
        let good = adam.stateTensors()
        func error(_ state: [(name: String, tensor: Tensor)]) -> OptimizerStateError? {
            do { try adam.loadState(state); return nil } catch { return error as? OptimizerStateError }
        }
        XCTAssertNil(error(good))
        XCTAssertEqual(error(good.filter { $0.name != "0.exp_avg_sq" }), .missing(name: "0.exp_avg_sq"))
        XCTAssertEqual(error(good.filter { $0.name != "step" }), .missing(name: "step"))
        XCTAssertEqual(error(good + [("0.momentum_buffer", Tensor([0, 0]))]), .unexpected(name: "0.momentum_buffer"))
        XCTAssertEqual(error(good + [("0.exp_avg", Tensor([0, 0]))]), .duplicate(name: "0.exp_avg"))
        XCTAssertEqual(error(good.map { $0.name == "0.exp_avg" ? ($0.name, Tensor([0, 0, 0])) : $0 }),
                       .shapeMismatch(name: "0.exp_avg", expected: [2], found: [3]))
        XCTAssertEqual(error(good.map { $0.name == "step" ? ($0.name, Tensor([0.5, 1])) : $0 }),
                       .invalidStepCount(found: [0.5, 1]))
        XCTAssertEqual(OptimizerStateError.missing(name: "0.exp_avg").description, "optimizer state is missing '0.exp_avg'")
        // A momentum state does not load into an optimizer without momentum.
        let withMomentum = SGD(parameters: [p], learningRate: 1, momentum: 0.9).stateTensors()
        XCTAssertThrowsError(try SGD(parameters: [p], learningRate: 1).loadState(withMomentum)) {
            XCTAssertEqual($0 as? OptimizerStateError, .unexpected(name: "0.momentum_buffer"))
        }
    }
}
