import Randomness
import Tensors

/// The dueling architecture's head (Wang et al. 2016): separate value and advantage
/// streams combined into Q-values, Q(s,a) = V(s) + A(s,a) − baseline(A(s,·)).
public final class DuelingHead: Layer {
    /// What is subtracted from the advantages so V and A are identifiable.
    public enum Baseline: String, Codable, Sendable {
        /// The mean advantage, as the paper recommends for stability (its equation 9).
        case mean
        /// The largest advantage (the paper's equation 8, and the textbook's variant).
        case max
    }

    public let value: Dense
    public let advantage: Dense
    public let baseline: Baseline
    public var actionCount: Int { advantage.outputSize }
    private var scratch: UnsafeMutablePointer<Float>?
    private var scratchCapacity = 0

    /// A head reading `inputSize` features and producing `actionCount` Q-values.
    public init(inputSize: Int, actionCount: Int, baseline: Baseline = .mean,
                weightInitializer: Initializer = .glorotUniform, generator: inout RandomGenerator) {
        value = Dense(inputSize: inputSize, outputSize: 1, weightInitializer: weightInitializer, generator: &generator)
        advantage = Dense(inputSize: inputSize, outputSize: actionCount, weightInitializer: weightInitializer, generator: &generator)
        self.baseline = baseline
    }

    deinit { scratch?.deallocate() }

    public var children: [(name: String, module: any Module)] {
        [(name: "value", module: value), (name: "advantage", module: advantage)]
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        let v = value(input), a = advantage(input)
        let centre = baseline == .mean ? a.mean(alongAxis: -1, keepDims: true) : a.max(alongAxes: [-1], keepDims: true)
        return v + (a - centre)
    }

    public func outputShape(for inputShape: [Int]) -> [Int] {
        Array(inputShape.dropLast()) + [actionCount]
    }

    /// Acting path. Not safe to call from two threads at once on the same head: the value
    /// stream writes into a buffer the head owns.
    public func infer(_ input: UnsafePointer<Float>, batch: Int, inputShape: [Int], into output: UnsafeMutablePointer<Float>) {
        let rows = batch * Tensor.count(of: inputShape) / value.inputSize
        if rows > scratchCapacity {
            scratch?.deallocate()
            scratch = .allocate(capacity: rows)
            scratchCapacity = rows
        }
        let v = scratch!
        value.infer(input, batch: batch, inputShape: inputShape, into: v)
        advantage.infer(input, batch: batch, inputShape: inputShape, into: output)
        let n = actionCount
        for r in 0..<rows {
            let q = output + r * n
            var centre: Float
            if baseline == .mean {
                centre = 0
                for j in 0..<n { centre += q[j] }
                centre /= Float(n)
            } else {
                centre = q[0]
                for j in 1..<n { centre = Swift.max(centre, q[j]) }
            }
            for j in 0..<n { q[j] = v[r] + q[j] - centre }
        }
    }
}
