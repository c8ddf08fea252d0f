/// The five games of MinAtar (Young & Tian 2019, "MinAtar: An Atari-Inspired Testbed for
/// Thorough and Reproducible Reinforcement Learning Experiments"), as in pip `minatar` 1.0.15.
public enum MinAtarGame: String, CaseIterable, Sendable {
    /// Pick up gold, dodge enemies (``MinAtarAsterix``).
    case asterix
    /// Break bricks with a ball (``MinAtarBreakout``).
    case breakout
    /// Cross eight lanes of traffic (``MinAtarFreeway``).
    case freeway
    /// Shoot, rescue divers, surface for oxygen (``MinAtarSeaquest``).
    case seaquest
    /// Shoot the descending aliens (``MinAtarSpaceInvaders``).
    case spaceInvaders

    /// The name in the package's Gymnasium ids (`MinAtar/SpaceInvaders-v1`).
    public var gymName: String {
        switch self {
        case .asterix: return "Asterix"
        case .breakout: return "Breakout"
        case .freeway: return "Freeway"
        case .seaquest: return "Seaquest"
        case .spaceInvaders: return "SpaceInvaders"
        }
    }

    /// The observation channels, in the package's order (the last axis of the observation).
    public var channelNames: [String] {
        switch self {
        case .asterix: return ["player", "enemy", "trail", "gold"]
        case .breakout: return ["paddle", "ball", "trail", "brick"]
        case .freeway: return ["chicken", "car", "speed1", "speed2", "speed3", "speed4", "speed5"]
        case .seaquest:
            return ["sub_front", "sub_back", "friendly_bullet", "trail", "enemy_bullet", "enemy_fish",
                    "enemy_sub", "oxygen_guage", "diver_guage", "diver"]
        case .spaceInvaders:
            return ["cannon", "alien", "alien_left", "alien_right", "friendly_bullet", "enemy_bullet"]
        }
    }

    /// The number of observation channels.
    public var channelCount: Int { channelNames.count }

    /// The game actions that do something in this game, in the package's order
    /// (`minimal_action_set()`): the action set of the `-v1` ids. Game actions are
    /// 0 no-op, 1 left, 2 up, 3 right, 4 down, 5 fire, the package's `action_map`.
    public var minimalActionSet: [Int] {
        switch self {
        case .asterix: return [0, 1, 2, 3, 4]
        case .breakout: return [0, 1, 3]
        case .freeway: return [0, 2, 4]
        case .seaquest: return [0, 1, 2, 3, 4, 5]
        case .spaceInvaders: return [0, 1, 3, 5]
        }
    }

    /// The colour of each channel when rendered, as bytes: seaborn's `cubehelix` palette with
    /// `channelCount` colours, which the package's `display_state` and `rgb_array` render use
    /// (the values below are `round(255 * sns.color_palette("cubehelix", n))`). Where several
    /// channels are on in a cell, the highest channel wins, as `np.amax` there picks it.
    public var palette: [(red: UInt8, green: UInt8, blue: UInt8)] {
        switch channelCount {
        case 4: return [(22, 61, 78), (84, 121, 47), (208, 126, 147), (193, 202, 243)]
        case 6: return [(26, 36, 65), (27, 97, 69), (105, 123, 48), (200, 123, 124), (205, 162, 224), (198, 225, 241)]
        case 7: return [(27, 30, 59), (22, 83, 76), (68, 119, 49), (161, 121, 74), (212, 132, 169), (198, 180, 238), (203, 232, 240)]
        default:
            return [(25, 18, 43), (23, 52, 76), (24, 91, 72), (60, 118, 50), (126, 122, 54), (188, 121, 103),
                    (212, 134, 175), (202, 169, 231), (194, 210, 243), (214, 240, 239)]
        }
    }
}
