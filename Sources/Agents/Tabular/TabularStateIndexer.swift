import Environments

/// Numbers the observations and actions of an environment with finitely many of each, so a
/// learner can keep one table row per observation and one column per action.
///
/// A `Discrete(n, start)` observation `start + i` is row `i`, so for the toy-text worlds the
/// row is the state index (`currentState`). A `MultiDiscrete(nvec)` observation is read as a
/// mixed-radix number, the first component most significant (``AliasedGridWorld``'s four
/// wall bits become 0..<16, as its `index(of:)`). Actions must be `Discrete(n, start)`;
/// column `j` is action `start + j`.
public struct TabularStateIndexer: Sendable, Hashable {
    /// The largest table a learner may allocate (rows × columns), so that a mistaken
    /// environment with a huge MultiDiscrete space fails with a message instead of
    /// exhausting memory.
    public static let maximumEntries = 1 << 26

    /// The number of rows: distinct observations.
    public let stateCount: Int
    /// The number of columns: distinct actions.
    public let actionCount: Int
    /// The observation space it numbers.
    public let observationSpace: Space
    /// The first action's value (`start` of the Discrete action space).
    public let actionStart: Int

    /// An indexer for these spaces; throws ``TabularAgentError/notTabular(environment:reason:)``
    /// naming the space that is not finite or the table that would be too large.
    public init(observationSpace: Space, actionSpace: Space, environment: String = "the environment") throws {
        switch observationSpace {
        case let .discrete(n, _):
            stateCount = n
        case let .multiDiscrete(nvec):
            var product = 1
            for n in nvec {
                let (next, overflow) = product.multipliedReportingOverflow(by: n)
                guard !overflow, next <= Self.maximumEntries else {
                    throw TabularAgentError.notTabular(environment: environment, reason:
                        "its observation space \(observationSpace) has more than \(Self.maximumEntries) elements")
                }
                product = next
            }
            stateCount = product
        case .box:
            throw TabularAgentError.notTabular(environment: environment, reason:
                "its observation space is continuous (\(observationSpace)), and a table needs one row per observation")
        }
        guard case let .discrete(actions, start) = actionSpace else {
            throw TabularAgentError.notTabular(environment: environment, reason:
                "its action space is \(actionSpace), and a table needs Discrete actions")
        }
        guard stateCount > 0, actions > 0 else {
            throw TabularAgentError.notTabular(environment: environment, reason: "its spaces are empty")
        }
        let (entries, overflow) = stateCount.multipliedReportingOverflow(by: actions)
        guard !overflow, entries <= Self.maximumEntries else {
            throw TabularAgentError.notTabular(environment: environment, reason:
                "a table of \(stateCount) observations × \(actions) actions exceeds \(Self.maximumEntries) entries")
        }
        self.observationSpace = observationSpace
        actionCount = actions
        actionStart = start
    }

    /// An indexer for `environment`'s spaces.
    public init(environment: any Environment) throws {
        try self.init(observationSpace: environment.observationSpace, actionSpace: environment.actionSpace,
                      environment: environment.id)
    }

    /// The row of `observation`; throws ``PolicyError/unexpectedObservation(policy:reason:)``
    /// for a value outside the observation space.
    @inlinable
    public func index(of observation: Observation) throws -> Int {
        switch (observationSpace, observation) {
        case let (.discrete(n, start), .discrete(value)) where value >= start && value < start + n:
            return value - start
        case let (.multiDiscrete(nvec), .multiDiscrete(values)) where observationSpace.contains(observation):
            var index = 0
            for (value, n) in zip(values, nvec) { index = index * n + value }
            return index
        default:
            break
        }
        throw PolicyError.unexpectedObservation(policy: "tabular", reason:
            "\(observation) is not an element of the observation space \(observationSpace)")
    }

    /// The action of column `column`.
    @inlinable
    public func action(_ column: Int) -> Action { .discrete(actionStart + column) }

    /// The column of `action`; throws for an action outside the action space.
    @inlinable
    public func column(of action: Action) throws -> Int {
        if case let .discrete(value) = action, value >= actionStart, value < actionStart + actionCount {
            return value - actionStart
        }
        throw PolicyError.unexpectedObservation(policy: "tabular", reason:
            "\(action) is not an element of Discrete(\(actionCount), start: \(actionStart))")
    }
}
