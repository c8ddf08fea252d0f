/// An environment with finitely many states whose complete model is public: planners read
/// ``mdp`` (Gymnasium's `env.unwrapped.P`), learners step it like any environment.
///
/// The physical ``StatefulEnvironment/state`` is the one-element array `[currentState]`,
/// so `setState([5])` teleports the agent to state 5 (Gymnasium: `env.unwrapped.s = 5`)
/// and the next step starts from it, even after the episode ended.
public protocol TabularEnvironment: StatefulEnvironment, LegalActionsEnvironment {
    /// The model the environment samples its steps from.
    var mdp: TabularMDP { get }
    /// The index of the current state (Gymnasium's `env.unwrapped.s`). The observation is
    /// this index, except where an environment documents otherwise (``AliasedGridWorld``
    /// observes only the walls around it).
    var currentState: Int { get }
}

extension TabularEnvironment {
    public var state: [Double] { [Double(currentState)] }
}

extension TabularEnvironment {
    /// The actions possible in the current state, from the model.
    public var legalActions: [Action] { mdp.possibleActions(in: currentState).map { .discrete($0) } }
}
