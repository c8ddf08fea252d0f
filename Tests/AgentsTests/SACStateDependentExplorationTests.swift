import Agents
import Environments
import Networks
import Randomness
import Tensors
import XCTest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// gSDE for SAC (SB3's `use_sde=True`): the actor's reparameterised draw and its density,
/// their gradients, and the acting policy's exploration matrix.
final class SACStateDependentExplorationTests: XCTestCase {
    /// tanh hidden layers: smooth, so finite differences hold everywhere (SAC uses ReLU).
    private func actor(clipMean: Float = 2, seed: UInt64 = 3) -> SACActor {
        var generator = RandomGenerator(seed: seed)
        return SACActor(featureCount: 3, hiddenUnits: [8, 8], activation: .tanh, actionDimension: 2,
                        stateDependentExploration: true, logStdInit: -0.5, clipMean: clipMean, generator: &generator)
    }

    /// log π(tanh u) is the density of u = clip(μ) + z θ under N(clip(μ), z² σ² + 1e-6), minus
    /// log(1 − tanh² u), computed here in Double from the network's pieces.
    func testDrawAndDensityFollowTheDefinition() {
        for clipMean: Float in [2, 0.05] {
            let actor = actor(clipMean: clipMean)
            var generator = RandomGenerator(seed: 11)
            let observations = Tensor.randomNormal([5, 3], standardDeviation: 2, generator: &generator)
            let noise = Tensor.randomNormal([8, 2], generator: &generator)
            let (action, logProbability) = actor.stateDependentSample(observations, noise: noise)
            let z = actor.trunk(observations).scalars
            let means = actor.body.layers.last!(actor.trunk(observations)).scalars
            let logStd = actor.stateDependentLogStd!.logStd.detachedValue.scalars
            for row in 0..<5 {
                var expected = 0.0
                for j in 0..<2 {
                    var perturbation = 0.0, variance = 1e-6
                    for k in 0..<8 {
                        let feature = Double(z[row * 8 + k]), sigma = exp(Double(logStd[k * 2 + j]))
                        perturbation += feature * sigma * Double(noise.scalars[k * 2 + j])
                        variance += feature * feature * sigma * sigma
                    }
                    let mean = Double(min(max(means[row * 2 + j], -clipMean), clipMean))
                    let u = mean + perturbation
                    XCTAssertEqual(Double(action.scalars[row * 2 + j]), tanh(u), accuracy: 1e-5)
                    expected += -0.5 * perturbation * perturbation / variance - 0.5 * log(variance) - 0.5 * log(2 * Double.pi)
                        - log(1 - tanh(u) * tanh(u))
                }
                XCTAssertEqual(Double(logProbability.scalars[row]), expected, accuracy: 1e-3 * max(1, abs(expected)),
                               "row \(row), clipMean \(clipMean)")
            }
        }
    }

    /// The reparameterised draw is differentiable in log σ (through θ = σ ⊙ ε and the
    /// variance) and in the network (through the means and the features z): gradients of
    /// Σ(tanh u) + Σ log π against central differences.
    func testGradientsMatchFiniteDifferences() {
        let actor = actor()
        var generator = RandomGenerator(seed: 12)
        let observations = Tensor.randomNormal([6, 3], generator: &generator)
        let noise = Tensor.randomNormal([8, 2], generator: &generator)
        func objective() -> Tensor {
            let (action, logProbability) = actor.stateDependentSample(observations, noise: noise)
            return action.sum() + 0.1 * logProbability.sum()
        }
        let parameters = actor.parameters
        let (_, gradients) = valueWithGradient(wrt: parameters, of: objective)
        XCTAssertEqual(parameters[0].shape, [8, 2], "log σ comes first, under SB3's name")
        XCTAssertEqual(actor.namedParameters[0].name, "log_std")
        for (index, parameter) in parameters.enumerated() {
            for element in stride(from: 0, to: parameter.count, by: max(1, parameter.count / 6)) {
                let original = parameter.detachedValue.scalars[element]
                let h: Float = 1e-2
                parameter.update { $0[element] = original + h }
                let plus = Double(withoutGradient { objective() }.scalar)
                parameter.update { $0[element] = original - h }
                let minus = Double(withoutGradient { objective() }.scalar)
                parameter.update { $0[element] = original }
                let numeric = (plus - minus) / (2 * Double(h))
                let analytic = Double(gradients[index].scalars[element])
                XCTAssertEqual(analytic, numeric, accuracy: 2e-2 * max(1, abs(numeric)), "parameter \(index) element \(element)")
            }
        }
    }

    /// The collect policy draws θ = σ ⊙ ε from its generator and keeps it: its actions and
    /// reported densities are the actor's draw with that θ, the same θ serves until
    /// `sampleFrequency` steps have used it or resampleNoise() asks, and the greedy policy
    /// takes tanh(clip(μ)).
    func testPolicyKeepsItsExplorationMatrix() throws {
        let actor = actor()
        let space = Space.box(low: -3, high: 3, shape: [2])
        let observationSpace = Space.box(low: -9, high: 9, shape: [3])
        let sampling = try SquashedGaussianPolicy(actor: actor, observationSpace: observationSpace, actionSpace: space,
                                                  mode: .sample, sampleFrequency: 3)
        let greedy = try SquashedGaussianPolicy(actor: actor, observationSpace: observationSpace, actionSpace: space, mode: .greedy)
        var generator = RandomGenerator(seed: 13)
        var replay = generator
        // The policy draws θ = σ ⊙ ε element by element; the actor takes ε and applies σ itself.
        func expectedNoise(_ g: inout RandomGenerator) -> Tensor {
            Tensor(shape: [8, 2], scalars: (0..<16).map { _ in g.normal() })
        }
        var noise = expectedNoise(&replay)
        var draws = 1
        for step in 0..<8 {
            if step == 3 || step == 5 {
                // sampleFrequency 3 at step 3; resampleNoise() before step 5.
                noise = expectedNoise(&replay)
                draws += 1
            }
            if step == 5 { sampling.resampleNoise() }
            let observation: [Float] = [Float(step) * 0.3 - 1, 0.5, Float(step % 3)]
            let timeStep = TimeStep(stepType: .mid, reward: 0, discount: 1, observation: .float32(observation, shape: [3]))
            let policyStep = try sampling.action(for: timeStep, state: nil, using: &generator)
            let (action, logProbability) = actor.stateDependentSample(Tensor(shape: [1, 3], scalars: observation), noise: noise)
            XCTAssertEqual(policyStep.action.floats[0], -3 + (action.scalars[0] + 1) * 3, accuracy: 1e-4, "step \(step)")
            XCTAssertEqual(policyStep.action.floats[1], -3 + (action.scalars[1] + 1) * 3, accuracy: 1e-4, "step \(step)")
            XCTAssertEqual(policyStep.info.logProbability ?? .nan, Double(logProbability.scalar), accuracy: 1e-3, "step \(step)")
        }
        XCTAssertEqual(draws, 3)
        let observation: [Float] = [0.2, -0.4, 1]
        let mean = actor.body(Tensor(shape: [1, 3], scalars: observation)).scalars
        let greedyAction = try greedy.action(for: .float32(observation, shape: [3]), using: &generator).floats
        for j in 0..<2 {
            XCTAssertEqual(greedyAction[j], -3 + (Float(tanh(Double(min(max(mean[j], -2), 2)))) + 1) * 3, accuracy: 1e-5)
        }
        XCTAssertThrowsError(try sampling.restoreNoise(.init(matrix: [1, 2], stepsSinceDraw: 0)))
    }
}
