import Networks

/// The network and normalisation hyperparameters that ``A2CConfig`` and ``PPOConfig`` share
/// (flat, under SB3's names, so published settings carry over key for key), gathered into
/// the ``ActorCriticCore/NetworkSettings`` the core builds from.
public protocol ActorCriticNetworkOptions {
    var policyLayers: [Int] { get }
    var valueLayers: [Int] { get }
    var activation: Activation { get }
    var orthogonalInit: Bool { get }
    var logStdInit: Double { get }
    var normalizeObservation: Bool { get }
    var normalizeReward: Bool { get }
    var useSde: Bool { get }
    var sdeSampleFreq: Int { get }
    var convLayerParams: [QNetworkConfig.ConvLayer] { get }
    var shareTrunk: Bool { get }
    var inputLayout: QNetworkConfig.InputLayout { get }
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

extension A2CConfig: ActorCriticNetworkOptions {}
extension PPOConfig: ActorCriticNetworkOptions {}
