extension RandomGenerator {
    /// Fills `buffer` with floats uniformly distributed in [`low`, `high`), one draw each.
    ///
    /// Takes a buffer rather than returning an array so network initialisers can write weights
    /// straight into tensor storage without an intermediate copy.
    ///
    /// - Precondition: `low < high` and the width is finite.
    public mutating func fillUniform(
        _ buffer: UnsafeMutableBufferPointer<Float>, low: Float = 0, high: Float = 1
    ) {
        let width = high - low
        precondition(width > 0 && width.isFinite, "fillUniform needs low < high, both finite")
        let largest = high.nextDown
        for index in buffer.indices {
            let x = low + width * uniformFloat()
            buffer[index] = x < high ? x : largest
        }
    }

    /// Fills `buffer` with normal samples of the given mean and standard deviation.
    ///
    /// Uses both outputs of each Box–Muller pair, so it costs one draw per element; the values
    /// therefore differ from calling ``normal(mean:standardDeviation:)`` in a loop, which
    /// discards the second output to stay cache-free.
    ///
    /// - Precondition: `standardDeviation >= 0`.
    public mutating func fillNormal(
        _ buffer: UnsafeMutableBufferPointer<Float>, mean: Float = 0, standardDeviation: Float = 1
    ) {
        precondition(standardDeviation >= 0, "fillNormal needs a non-negative standard deviation")
        let mean = Double(mean)
        let scale = Double(standardDeviation)
        var index = buffer.startIndex
        while index + 1 < buffer.endIndex {
            let (a, b) = standardNormalPair()
            buffer[index] = Float(mean + scale * a)
            buffer[index + 1] = Float(mean + scale * b)
            index += 2
        }
        if index < buffer.endIndex {
            buffer[index] = Float(mean + scale * standardNormalPair().0)
        }
    }
}
