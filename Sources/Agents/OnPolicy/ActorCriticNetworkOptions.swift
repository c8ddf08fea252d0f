import Networks

/// The network and normalisation hyperparameters that ``A2CConfig`` and ``PPOConfig`` share
/// (flat, under SB3's names, so published settings carry over key for key), gathered into
/// the ``ActorCriticCore/NetworkSettings`` the core builds from.
public protocol ActorCriticNetworkOptions {
    var policyLayers: [Int] { get set }
    var valueLayers: [Int] { get set }
    var activation: Activation { get set }
    var orthogonalInit: Bool { get }
    var logStdInit: Double { get }
    var normalizeObservation: Bool { get }
    var normalizeReward: Bool { get }
    var useSde: Bool { get }
    var sdeSampleFreq: Int { get }
    var convLayerParams: [QNetworkConfig.ConvLayer] { get set }
    var shareTrunk: Bool { get set }
    var inputLayout: QNetworkConfig.InputLayout { get set }
}

extension ActorCriticNetworkOptions {
    /// The settings ``ActorCriticCore`` builds its networks and normalisation from.
    public var networkSettings: ActorCriticCore.NetworkSettings {
        .init(policyLayers: policyLayers, valueLayers: valueLayers, activation: activation, orthogonalInit: orthogonalInit,
              logStdInit: Float(logStdInit), normalizeObservation: normalizeObservation, normalizeReward: normalizeReward,
              useSde: useSde, sdeSampleFreq: sdeSampleFreq, convLayerParams: convLayerParams, shareTrunk: shareTrunk,
              inputLayout: inputLayout)
    }
}

extension ActorCriticNetworkOptions {
    /// The Nature CNN (Mnih et al. 2015) as one trunk shared by a 512-unit ReLU policy head
    /// and value head, reading `[4, 84, 84]` frame stacks: SB3's `CnnPolicy`, which RL Zoo's
    /// Atari settings use.
    public mutating func useNatureCNNTrunk() {
        convLayerParams = QNetworkConfig.natureCNN.convLayerParams
        policyLayers = [512]
        valueLayers = [512]
        activation = .relu
        shareTrunk = true
        inputLayout = .channelsFirst
    }
}

extension A2CConfig: ActorCriticNetworkOptions {}
extension PPOConfig: ActorCriticNetworkOptions {}
