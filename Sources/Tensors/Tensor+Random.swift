import Randomness

extension Tensor {
    /// Values drawn from N(mean, standardDeviation²) with `generator`.
    public static func randomNormal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
                                    generator: inout RandomGenerator) -> Tensor {
        var t = Tensor(uninitializedShape: shape)
        t.withUnsafeMutableBufferPointer { generator.fillNormal($0, mean: mean, standardDeviation: standardDeviation) }
        return t
    }

    /// Values drawn uniformly from [low, high) with `generator`.
    public static func randomUniform(_ shape: [Int], low: Float = 0, high: Float = 1,
                                     generator: inout RandomGenerator) -> Tensor {
        var t = Tensor(uninitializedShape: shape)
        t.withUnsafeMutableBufferPointer { generator.fillUniform($0, low: low, high: high) }
        return t
    }
}
