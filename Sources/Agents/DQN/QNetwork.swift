import Environments
import Networks
import Randomness
import Tensors

/// A Q-network (Mnih et al. 2015) built from a ``QNetworkConfig`` for an observation space
/// and a `Discrete(n)` action space: it maps a batch of observations to `[batch, n]`
/// action values, Q(s, a) for a = 0..<n (index i is the space's action `start + i`).
///
/// Observations enter as their raw values (a `uint8` image as bytes 0...255) and the
/// configured preprocessing is part of the network, as in TF-Agents, so a replay buffer can
/// keep bytes and hand them over unscaled. Discrete and multi-discrete observations are
/// one-hot encoded like ``ObservationEncoder`` does.
///
/// Two forward paths:
/// - ``qValues(_:)`` (and the `observations:`/`bytes:` forms): batched and differentiable,
///   for the loss;
/// - ``qValues(for:)`` and ``greedyActionIndex(for:)``: one observation through a
///   preallocated ``InferencePlan``, allocation-free, for acting. Not safe on two threads at
///   once: it writes the network's own buffers.
///
/// Parameters are named `body.layers.<i>.<weight|bias|filter>` (`…value/advantage…` for the
/// dueling head), so ``Module/copyWeights(from:)`` between two networks of the same config
/// is the hard target update and safetensors checkpoints carry over.
public final class QNetwork: Module {
    /// The description the network was built from.
    public let config: QNetworkConfig
    /// The space observations come from.
    public let observationSpace: Space
    /// The number of actions, the width of the output.
    public let actionCount: Int
    /// The shape of one observation as the network takes it (no batch axis): the
    /// observation space's shape (one-hot width for discrete spaces). With
    /// ``QNetworkConfig/InputLayout/channelsFirst`` it is `[channels, height, width]` and the
    /// network moves the channels last before its first convolution.
    public let inputShape: [Int]
    /// The factor observations are multiplied by before the first layer (1/255 with
    /// ``QNetworkConfig/Preprocessing/scaleBytes``, 1 otherwise).
    public let inputScale: Float
    /// Everything after the preprocessing: convolutions, flatten, dense layers, head.
    public let body: Sequential
    /// The dropout layers in `body`, in order (empty when `dropoutRate` is 0).
    public let dropoutLayers: [Dropout]

    private let encoder: ObservationEncoder
    private let plan: InferencePlan
    private let input: UnsafeMutablePointer<Float>
    /// `(channels, height, width)` when observations come channels first.
    private let channelsFirst: (c: Int, h: Int, w: Int)?
    /// The shape `body` reads: `inputShape`, with the channels moved last when they come first.
    private let bodyShape: [Int]
    /// Scratch for one observation before its channels move last (acting path).
    private let staging: UnsafeMutablePointer<Float>

    /// Builds the network with fresh weights drawn from `generator` (dropout masks get
    /// their own generator split from it). Throws when the action space is not discrete,
    /// when the configuration is invalid, or when it does not fit the observations
    /// (convolutions need `[height, width, channels]` observations large enough for them).
    public init(config: QNetworkConfig, observationSpace: Space, actionSpace: Space,
                generator: inout RandomGenerator) throws {
        guard case let .discrete(n, _) = actionSpace, n > 0 else {
            throw QNetworkError.unsupportedSpace("needs a Discrete action space, got \(actionSpace); "
                + "a Q-network outputs one value per action (use SAC or PPO for continuous actions)")
        }
        if let reason = config.validationError() { throw QNetworkError.invalidConfiguration(reason) }
        let encoder = ObservationEncoder(space: observationSpace)
        var isBytes = false
        if case .box(_, _, _, .uint8) = observationSpace { isBytes = true }
        if config.preprocessing == .scaleBytes && !isBytes {
            throw QNetworkError.invalidConfiguration("preprocessing scaleBytes divides bytes by 255, but observations "
                + "come from \(observationSpace); use preprocessing none")
        }
        var bodyShape = encoder.featureShape
        var channelsFirst: (c: Int, h: Int, w: Int)?
        if config.inputLayout == .channelsFirst && !config.convLayerParams.isEmpty {
            guard bodyShape.count == 3 else {
                throw QNetworkError.invalidConfiguration("inputLayout channelsFirst needs [channels, height, width] "
                    + "observations, got shape \(bodyShape); use channelsLast or reshape the observations")
            }
            channelsFirst = (bodyShape[0], bodyShape[1], bodyShape[2])
            bodyShape = [bodyShape[1], bodyShape[2], bodyShape[0]]
        }
        let layers = try Self.makeLayers(config: config, inputShape: bodyShape, actionCount: n, generator: &generator)
        self.config = config
        self.observationSpace = observationSpace
        self.encoder = encoder
        actionCount = n
        inputShape = encoder.featureShape
        inputScale = config.preprocessing == .scaleBytes ? 1 / 255 : 1
        body = Sequential(layers)
        dropoutLayers = layers.compactMap { $0 as? Dropout }
        self.channelsFirst = channelsFirst
        self.bodyShape = bodyShape
        plan = InferencePlan(body, inputShape: bodyShape, maxBatch: 1)
        input = .allocate(capacity: max(encoder.featureCount, 1))
        staging = .allocate(capacity: channelsFirst == nil ? 1 : encoder.featureCount)
    }

