/// Applies a function to every observation, reset ones included (Gymnasium's
/// `TransformObservation`, gymnasium/wrappers/transform_observation.py). Pass the space of the
/// transformed observations when the function changes it; nil keeps the wrapped space.
public final class TransformObservation: ObservationWrapper {
    public let wrapped: any Environment
    public let observationSpace: Space
    private let transform: (Observation) -> Observation

    public init(_ env: any Environment, observationSpace: Space? = nil, transform: @escaping (Observation) -> Observation) {
        wrapped = env
        self.observationSpace = observationSpace ?? env.observationSpace
        self.transform = transform
    }

    public func observation(_ observation: Observation) -> Observation { transform(observation) }
}
