/// The runs of one configuration (usually one per seed), drawn as one line with a legend entry.
public struct LearningCurveSeries: Sendable, Equatable {
    /// The legend entry, e.g. "PPO CartPole-v1".
    public var label: String
    /// The runs; several are drawn as their mean with a band across them.
    public var runs: [LearningCurveRun]

    /// A series named `label`.
    public init(label: String, runs: [LearningCurveRun]) {
        self.label = label
        self.runs = runs
    }
}
