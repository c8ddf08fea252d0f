/// Normalizes each observation element to roughly zero mean and unit variance with running
/// statistics (Gymnasium's `NormalizeObservation`, gymnasium/wrappers/stateful_observation.py):
/// `(obs - mean) / sqrt(var + epsilon)`, the statistics updated with every observation
/// (reset ones included) while ``updateRunningMean`` is true.
///
/// Observations become float32 with an unbounded box of the same shape. Gymnasium keeps the
/// statistics in the observation's dtype (float32); these are float64, which drifts less over
/// millions of updates and agrees with Gymnasium to about 1e-6 relative.
public final class NormalizeObservation: ObservationWrapper {
    public let wrapped: any Environment
    /// Added to the variance before the square root.
    public let epsilon: Double
    /// Whether observations update the statistics; set false to freeze them for evaluation.
    public var updateRunningMean = true
    /// The running statistics (Gymnasium's `obs_rms`); assign saved ones to restore them.
    public var obsRMS: RunningMeanStd {
        didSet {
            precondition(obsRMS.mean.count == elementCount,
                         "NormalizeObservation: statistics of \(obsRMS.mean.count) elements for observations of \(elementCount)")
        }
    }
    private let shape: [Int]
    private let elementCount: Int
    private var normalized: [Float]

    /// Wraps an environment with a box observation space (float32 or uint8).
    public init(_ env: any Environment, epsilon: Double = 1e-8) {
        guard case let .box(_, _, shape, _) = env.observationSpace else {
            preconditionFailure("NormalizeObservation needs a Box observation space, \(env.id) has \(env.observationSpace)")
        }
        precondition(epsilon > 0, "NormalizeObservation: epsilon must be positive, got \(epsilon)")
        wrapped = env
        self.epsilon = epsilon
        self.shape = shape
        elementCount = shape.reduce(1, *)
        obsRMS = RunningMeanStd(count: elementCount)
        normalized = Array(repeating: 0, count: elementCount)
    }

    public var observationSpace: Space { .box(low: -.infinity, high: .infinity, shape: shape) }

    /// The observation standardised, after updating the statistics with it (when ``updateRunningMean``).
    public func observation(_ observation: Observation) throws -> Observation {
        let values = observation.floats
        guard values.count == elementCount else {
            throw EnvironmentError.invalidState(id: id, reason: "NormalizeObservation got \(values.count) values for an observation space of shape \(shape)")
        }
        if updateRunningMean { obsRMS.update(values) }
        for i in 0..<elementCount {
            normalized[i] = Float((Double(values[i]) - obsRMS.mean[i]) / (obsRMS.variance[i] + epsilon).squareRoot())
        }
        return .float32(normalized, shape: shape)
    }
}
