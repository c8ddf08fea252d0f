import CKernels
import Tensors
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Adam (Kingma and Ba, "Adam: A Method for Stochastic Optimization", 2015, Algorithm 1) in
/// PyTorch's form, which Stable-Baselines3 uses:
///
///     m ← β1 m + (1 − β1) g
///     v ← β2 v + (1 − β2) g²
///     θ ← θ − lr / (1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)
///
/// ε is added after the bias-corrected square root, as in the paper's Algorithm 1 (TF1's
/// `AdamOptimizer` and Keras instead add an unscaled "ε hat"; the two agree when ε is small
/// next to √v̂).
/// The update runs in one vectorised C pass with flush-to-zero, so decaying moments never
/// slow down into denormals.
public final class Adam: Optimizer {
    public let parameters: [Parameter]
    public var schedule: LearningRateSchedule
    public private(set) var stepCount = 0
    /// Decay rate of the first-moment estimate.
    public let beta1: Float
    /// Decay rate of the second-moment estimate.
    public let beta2: Float
    /// Added to the denominator for numerical stability.
    public let epsilon: Float
    private var firstMoments: [Tensor]
    private var secondMoments: [Tensor]

    /// An optimizer for `parameters`. `learningRate` may be a number or any
    /// ``LearningRateSchedule``; the defaults are the paper's.
    public init(parameters: [Parameter], learningRate: LearningRateSchedule = 1e-3, beta1: Float = 0.9,
                beta2: Float = 0.999, epsilon: Float = 1e-8) {
        precondition((0..<1).contains(beta1) && (0..<1).contains(beta2),
                     "Adam: betas must lie in [0, 1), got \(beta1), \(beta2)")
        precondition(epsilon >= 0, "Adam: epsilon must be non-negative, got \(epsilon)")
        self.parameters = parameters
        self.schedule = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        firstMoments = parameters.map { Tensor.zeros($0.shape) }
        secondMoments = parameters.map { Tensor.zeros($0.shape) }
    }

    public func step(_ gradients: [Tensor]) {
        checkGradients(gradients, for: parameters, optimizer: "Adam")
        let lr = learningRate
        // Bias corrections in Double: 1 − β2ᵗ is tiny for small t and loses digits in Float.
        let t = Double(stepCount + 1)
        let stepSize = Float(Double(lr) / (1 - pow(Double(beta1), t)))
        let invSqrtBias2 = Float(1 / (1 - pow(Double(beta2), t)).squareRoot())
        for (i, parameter) in parameters.enumerated() {
            gradients[i].withUnsafeBufferPointer { g in
                parameter.update { p in
                    guard p.count > 0 else { return }
                    firstMoments[i].withUnsafeMutableBufferPointer { m in
                        secondMoments[i].withUnsafeMutableBufferPointer { v in
                            let (pp, pg, pm, pv) = (p.baseAddress!, g.baseAddress!, m.baseAddress!, v.baseAddress!)
                            // About ten operations an element: a 256x256 layer is worth two cores.
                            // Chunks of whole 16-element vectors, so every element takes the
                            // same (vector or tail) path as on one thread: bit-identical results.
                            let n = p.count
                            CPU.parallelFor((n + 15) / 16, costPerItem: 128) { r in
                                let lower = r.lowerBound * 16, upper = min(r.upperBound * 16, n)
                                srl_adam(pp + lower, pg + lower, pm + lower, pv + lower, upper - lower,
                                         stepSize, beta1, beta2, invSqrtBias2, epsilon)
                            }
                        }
                    }
                }
            }
        }
        stepCount += 1
    }

    public func stateTensors() -> [(name: String, tensor: Tensor)] {
        var state: [(name: String, tensor: Tensor)] = [("step", stepCountTensor(stepCount))]
        for i in parameters.indices {
            state.append(("\(i).exp_avg", firstMoments[i].copy()))
            state.append(("\(i).exp_avg_sq", secondMoments[i].copy()))
        }
        return state
    }

    public func loadState(_ state: [(name: String, tensor: Tensor)]) throws {
        let expected = parameters.enumerated().flatMap { i, p in
            [("\(i).exp_avg", p.shape), ("\(i).exp_avg_sq", p.shape)]
        }
        let (count, tensors) = try validatedOptimizerState(state, expected: expected)
        stepCount = count
        firstMoments = parameters.indices.map { tensors["\($0).exp_avg"]!.copy() }
        secondMoments = parameters.indices.map { tensors["\($0).exp_avg_sq"]!.copy() }
    }
}
