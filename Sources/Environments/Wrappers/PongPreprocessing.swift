/// The preprocessing of Karpathy's "Pong from Pixels" policy gradient (`prepro` in his
/// `pg-pong.py`): on ALE's `[210, 160, 3]` RGB screen it keeps rows 35..<195 (the court,
/// without the score), every other row and column of the red channel
/// (`I[35:195][::2, ::2, 0]`), erases Pong's two background colours (red 144 and 109) and sets
/// everything left (paddles, ball) to 1.
///
/// Observations become float32 0/1 frames of shape `[80, 80, 1]`: height, width and one
/// channel last, the layout convolutions read (``FrameStack``-free, unlike the standard
/// pipeline's `[4, 84, 84]`). Karpathy flattens the frame for his MLP; an MLP policy reads
/// this shape flattened just the same. Wrap the result in ``FrameDifference`` for his
/// `cur_x - prev_x`, which makes the ball's motion visible to a feed-forward policy.
///
/// The background colours are Pong's; on another game the frame is binarised around its own
/// colours, which is rarely useful. Frames are not skipped here: the wrapped environment's own
/// frame skip (ALE v5's 4, `Pong-v4`'s random 2–4) applies, as in the original.
public final class PongPreprocessing: ObservationWrapper {
    public let wrapped: any Environment
    public let observationSpace: Space = .box(low: 0, high: 1, shape: PongPreprocessing.outputShape)

    /// ALE's screen, the only input this preprocessing is defined on.
    public static let inputShape = [210, 160, 3]
    /// `[80, 80, 1]`: rows 35..<195 and all 160 columns, halved in both directions.
    public static let outputShape = [80, 80, 1]
    /// The first and one-past-last rows kept.
    static let rows = 35..<195

    /// Wraps an environment with ALE's uint8 RGB screen `[210, 160, 3]` as observations.
    public init(_ env: any Environment) {
        guard case let .box(_, _, shape, .uint8) = env.observationSpace, shape == Self.inputShape else {
            preconditionFailure("PongPreprocessing needs ALE's uint8 RGB screen \(Self.inputShape), \(env.id) has \(env.observationSpace)")
        }
        wrapped = env
    }

    /// Karpathy's `prepro` of one screen.
    public func observation(_ observation: Observation) throws -> Observation {
        guard case let .uint8(pixels, shape) = observation, shape == Self.inputShape else {
            throw EnvironmentError.invalidState(id: id, reason: "PongPreprocessing got \(observation), expected uint8 RGB frames of shape \(Self.inputShape)")
        }
        return .float32(Self.binarisedCourt(pixels), shape: Self.outputShape)
    }

    /// Rows 35, 37, …, 193 and columns 0, 2, …, 158 of the red channel, background 0, the rest 1.
    static func binarisedCourt(_ pixels: [UInt8]) -> [Float] {
        let width = inputShape[1], channels = inputShape[2]
        var frame = [Float](repeating: 0, count: outputShape[0] * outputShape[1])
        pixels.withUnsafeBufferPointer { source in
            frame.withUnsafeMutableBufferPointer { out in
                var i = 0
                for row in stride(from: rows.lowerBound, to: rows.upperBound, by: 2) {
                    for column in stride(from: 0, to: width, by: 2) {
                        let red = source[(row * width + column) * channels]
                        // 144 and 109: Pong's two background reds (Karpathy's "background type 1" and "2").
                        out[i] = red == 0 || red == 144 || red == 109 ? 0 : 1
                        i += 1
                    }
                }
            }
        }
        return frame
    }
}
