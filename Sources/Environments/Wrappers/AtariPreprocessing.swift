import Randomness

/// The Atari preprocessing of Machado et al. (2018) as Gymnasium's `AtariPreprocessing`
/// (gymnasium/wrappers/atari_preprocessing.py) does it: no-op starts, frame skipping with a
/// max over the last two frames, grayscale, an INTER_AREA resize to `screenSize`², optional
/// termination on life loss and optional scaling to [0, 1]. Frame stacking is separate
/// (``FrameStack``).
///
/// The wrapped environment must:
/// - observe uint8 RGB frames `[height, width, 3]` (ALE's screen) and step one frame at a time
///   (for ALE: `frameskip=1`, else frames are skipped twice);
/// - have a `Discrete` action space whose action 0 is NOOP when `noopMax > 0`;
/// - report the remaining lives as `info["lives"]` (an int, as ALE's info does) when
///   `terminalOnLifeLoss` is on; Gymnasium reads `ale.lives()` directly.
///
/// Differences from Gymnasium, none of which changes an observation: frames come from the
/// observations rather than `ale.getScreenRGB`, and grayscale is computed from them with
/// ALE's own palette formula (``ImageProcessing/aleGrayscale(red:green:blue:)``), which gives
/// `ale.getScreenGrayscale`'s bytes; the number of no-ops is drawn from this wrapper's
/// generator (seeded by `reset(seed:)`, seed 0 until then) rather than the environment's
/// NumPy generator, so it differs from Gymnasium's for the same seed.
///
/// Quirks kept from Gymnasium: when the episode ends inside a frame skip, the frames of the
/// interrupted skip are not captured, so the last observation repeats (part of) the previous
/// one; reset pools the reset frame with a zero frame.
public final class AtariPreprocessing: EnvironmentWrapper {
    public let wrapped: any Environment
    /// The most no-ops taken after reset (a uniform count in 1...noopMax); 0 turns them off.
    public let noopMax: Int
    /// Frames per step.
    public let frameSkip: Int
    /// The side of the square output frame.
    public let screenSize: Int
    /// Whether losing a life ends the episode (`terminated`).
    public let terminalOnLifeLoss: Bool
    /// Whether frames are converted to grayscale.
    public let grayscaleObservation: Bool
    /// Whether grayscale frames keep a channel axis of 1 (`[84, 84, 1]`).
    public let grayscaleNewAxis: Bool
    /// Whether observations are float32 in [0, 1] instead of bytes.
    public let scaleObservation: Bool
    public let observationSpace: Space
    /// Whether the last step ended the game (with `terminalOnLifeLoss`: lost a life).
    public private(set) var gameOver = false
    /// The lives at the last step, when the environment reports them.
    public private(set) var lives = 0
    private let sourceHeight: Int
    private let sourceWidth: Int
    private var buffers: [[UInt8]]
    private var random = RandomGenerator(seed: 0)

    public init(_ env: any Environment, noopMax: Int = 30, frameSkip: Int = 4, screenSize: Int = 84,
                terminalOnLifeLoss: Bool = false, grayscaleObservation: Bool = true, grayscaleNewAxis: Bool = false,
                scaleObservation: Bool = false) {
        guard case let .box(_, _, shape, .uint8) = env.observationSpace, shape.count == 3, shape[2] == 3 else {
            preconditionFailure("AtariPreprocessing needs uint8 RGB observations [height, width, 3], \(env.id) has \(env.observationSpace)")
        }
        precondition(frameSkip > 0, "AtariPreprocessing: frameSkip must be positive, got \(frameSkip)")
        precondition(noopMax >= 0, "AtariPreprocessing: noopMax must be non-negative, got \(noopMax)")
        precondition(screenSize > 0 && screenSize <= shape[0] && screenSize <= shape[1],
                     "AtariPreprocessing: screenSize must lie in 1...\(min(shape[0], shape[1])) (frames are only shrunk), got \(screenSize)")
        if noopMax > 0 {
            precondition(env.actionSpace.contains(.discrete(0)),
                         "AtariPreprocessing: no-op starts step action 0 (NOOP), which \(env.id)'s action space \(env.actionSpace) lacks; pass noopMax: 0")
        }
        wrapped = env
        self.noopMax = noopMax
        self.frameSkip = frameSkip
        self.screenSize = screenSize
        self.terminalOnLifeLoss = terminalOnLifeLoss
        self.grayscaleObservation = grayscaleObservation
        self.grayscaleNewAxis = grayscaleNewAxis
        self.scaleObservation = scaleObservation
        sourceHeight = shape[0]
        sourceWidth = shape[1]
        let frameBytes = shape[0] * shape[1] * (grayscaleObservation ? 1 : 3)
        buffers = [Array(repeating: 0, count: frameBytes), Array(repeating: 0, count: frameBytes)]
        var outputShape = [screenSize, screenSize]
        if !grayscaleObservation { outputShape.append(3) } else if grayscaleNewAxis { outputShape.append(1) }
        observationSpace = scaleObservation
            ? .box(low: 0, high: 1, shape: outputShape)
            : .box(low: 0, high: 255, shape: outputShape, scalarType: .uint8)
    }

