import Agents
import Environments
import Networks
import Randomness
import Tensors
import XCTest

/// SAC's losses by hand, first as pure functions, then one whole gradient step of the agent on
/// tiny networks with fixed weights, recomputed here in Double without the library.
final class SACLossTests: XCTestCase {
    // MARK: Pure functions

    func testCriticTargetsBootstrapTheSoftValueUnlessTerminated() {
        // min(Q'1, Q'2) = [2, 1]; soft values 2 − 0.2·(−1) = 2.2 and 1 − 0.2·0.5 = 0.9.
        let y = SACLoss.criticTargets(rewards: Tensor([1, -0.5]), terminated: Tensor([0, 1]), gamma: 0.9,
                                      nextQValues: [Tensor([2, 5]), Tensor([3, 1])],
                                      nextLogProbabilities: Tensor([-1, 0.5]), alpha: 0.2)
        XCTAssertEqual(y.scalars[0], 1 + 0.9 * 2.2, accuracy: 1e-6)
        XCTAssertEqual(y.scalars[1], -0.5, accuracy: 1e-6, "a terminated row is its reward")
    }

    func testCriticActorAndAlphaLossesAndTheirGradients() {
        // Critic: ½ (mean([0, −1]²·…)): Q1 − y = [−0.5, 0], Q2 − y = [−1.5, 1].
        let targets = Tensor([1.5, 2])
        let (critic, criticGradients) = valueWithGradient(at: [Tensor([1, 2]), Tensor([0, 3])]) { q in
            SACLoss.criticLoss(qValues: q, targets: targets)
        }
        XCTAssertEqual(critic.scalar, 0.5 * ((0.25 + 0) / 2 + (2.25 + 1) / 2), accuracy: 1e-6)
        XCTAssertEqual(criticGradients[0].scalars, [-0.25, 0])
        XCTAssertEqual(criticGradients[1].scalars, [-0.75, 0.5])

        // Actor: mean(0.2·[−1, 0.5] − min([2, 5], [3, 1])) = mean([−2.2, −0.9]).
        let (actor, actorGradients) = valueWithGradient(at: [Tensor([-1, 0.5]), Tensor([2, 5]), Tensor([3, 1])]) { t in
            SACLoss.actorLoss(logProbabilities: t[0], qValues: [t[1], t[2]], alpha: 0.2)
        }
        XCTAssertEqual(actor.scalar, -1.55, accuracy: 1e-6)
        XCTAssertEqual(actorGradients[0].scalars, [0.1, 0.1])
        XCTAssertEqual(actorGradients[1].scalars, [-0.5, 0], "only the smaller critic gets gradient")
        XCTAssertEqual(actorGradients[2].scalars, [0, -0.5])

        // α: −log α · mean([−1, 0.5] + (−1)) = 1.25 log α; d/dlog α = 1.25 and nothing reaches log π.
        let logAlpha = Float(log(0.5))
        let (alpha, alphaGradients) = valueWithGradient(at: [Tensor([logAlpha]), Tensor([-1, 0.5])]) { t in
            SACLoss.entropyCoefficientLoss(logAlpha: t[0], logProbabilities: t[1], targetEntropy: -1)
        }
        XCTAssertEqual(alpha.scalar, 1.25 * logAlpha, accuracy: 1e-6)
        XCTAssertEqual(alphaGradients[0].scalars[0], 1.25, accuracy: 1e-6)
        XCTAssertEqual(alphaGradients[1].scalars, [0, 0])
    }

    // MARK: One agent step on fixed weights

    /// A 2-unit ReLU MLP in Double: `layers` are (weight [in][out], bias [out]).
    private func mlp(_ x: [Double], _ layers: [([[Double]], [Double])]) -> [Double] {
        var h = x
        for (index, (w, b)) in layers.enumerated() {
            h = (0..<b.count).map { j in b[j] + h.indices.reduce(0) { $0 + h[$1] * w[$1][j] } }
            if index < layers.count - 1 { h = h.map { max($0, 0) } }
        }
        return h
    }