    deinit {
        input.deallocate()
        staging.deallocate()
    }

    /// The network's only child, `body`.
    public var children: [(name: String, module: any Module)] { [(name: "body", module: body)] }

    /// Whether dropout layers drop (training) or pass values through (evaluation, the
    /// default). Acting through ``qValues(for:)`` always evaluates.
    public var isTraining: Bool {
        get { dropoutLayers.first?.isTraining ?? false }
        set { for layer in dropoutLayers { layer.isTraining = newValue } }
    }

    // MARK: - Batched, differentiable

    /// Q-values `[batch, actionCount]` of observations `[batch] + inputShape` given as raw
    /// values (bytes as 0...255); differentiable with respect to the parameters.
    public func qValues(_ observations: Tensor) -> Tensor {
        precondition(observations.rank == inputShape.count + 1 && Array(observations.shape.dropFirst()) == inputShape,
                     "QNetwork.qValues: observations must be [batch] + \(inputShape), got \(observations.shape)")
        if channelsFirst != nil {
            let batch = observations.shape[0]
            var x = Tensor(uninitializedShape: [batch] + bodyShape)
            let scale = inputScale
            observations.withUnsafeBufferPointer { source in
                x.withUnsafeMutableBufferPointer { out in
                    moveChannelsLast(batch: batch, scale: scale, { source[$0] }, into: out.baseAddress!)
                }
            }
            return body(x)
        }
        return body(inputScale == 1 ? observations : observations * inputScale)
    }

    /// Q-values `[batch, actionCount]` of `batch` byte observations stored one after another
    /// (a replay buffer's `uint8` frames); the bytes are converted and scaled in one pass.
    public func qValues(bytes: UnsafeBufferPointer<UInt8>, batch: Int) -> Tensor {
        let per = Tensor.count(of: inputShape)
        precondition(batch > 0 && bytes.count == batch * per,
                     "QNetwork.qValues: \(bytes.count) bytes for \(batch) observations of \(inputShape)")
        var x = Tensor(uninitializedShape: [batch] + bodyShape)
        let scale = inputScale
        x.withUnsafeMutableBufferPointer { out in
            if channelsFirst != nil {
                moveChannelsLast(batch: batch, scale: scale, { Float(bytes[$0]) }, into: out.baseAddress!)
            } else {
                for i in 0..<bytes.count { out[i] = Float(bytes[i]) * scale }
            }
        }
        return body(x)
    }

    /// Q-values `[observations.count, actionCount]` of a list of observations. Throws when
    /// one does not belong to the observation space.
    public func qValues(observations: [Observation]) throws -> Tensor {
        precondition(!observations.isEmpty, "QNetwork.qValues: no observations")
        let per = encoder.featureCount
        var x = Tensor(uninitializedShape: [observations.count] + bodyShape)
        try x.withUnsafeMutableBufferPointer { out in
            for (i, observation) in observations.enumerated() { try encode(observation, into: out.baseAddress! + i * per) }
        }
        return body(x)
    }

