import Environments

/// An environment whose actions are MultiDiscrete, which the actor-critic agents cannot act in.
final class MultiDiscreteActions: Environment {
    let observationSpace: Space = .box(low: -1, high: 1, shape: [1])
    let actionSpace: Space = .multiDiscrete([2, 2])
    let id = "MultiDiscreteActions-v0"

    func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        (.float32([0], shape: [1]), Info())
    }

    func step(_ action: Action) throws -> Step {
        Step(observation: .float32([0], shape: [1]), reward: 0, terminated: true, truncated: false, info: Info())
    }

    func close() {}
}