    /// The layers of a two-layer network from its parameters [w0, b0, w1, b1] flattened.
    private func layers(_ p: [[Double]], inputs: Int, hidden: Int, outputs: Int) -> [([[Double]], [Double])] {
        [(stride(from: 0, to: inputs * hidden, by: hidden).map { Array(p[0][$0..<($0 + hidden)]) }, p[1]),
         (stride(from: 0, to: hidden * outputs, by: outputs).map { Array(p[2][$0..<($0 + outputs)]) }, p[3])]
    }

    private func set(_ module: any Module, _ values: [[Double]]) {
        let parameters = module.parameters
        XCTAssertEqual(parameters.map(\.count), values.map(\.count))
        for (parameter, value) in zip(parameters, values) {
            parameter.update { buffer in for i in buffer.indices { buffer[i] = Float(value[i]) } }
        }
    }

    private func values(_ module: any Module) -> [[Double]] {
        module.parameters.map { $0.detachedValue.scalars.map(Double.init) }
    }

    /// Adam's first step: θ − lr · g / (|g| + ε), since m̂ = g and v̂ = g².
    private func firstAdamStep(_ theta: Double, _ g: Double, lr: Double) -> Double { theta - lr * g / (abs(g) + 1e-8) }

    /// Central differences of `f` with respect to each value of `p`.
    private func numericGradient(_ p: [[Double]], _ f: ([[Double]]) -> Double) -> [[Double]] {
        p.indices.map { i in
            p[i].indices.map { j in
                var plus = p, minus = p
                plus[i][j] += 1e-6
                minus[i][j] -= 1e-6
                return (f(plus) - f(minus)) / 2e-6
            }
        }
    }

