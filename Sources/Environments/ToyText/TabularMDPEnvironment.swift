/// Steps any ``TabularMDP``: observations are state indices (`Discrete(stateCount)`),
/// actions `Discrete(actionCount)`; an action that is in the space but not possible in the
/// current state throws ``EnvironmentError/invalidAction(id:reason:)`` naming the possible
/// ones. Episodes start from ``TabularMDP/initialStateDistribution`` and end on a terminating
/// outcome; a model without any (a continuing task) runs until a ``TimeLimit`` cuts it.
///
/// `info["prob"]` holds the probability of the sampled outcome, as Gymnasium's toy-text
/// environments report. The first reset without a seed uses seed 0.
///
/// Registered as `ThreeStateMDP-v0` (``ThreeStateMDP``) and `MarkovChain-v0` (``MarkovChain``);
/// also the way to step a model of your own.
public final class TabularMDPEnvironment: TabularEnvironment {
    public let id: String
    public let renderMode: RenderMode?
    public let observationSpace: Space
    public let actionSpace: Space
    private var core: TabularCore

    /// An environment stepping `mdp`. Throws when `renderMode` is not nil or `.ansi`.
    public init(mdp: TabularMDP, id: String, renderMode: RenderMode? = nil) throws {
        try TabularCore.checkRenderMode(renderMode, id: id)
        self.id = id
        self.renderMode = renderMode
        observationSpace = .discrete(mdp.stateCount)
        actionSpace = .discrete(mdp.actionCount)
        core = TabularCore(mdp: mdp, id: id)
    }

    public var mdp: TabularMDP { core.mdp }
    public var currentState: Int { core.state }

    public func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        core.reset(seed: seed)
    }

    public func step(_ action: Action) throws -> Step {
        try core.step(action)
    }

    public func setState(_ state: [Double]) throws { try core.setState(state) }

    /// Every state in a row with the current one in brackets, under the last action:
    /// `"  (action 2)\n 0 [1] 2\n"`.
    public func render() throws -> Frame {
        try core.checkRendering(mode: renderMode)
        let header = core.lastAction.map { "  (action \($0))\n" } ?? "\n"
        let states = (0..<core.mdp.stateCount).map { $0 == core.state ? "[\($0)]" : " \($0) " }.joined()
        return .text(header + states + "\n")
    }
}
