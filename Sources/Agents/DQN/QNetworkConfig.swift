import Networks

/// A description of a Q-network in TF-Agents' vocabulary (`q_network.QNetwork`'s
/// `preprocessing_layers`, `conv_layer_params`, `fc_layer_params`, `dropout_layer_params`,
/// `activation_fn`), in camelCase, plus the dueling switch TF-Agents lacks.
///
/// The network it builds is: preprocessing, the convolutions (valid padding, as Keras'
/// `Conv2D` default that TF-Agents uses), a flatten when there were convolutions, the fully
/// connected layers (each followed by dropout when `dropoutRate > 0`), and a linear output
/// of one Q-value per action, or a ``DuelingHead`` when `dueling` is on.
///
/// ```swift
/// let config = QNetworkConfig.natureCNN            // Mnih et al. 2015, on 84x84x4 bytes
/// let q = try QNetwork(config: config, observationSpace: space, actionSpace: .discrete(4), generator: &g)
/// ```
public struct QNetworkConfig: Codable, Sendable, Equatable {
    /// What happens to observations before the first layer.
    public enum Preprocessing: String, Codable, Sendable, CaseIterable {
        /// Observations enter the network as their values (bytes as 0...255).
        case none
        /// Bytes are divided by 255 so pixels lie in [0, 1], as TF-Agents' Atari example
        /// (`tf.cast(x, tf.float32) / 255.`) and SB3's `normalize_images` do. Only for
        /// `uint8` observation spaces.
        case scaleBytes
    }

    /// One convolution: TF-Agents' `(filters, kernel_size, stride)` tuple.
    public struct ConvLayer: Codable, Sendable, Equatable {
        /// Number of output channels.
        public var filters: Int
        /// Square kernel side.
        public var kernelSize: Int
        /// Step in both directions.
        public var stride: Int

        /// A convolution of `filters` square kernels of side `kernelSize` moved `stride` pixels at a time.
        public init(filters: Int, kernelSize: Int, stride: Int = 1) {
            self.filters = filters
            self.kernelSize = kernelSize
            self.stride = stride
        }
    }

    /// How the value and advantage streams are combined, if at all.
    public enum Dueling: String, Codable, Sendable, CaseIterable {
        /// One linear layer of Q-values (the DQN of Mnih et al. 2015).
        case off
        /// Q = V + A − mean A: Wang et al. 2016's equation 9, which the paper uses.
        case mean
        /// Q = V + A − max A: Wang et al.'s equation 8, as in Géron's *Hands-On Machine
        /// Learning* (ch. 18).
        case max
    }

    /// Where the channel axis of image observations is.
    public enum InputLayout: String, Codable, Sendable, CaseIterable {
        /// `[height, width, channels]`, as Keras and TF-Agents read images (and MinAtar gives them).
        case channelsLast
        /// `[channels, height, width]`, as ``Environments/FrameStack`` stacks 2-D frames
        /// (`[4, 84, 84]`) and PyTorch reads images; the network moves the channels last
        /// (the Q-network itself, the actor-critics and REINFORCE with a ``Networks/ChannelsLast`` layer).
        case channelsFirst
    }

    /// What observations go through first.
    public var preprocessing: Preprocessing
    /// The axis order of image observations (only convolutions care).
    public var inputLayout: InputLayout
    /// Convolutions applied in order to `[height, width, channels]` observations.
    public var convLayerParams: [ConvLayer]
    /// Widths of the hidden fully connected layers.
    public var fcLayerParams: [Int]
    /// Activation after every convolution and hidden layer.
    public var activation: Activation
    /// Fraction of each hidden fully connected layer's outputs dropped while training
    /// (inverted dropout, Srivastava et al. 2014); 0 turns dropout off. TF-Agents takes one
    /// rate per layer; one rate for all covers its uses.
    public var dropoutRate: Float
    /// The output head.
    public var dueling: Dueling
    /// Initialisation of kernels (and of biases when it is `.torchDefault`, as PyTorch's
    /// layers do; other initialisers leave biases at zero, as Keras does).
    public var kernelInitializer: Initializer