    func testOneGradientStepOnFixedWeightsMatchesHandComputation() throws {
        var config = SACConfig()
        config.policyLayers = [2]
        config.criticLayers = [2]
        config.entCoef = .auto(initial: 0.5)
        config.gamma = 0.9
        config.tau = 0.1
        config.learningRate = 0.01
        let agent = try SACAgent(config: config, environment: make("Pendulum-v1"))
        let actorWeights: [[Double]] = [[0.5, -0.3, 0.2, 0.4, -0.1, 0.25], [0.1, -0.05], [0.7, -0.4, -0.6, 0.3], [0.05, -0.2]]
        let criticWeights: [[Double]] = [[0.3, -0.2, 0.1, 0.5, 0.05, -0.1, 0.4, 0.3], [0.0, 0.1], [1.2, -0.7], [0.3],
                                         [-0.2, 0.3, 0.4, 0.1, 0.1, 0.05, -0.3, 0.6], [0.05, -0.1], [0.8, 0.9], [-0.1]]
        let targetWeights = criticWeights.map { $0.map { 0.8 * $0 + 0.01 } }
        set(agent.actor, actorWeights)
        set(agent.critic, criticWeights)
        set(agent.criticTarget, targetWeights)

        let s: [[Double]] = [[1, 0, 0.5], [0.6, -0.8, -2]], next: [[Double]] = [[0.9, 0.3, 1.5], [0.5, -0.85, -1]]
        let a: [Double] = [0.3, -0.7], r: [Double] = [-1.2, -3.5], done: [Double] = [0, 1]
        var noise = RandomGenerator(seed: 11)
        var epsPi = [Float](repeating: 0, count: 2), epsNext = [Float](repeating: 0, count: 2)
        epsPi.withUnsafeMutableBufferPointer { noise.fillNormal($0) }
        epsNext.withUnsafeMutableBufferPointer { noise.fillNormal($0) }

        var generator = RandomGenerator(seed: 11)
        let report = agent.update(observations: Tensor(s.map { $0.map(Float.init) }), actions: Tensor(a.map { [Float($0)] }),
                                  rewards: Tensor(r.map(Float.init)), nextObservations: Tensor(next.map { $0.map(Float.init) }),
                                  terminated: Tensor(done.map(Float.init)), using: &generator)

        // The squashed Gaussian by hand: u = μ + σε, a = tanh u, log π = log N(u) − log(1 − tanh²u).
        func act(_ weights: [[Double]], _ obs: [Double], _ eps: Float) -> (action: Double, logPi: Double) {
            let out = mlp(obs, layers(weights, inputs: 3, hidden: 2, outputs: 2))
            let logStd = min(max(out[1], -20), 2)
            let u = out[0] + exp(logStd) * Double(eps)
            let e = Double(eps)
            return (tanh(u), -0.5 * e * e - logStd - 0.5 * log(2 * .pi) - log(1 - tanh(u) * tanh(u)))
        }
        func q(_ weights: [[Double]], _ obs: [Double], _ action: Double) -> [Double] {
            (0..<2).map { i in mlp(obs + [action], layers(Array(weights[(4 * i)..<(4 * i + 4)]), inputs: 4, hidden: 2, outputs: 1))[0] }
        }
        let alpha = 0.5, targetEntropy = -1.0, lr = 0.01
        let pi = (0..<2).map { act(actorWeights, s[$0], epsPi[$0]) }
        let nextPi = (0..<2).map { act(actorWeights, next[$0], epsNext[$0]) }
        let y = (0..<2).map { i in r[i] + 0.9 * (1 - done[i]) * (q(targetWeights, next[i], nextPi[i].action).min()! - alpha * nextPi[i].logPi) }
        func criticLoss(_ w: [[Double]]) -> Double {
            (0..<2).map { c in (0..<2).map { i in pow(q(w, s[i], a[i])[c] - y[i], 2) }.reduce(0, +) / 2 }.reduce(0, +) / 2
        }
        let alphaGradient = -pi.map { $0.logPi + targetEntropy }.reduce(0, +) / 2

        XCTAssertEqual(report.entropyCoefficient, 0.5, accuracy: 1e-6, "the step uses α from before its own update")
        for i in 0..<2 {
            XCTAssertEqual(Double(report.logProbabilities[i]), pi[i].logPi, accuracy: 1e-4)
            XCTAssertEqual(Double(report.targets[i]), y[i], accuracy: 1e-4)
            XCTAssertEqual(Double(report.qValues[0][i]), q(criticWeights, s[i], a[i])[0], accuracy: 1e-5)
            XCTAssertEqual(Double(report.qValues[1][i]), q(criticWeights, s[i], a[i])[1], accuracy: 1e-5)
        }
        XCTAssertEqual(Double(report.targets[1]), r[1], accuracy: 1e-6, "the terminated row does not bootstrap")
        XCTAssertEqual(Double(try XCTUnwrap(report.entropyCoefficientLoss)), log(0.5) * alphaGradient, accuracy: 1e-5)
        XCTAssertEqual(Double(report.criticLoss), criticLoss(criticWeights), accuracy: 1e-5)

        // log α, the critics and the actor each took one Adam step along their own gradients.
        XCTAssertEqual(agent.entropyCoefficient, exp(firstAdamStep(log(0.5), alphaGradient, lr: lr)), accuracy: 1e-6)
        let criticGradient = numericGradient(criticWeights, criticLoss)
        let newCritic = values(agent.critic)
        for (i, layer) in criticWeights.enumerated() {
            for (j, theta) in layer.enumerated() {
                XCTAssertEqual(newCritic[i][j], firstAdamStep(theta, criticGradient[i][j], lr: lr), accuracy: 1e-6, "critic \(i).\(j)")
            }
        }
        // The actor's loss is valued with the critics just updated, its actions reparameterised.
        func actorLoss(_ w: [[Double]]) -> Double {
            (0..<2).map { i in
                let (action, logPi) = act(w, s[i], epsPi[i])
                return alpha * logPi - q(newCritic, s[i], action).min()!
            }.reduce(0, +) / 2
        }
        XCTAssertEqual(Double(report.actorLoss), actorLoss(actorWeights), accuracy: 1e-5)
        let actorGradient = numericGradient(actorWeights, actorLoss)
        let newActor = values(agent.actor)
        for (i, layer) in actorWeights.enumerated() {
            for (j, theta) in layer.enumerated() {
                XCTAssertEqual(newActor[i][j], firstAdamStep(theta, actorGradient[i][j], lr: lr), accuracy: 1e-6, "actor \(i).\(j)")
            }
        }
        // Polyak: θ' ← τ θ + (1 − τ) θ' with the critics' new weights.
        for (i, layer) in values(agent.criticTarget).enumerated() {
            for (j, value) in layer.enumerated() {
                XCTAssertEqual(value, 0.1 * newCritic[i][j] + 0.9 * targetWeights[i][j], accuracy: 1e-6, "target \(i).\(j)")
            }
        }
        XCTAssertEqual(agent.gradientUpdates, 1)
    }

