/// One logged point of a scalar series read back from event files.
public struct TensorBoardScalar: Sendable, Equatable {
    /// The training step.
    public var step: Int
    /// Seconds since 1970 when it was logged.
    public var wallTime: Double
    /// The value (TensorBoard stores scalars as 32-bit floats).
    public var value: Float

    /// A point with the given fields.
    public init(step: Int, wallTime: Double, value: Float) {
        self.step = step
        self.wallTime = wallTime
        self.value = value
    }
}