    /// A network description; the defaults are TF-Agents' (one hidden layer of 75 units, as
    /// in its DQN tutorial, ReLU, no dropout, no dueling).
    public init(preprocessing: Preprocessing = .none, convLayerParams: [ConvLayer] = [], fcLayerParams: [Int] = [75],
                activation: Activation = .relu, dropoutRate: Float = 0, dueling: Dueling = .off,
                kernelInitializer: Initializer = .glorotUniform, inputLayout: InputLayout = .channelsLast) {
        self.preprocessing = preprocessing
        self.inputLayout = inputLayout
        self.convLayerParams = convLayerParams
        self.fcLayerParams = fcLayerParams
        self.activation = activation
        self.dropoutRate = dropoutRate
        self.dueling = dueling
        self.kernelInitializer = kernelInitializer
    }

    /// RL Zoo's tuned DQN network for CartPole-v1 (`net_arch=[256, 256]`), initialised like
    /// SB3's PyTorch layers.
    public static let rlZooCartPole = QNetworkConfig(fcLayerParams: [256, 256], kernelInitializer: .torchDefault)

    /// The MinAtar network (Young & Tian 2019): one convolution of 16 3x3 filters, stride 1,
    /// then 128 hidden units. MinAtar's observations are 0/1 grids, so nothing is rescaled.
    public static let minAtar = QNetworkConfig(convLayerParams: [ConvLayer(filters: 16, kernelSize: 3, stride: 1)],
                                               fcLayerParams: [128], kernelInitializer: .torchDefault)

    /// The Nature DQN network (Mnih et al. 2015): 32@8x8 stride 4, 64@4x4 stride 2,
    /// 64@3x3 stride 1, 512 hidden units, on 84x84x4 stacked byte frames scaled by 1/255.
    /// Set `inputLayout` to `.channelsFirst` for ``Environments/FrameStack``'s `[4, 84, 84]`
    /// (the `atari` DQN preset does).
    public static let natureCNN = QNetworkConfig(
        preprocessing: .scaleBytes,
        convLayerParams: [ConvLayer(filters: 32, kernelSize: 8, stride: 4), ConvLayer(filters: 64, kernelSize: 4, stride: 2),
                          ConvLayer(filters: 64, kernelSize: 3, stride: 1)],
        fcLayerParams: [512])

    enum CodingKeys: String, CodingKey {
        case preprocessing, inputLayout, convLayerParams, fcLayerParams, activation, dropoutRate, dueling, kernelInitializer
    }

    /// Missing keys take the defaults of ``init(preprocessing:convLayerParams:fcLayerParams:activation:dropoutRate:dueling:kernelInitializer:inputLayout:)``,
    /// so configurations written before a key existed still read.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = QNetworkConfig()
        preprocessing = try c.decodeIfPresent(Preprocessing.self, forKey: .preprocessing) ?? d.preprocessing
        inputLayout = try c.decodeIfPresent(InputLayout.self, forKey: .inputLayout) ?? d.inputLayout
        convLayerParams = try c.decodeIfPresent([ConvLayer].self, forKey: .convLayerParams) ?? d.convLayerParams
        fcLayerParams = try c.decodeIfPresent([Int].self, forKey: .fcLayerParams) ?? d.fcLayerParams
        activation = try c.decodeIfPresent(Activation.self, forKey: .activation) ?? d.activation
        dropoutRate = try c.decodeIfPresent(Float.self, forKey: .dropoutRate) ?? d.dropoutRate
        dueling = try c.decodeIfPresent(Dueling.self, forKey: .dueling) ?? d.dueling
        kernelInitializer = try c.decodeIfPresent(Initializer.self, forKey: .kernelInitializer) ?? d.kernelInitializer
    }

    /// The first problem with this description, or nil when it can be built: sizes must be
    /// positive and the dropout rate in [0, 1).
    public func validationError() -> String? {
        for (i, layer) in convLayerParams.enumerated()
        where layer.filters <= 0 || layer.kernelSize <= 0 || layer.stride <= 0 {
            return "convLayerParams[\(i)] = (filters: \(layer.filters), kernelSize: \(layer.kernelSize), stride: "
                + "\(layer.stride)) must have positive filters, kernel size and stride"
        }
        if let i = fcLayerParams.firstIndex(where: { $0 <= 0 }) {
            return "fcLayerParams[\(i)] = \(fcLayerParams[i]) must be a positive layer width"
        }
        if !(dropoutRate >= 0 && dropoutRate < 1) {
            return "dropoutRate \(dropoutRate) must be in [0, 1); use 0 to turn dropout off"
        }
        return nil
    }
}