    /// The collect policy reports log π of the squashed action; the density of the action the
    /// environment receives, measured by differences of its exact CDF, is that over the
    /// rescaling factor (high − low)/2, with no Jacobian formula involved in the check.
    func testSampledActionLogProbabilityMatchesTheNumericalDensityOfTheRescaledAction() throws {
        var generator = RandomGenerator(seed: 4)
        let actor = SACActor(featureCount: 3, hiddenUnits: [8], activation: .relu, actionDimension: 1, generator: &generator)
        let environment = try make("Pendulum-v1")
        let policy = try SquashedGaussianPolicy(actor: actor, observationSpace: environment.observationSpace,
                                                actionSpace: environment.actionSpace, mode: .sample)
        let low = -2.0, halfRange = 2.0
        func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }
        var checked = 0
        for meanShift in [0.0, 2.5] {
            // A shifted mean pushes actions towards saturation, where the correction matters most.
            let bias = actor.body.parameters.last!
            bias.update { $0[0] += Float(meanShift) }
            for k in 0..<20 {
                let observation: [Float] = [cos(Float(k)), sin(Float(k)), Float(k % 7) - 3]
                let step = try policy.action(for: TimeStep(stepType: .mid, reward: 0, discount: 1,
                                                           observation: .float32(observation, shape: [3])),
                                             state: nil, using: &generator)
                let x = Double(step.action.floats[0])
                let distribution = actor.distribution(Tensor([observation]))
                let mu = Double(distribution.base.mean.scalar), sigma = exp(Double(distribution.base.logStd.scalar))
                let cdf = { (x: Double) in normalCDF((atanh((x - low) / halfRange - 1) - mu) / sigma) }
                let a = (x - low) / halfRange - 1
                guard abs(a) < 0.999 else { continue }
                let h = 1e-5 * (1 - abs(a))
                let numeric = log((cdf(x + h) - cdf(x - h)) / (2 * h))
                let reported = try XCTUnwrap(step.info.logProbability)
                XCTAssertEqual(reported - log(halfRange), numeric, accuracy: 2e-3 * max(1, abs(numeric)), "x = \(x)")
                // The training path's log-probability of the same squashed action agrees.
                let tensorPath = Double(distribution.logProbability(of: Tensor([[Float(a)]])).scalar)
                XCTAssertEqual(tensorPath, reported, accuracy: 2e-3 * max(1, abs(reported)))
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 30)
        // The greedy policy acts with tanh(μ), rescaled.
        let greedy = try SquashedGaussianPolicy(actor: actor, observationSpace: environment.observationSpace,
                                                actionSpace: environment.actionSpace, mode: .greedy)
        let observation: [Float] = [1, 0, 0.5]
        let action = try greedy.action(for: .float32(observation, shape: [3]), using: &generator)
        let mu = Double(actor.distribution(Tensor([observation])).base.mean.scalar)
        XCTAssertEqual(Double(action.floats[0]), low + (tanh(mu) + 1) * halfRange, accuracy: 1e-5)
    }
}
