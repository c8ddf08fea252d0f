/// Applies a function to every observation, reset ones included (Gymnasium's
/// `TransformObservation`, gymnasium/wrappers/transform_observation.py). Pass the space of the
/// transformed observations when the function changes it; nil keeps the wrapped space.
public final class TransformObservation: EnvironmentWrapper {
    public let wrapped: any Environment
    public let observationSpace: Space
    private let transform: (Observation) -> Observation

    public init(_ env: any Environment, observationSpace: Space? = nil, transform: @escaping (Observation) -> Observation) {
        wrapped = env
        self.observationSpace = observationSpace ?? env.observationSpace
        self.transform = transform
    }

    public func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        let (observation, info) = try wrapped.reset(seed: seed, options: options)
        return (transform(observation), info)
    }

    public func step(_ action: Action) throws -> Step {
        var result = try wrapped.step(action)
        result.observation = transform(result.observation)
        return result
    }
}