    // MARK: - Acting

    /// The Q-values of one observation, computed on preallocated memory without recording
    /// or allocating. The buffer is valid until the next call on this network.
    public func qValues(for observation: Observation) throws -> UnsafeBufferPointer<Float> {
        try encode(observation, into: input)
        return plan.run(UnsafePointer(input), batch: 1)
    }

    /// The index (0..<actionCount) of the largest Q-value of `observation`, the first on
    /// ties: the greedy action. Allocation-free.
    public func greedyActionIndex(for observation: Observation) throws -> Int {
        InferencePlan.argmax(try qValues(for: observation))
    }

    // MARK: - Private

    /// Writes `batch` observations laid out `[c, h, w]` (element `i` read by `value(i)`) as
    /// `[h, w, c]`, times `scale`, at `destination`.
    private func moveChannelsLast(batch: Int, scale: Float, _ value: (Int) -> Float,
                                  into destination: UnsafeMutablePointer<Float>) {
        guard let (c, h, w) = channelsFirst else { return }
        let plane = h * w, per = c * plane
        for b in 0..<batch {
            let source = b * per
            let out = destination + b * per
            for channel in 0..<c {
                for pixel in 0..<plane { out[pixel * c + channel] = value(source + channel * plane + pixel) * scale }
            }
        }
    }

    /// Writes the network input of `observation`: bytes times `inputScale`, anything else as
    /// ``ObservationEncoder`` encodes it (its byte scaling is never used here); with the
    /// channels moved last when they come first.
    private func encode(_ observation: Observation, into destination: UnsafeMutablePointer<Float>) throws {
        guard channelsFirst != nil else { return try encodeAsGiven(observation, into: destination) }
        try encodeAsGiven(observation, into: staging)
        let staged = staging
        moveChannelsLast(batch: 1, scale: 1, { staged[$0] }, into: destination)
    }

    private func encodeAsGiven(_ observation: Observation, into destination: UnsafeMutablePointer<Float>) throws {
        if case .box(_, _, _, .uint8) = observationSpace {
            guard case let .uint8(values, _) = observation, values.count == encoder.featureCount else {
                throw QNetworkError.unsupportedSpace("observation \(observation.description.prefix(80)) of shape "
                    + "\(observation.shape) is not an element of \(observationSpace)")
            }
            let scale = inputScale
            values.withUnsafeBufferPointer { v in
                for i in 0..<v.count { destination[i] = Float(v[i]) * scale }
            }
        } else {
            try encoder.encode(observation, into: destination)
        }
    }

    private static func makeLayers(config: QNetworkConfig, inputShape: [Int], actionCount: Int,
                                   generator: inout RandomGenerator) throws -> [any Layer] {
        let weightInit = config.kernelInitializer
        let biasInit: Initializer = weightInit == .torchDefault ? .torchDefault : .zeros
        var (layers, shape): ([any Layer], [Int])
        do {
            (layers, shape) = try QNetworkConfig.ConvLayer.featureLayers(
                config.convLayerParams, inputShape: inputShape, activation: config.activation, weightInitializer: weightInit,
                biasInitializer: biasInit, generator: &generator)
        } catch {
            throw QNetworkError.invalidConfiguration(error.reason)
        }
        var dropoutGenerator = generator.split()
        for width in config.fcLayerParams {
            layers.append(Dense(inputSize: shape[0], outputSize: width, activation: config.activation,
                                weightInitializer: weightInit, biasInitializer: biasInit, generator: &generator))
            shape = [width]
            if config.dropoutRate > 0 {
                layers.append(Dropout(rate: config.dropoutRate, generator: dropoutGenerator.split()))
            }
        }
        switch config.dueling {
        case .off:
            layers.append(Dense(inputSize: shape[0], outputSize: actionCount, weightInitializer: weightInit,
                                biasInitializer: biasInit, generator: &generator))
        case .mean, .max:
            layers.append(DuelingHead(inputSize: shape[0], actionCount: actionCount,
                                      baseline: config.dueling == .mean ? .mean : .max,
                                      weightInitializer: weightInit, generator: &generator))
        }
        return layers
    }
}
