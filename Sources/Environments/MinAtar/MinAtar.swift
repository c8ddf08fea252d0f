/// MinAtar registrations and defaults (pip `minatar` 1.0.15, `minatar/gym.py`).
///
/// Each game is registered twice, as the package does: `MinAtar/<Game>-v0` with all six
/// actions and `MinAtar/<Game>-v1` with the game's minimal action set. The package registers
/// no step limit and no reward threshold (Freeway ends itself after 2500 frames).
public enum MinAtar {
    /// The seed of the first reset when none is given.
    public static let defaultSeed: UInt64 = 0

    /// The pixels per cell side in rendered frames (the package's `rgb_array` is one pixel
    /// per cell; 16 makes frames and videos legible).
    public static let defaultRenderScale = 16

    /// Every MinAtar registration.
    public static var specs: [EnvironmentSpec] {
        MinAtarGame.allCases.flatMap { game in
            [false, true].map { minimal in
                EnvironmentSpec(
                    id: "MinAtar/\(game.gymName)-v\(minimal ? 1 : 0)", rewardThreshold: nil, maxEpisodeSteps: nil,
                    options: [
                        EnvironmentOptionSpec("sticky_action_prob", default: "0.1",
                                              help: "probability that the previous action repeats instead of the chosen one"),
                        EnvironmentOptionSpec("difficulty_ramping", default: "true",
                                              help: "speed the game up as it goes (SpaceInvaders, Asterix, Seaquest)"),
                    ],
                    summary: "MinAtar \(game.gymName), 10x10x\(game.channelCount) bytes, \(minimal ? "minimal action set" : "6 actions")"
                ) { options in
                    let sticky = try options.double("sticky_action_prob", default: 0.1)
                    guard sticky >= 0 && sticky <= 1 else {
                        throw EnvironmentError.invalidOption(id: options.id, option: "sticky_action_prob",
                                                             reason: "must lie in [0, 1], got \(sticky)")
                    }
                    return make(game, minimalActionSet: minimal, stickyActionProbability: sticky,
                                difficultyRamping: try options.bool("difficulty_ramping", default: true),
                                renderMode: try options.renderMode())
                }
            }
        }
    }

    /// Builds `game` (the options have the package's defaults).
    public static func make(_ game: MinAtarGame, minimalActionSet: Bool = false, stickyActionProbability: Double = 0.1,
                            difficultyRamping: Bool = true, renderMode: RenderMode? = nil) -> any Environment {
        switch game {
        case .breakout:
            return MinAtarBreakout(minimalActionSet: minimalActionSet, stickyActionProbability: stickyActionProbability,
                                   renderMode: renderMode)
        case .spaceInvaders:
            return MinAtarSpaceInvaders(minimalActionSet: minimalActionSet, stickyActionProbability: stickyActionProbability,
                                        difficultyRamping: difficultyRamping, renderMode: renderMode)
        case .freeway:
            return MinAtarFreeway(minimalActionSet: minimalActionSet, stickyActionProbability: stickyActionProbability,
                                  renderMode: renderMode)
        case .asterix:
            return MinAtarAsterix(minimalActionSet: minimalActionSet, stickyActionProbability: stickyActionProbability,
                                  difficultyRamping: difficultyRamping, renderMode: renderMode)
        case .seaquest:
            return MinAtarSeaquest(minimalActionSet: minimalActionSet, stickyActionProbability: stickyActionProbability,
                                   difficultyRamping: difficultyRamping, renderMode: renderMode)
        }
    }
}