    public func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        var (observation, info) = try wrapped.reset(seed: seed, options: options)
        if let seed { random = RandomGenerator(seed: seed) }
        let noops = noopMax > 0 ? 1 + random.int(below: noopMax) : 0
        for _ in 0..<noops {
            let result = try wrapped.step(.discrete(0))
            observation = result.observation
            info.values.merge(result.info.values) { _, new in new }
            if result.isDone { (observation, info) = try wrapped.reset(seed: seed, options: options) }
        }
        if let current = try reportedLives(info) { lives = current }
        gameOver = false
        try capture(observation, into: 0)
        for i in 0..<buffers[1].count { buffers[1][i] = 0 }
        return (pooledObservation(), info)
    }

    public func step(_ action: Action) throws -> Step {
        if frameSkip > 1, !terminalOnLifeLoss, let repeating = wrapped as? any RepeatedStepping {
            return try step(action, repeatingIn: repeating)
        }
        var total = 0.0, terminated = false, truncated = false
        var info = Info()
        for t in 0..<frameSkip {
            let result = try wrapped.step(action)
            total += result.reward
            terminated = result.terminated
            truncated = result.truncated
            info = result.info
            gameOver = terminated
            if terminalOnLifeLoss, let newLives = try reportedLives(info) {
                terminated = terminated || newLives < lives
                gameOver = terminated
                lives = newLives
            }
            if terminated || truncated { break }
            if t == frameSkip - 2 {
                try capture(result.observation, into: 1)
            } else if t == frameSkip - 1 {
                try capture(result.observation, into: 0)
            }
        }
        return Step(observation: pooledObservation(), reward: total, terminated: terminated, truncated: truncated, info: info)
    }

    /// The frame skip in one call to an environment that can repeat an action itself (the
    /// Gymnasium bridge): the same rewards, summed in the same order, the same captures and
    /// flags as the loop above. Life-loss termination checks lives after every frame, so it
    /// keeps the loop.
    private func step(_ action: Action, repeatingIn environment: any RepeatedStepping) throws -> Step {
        let result = try environment.step(action, repeating: frameSkip, keepingObservationsAt: [frameSkip - 2, frameSkip - 1])
        var total = 0.0
        for reward in result.rewards { total += reward }
        let taken = result.rewards.count
        let ended = result.terminated || result.truncated
        gameOver = result.terminated
        // The loop captures after frames k-2 and k-1 unless that frame ended the episode.
        for (t, index) in [(frameSkip - 2, 1), (frameSkip - 1, 0)] where t < taken && !(ended && t == taken - 1) {
            guard let observation = result.observations[t] else {
                throw EnvironmentError.invalidState(id: id, reason: "the environment kept no observation after repeated step \(t)")
            }
            try capture(observation, into: index)
        }
        return Step(observation: pooledObservation(), reward: total, terminated: result.terminated, truncated: result.truncated,
                    info: result.info)
    }

    /// `info["lives"]`; throws when life-loss termination needs it and it is missing.
    private func reportedLives(_ info: Info) throws -> Int? {
        if case let .int(value)? = info["lives"] { return value }
        if case let .double(value)? = info["lives"] { return Int(value) }
        if terminalOnLifeLoss {
            throw EnvironmentError.invalidOption(
                id: id, option: "terminal_on_life_loss",
                reason: "the wrapped environment reports no info[\"lives\"]; report the remaining lives as an int in every reset and step info, or turn terminalOnLifeLoss off")
        }
        return nil
    }

    private func capture(_ observation: Observation, into index: Int) throws {
        guard case let .uint8(pixels, shape) = observation, shape == [sourceHeight, sourceWidth, 3] else {
            throw EnvironmentError.invalidState(id: id, reason: "AtariPreprocessing got \(observation), expected uint8 RGB frames of shape \([sourceHeight, sourceWidth, 3])")
        }
        if grayscaleObservation {
            ImageProcessing.aleGrayscale(rgb: pixels, into: &buffers[index])
        } else {
            buffers[index] = pixels
        }
    }

    private func pooledObservation() -> Observation {
        if frameSkip > 1 {
            for i in 0..<buffers[0].count { buffers[0][i] = max(buffers[0][i], buffers[1][i]) }
        }
        let channels = grayscaleObservation ? 1 : 3
        let resized = ImageProcessing.resizeArea(buffers[0], height: sourceHeight, width: sourceWidth, channels: channels,
                                                 toHeight: screenSize, toWidth: screenSize)
        let shape = observationSpace.shape
        return scaleObservation ? .float32(resized.map { Float($0) / 255 }, shape: shape) : .uint8(resized, shape: shape)
    }
}
