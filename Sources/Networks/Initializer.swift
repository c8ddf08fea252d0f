import Randomness
import Tensors

/// How a layer's parameters are first set.
///
/// Fan-in and fan-out follow Keras: for a dense layer the input and output sizes; for a
/// convolution kernel of shape [kh, kw, in, out], kh·kw·in and kh·kw·out.
public enum Initializer: Codable, Sendable, Equatable {
    /// U(−l, l) with l = √(6 / (fanIn + fanOut)) (Glorot & Bengio 2010; Keras' default).
    case glorotUniform
    /// U(−l, l) with l = √(6 / fanIn) (He et al. 2015), for ReLU layers.
    case heUniform
    /// A (semi-)orthogonal matrix times `gain` (Saxe et al. 2014); Stable-Baselines3 uses
    /// gain √2 for hidden layers, 0.01 for policy outputs and 1 for value outputs.
    case orthogonal(gain: Float)
    /// U(−1/√fanIn, 1/√fanIn): PyTorch's default for `nn.Linear` and `nn.Conv2d`.
    case torchDefault
    /// U(low, high).
    case uniform(low: Float, high: Float)
    /// N(mean, standardDeviation²).
    case normal(mean: Float, standardDeviation: Float)
    /// Every value equal to `value`.
    case constant(Float)
    /// All zeros.
    case zeros

    /// A tensor of `shape` drawn from this initializer.
    public func tensor(shape: [Int], fanIn: Int, fanOut: Int, generator: inout RandomGenerator) -> Tensor {
        var t = Tensor(repeating: 0, shape: shape)
        t.withUnsafeMutableBufferPointer { buffer in
            switch self {
            case .glorotUniform:
                let limit = (6 / Float(fanIn + fanOut)).squareRoot()
                generator.fillUniform(buffer, low: -limit, high: limit)
            case .heUniform:
                let limit = (6 / Float(fanIn)).squareRoot()
                generator.fillUniform(buffer, low: -limit, high: limit)
            case .torchDefault:
                let limit = 1 / Float(fanIn).squareRoot()
                generator.fillUniform(buffer, low: -limit, high: limit)
            case let .uniform(low, high):
                generator.fillUniform(buffer, low: low, high: high)
            case let .normal(mean, standardDeviation):
                generator.fillNormal(buffer, mean: mean, standardDeviation: standardDeviation)
            case let .constant(value):
                buffer.update(repeating: value)
            case .zeros:
                break
            case let .orthogonal(gain):
                let columns = shape.last ?? 1
                let rows = buffer.count / max(columns, 1)
                Initializer.fillOrthogonal(buffer, rows: rows, columns: columns, gain: gain, generator: &generator)
            }
        }
        return t
    }

    /// Fills a rows × columns matrix so that its rows (when rows ≤ columns) or its columns
    /// are orthonormal, scaled by `gain`: QR of a Gaussian matrix with the signs fixed so the
    /// result is uniformly distributed, as PyTorch's `orthogonal_` does.
    static func fillOrthogonal(_ out: UnsafeMutableBufferPointer<Float>, rows: Int, columns: Int, gain: Float,
                               generator: inout RandomGenerator) {
        guard rows > 0 && columns > 0 else { return }
        // Work on a tall matrix (n ≥ m) and orthonormalise its m columns.
        let transpose = rows < columns
        let n = transpose ? columns : rows, m = transpose ? rows : columns
        var a = [Double](repeating: 0, count: n * m)   // column-major: column j at a[j*n ..< (j+1)*n]
        for i in 0..<(n * m) { a[i] = generator.normalDouble() }
        // Modified Gram–Schmidt; the diagonal of R comes out positive, which is exactly the
        // sign correction of the QR-based construction.
        for j in 0..<m {
            for p in 0..<j {
                var dot = 0.0
                for i in 0..<n { dot += a[p * n + i] * a[j * n + i] }
                for i in 0..<n { a[j * n + i] -= dot * a[p * n + i] }
            }
            var norm = 0.0
            for i in 0..<n { norm += a[j * n + i] * a[j * n + i] }
            norm = norm.squareRoot()
            for i in 0..<n { a[j * n + i] /= max(norm, 1e-12) }
        }
        for r in 0..<rows {
            for c in 0..<columns {
                // Element (r, c) of the tall n × m matrix Q, or of Qᵀ when transposed.
                let value = transpose ? a[r * n + c] : a[c * n + r]
                out[r * columns + c] = gain * Float(value)
            }
        }
    }
}
