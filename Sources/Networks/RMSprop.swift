import CKernels
import Tensors

/// RMSprop (Tieleman and Hinton, 2012, lecture 6e), with the centred variant of Graves
/// ("Generating Sequences With Recurrent Neural Networks", 2013, eq. 38–41):
///
///     v ← ρ v + (1 − ρ) g²
///     centred:  ḡ ← ρ ḡ + (1 − ρ) g,   d = v − ḡ²      otherwise d = v
///     s = g / (√d + ε)                  (PyTorch, SB3: epsilonInsideSquareRoot = false)
///     s = g / √(d + ε)                  (TensorFlow, Keras: epsilonInsideSquareRoot = true)
///     momentum > 0:  b ← μ b + s,  θ ← θ − lr · b        otherwise θ ← θ − lr · s
///
/// Where ε goes matters more than its size suggests: with ε inside the root the smallest
/// denominator is √ε, so ε = 1e-5 caps the step at about 316·lr per unit of gradient, while
/// outside it caps it at 1e5·lr. Published settings therefore only carry over together with
/// their placement:
/// - PyTorch `torch.optim.RMSprop` (defaults α = 0.99, ε = 1e-8) and Stable-Baselines3's A2C,
///   which uses it with `alpha=0.99, eps=1e-5` (`rms_prop_eps`), put ε outside. SB3 ships
///   `RMSpropTFLike` for the TensorFlow placement and notes that A2C is more stable with it.
/// - TensorFlow's `ApplyRMSProp` kernel and Keras' `RMSprop` (defaults ρ = 0.9, ε = 1e-7) put
///   it inside. The TF-Agents DQN of *Hands-On Machine Learning* (2nd ed., ch. 18) uses
///   `RMSprop(lr=2.5e-4, rho=0.95, momentum=0.0, epsilon=1e-5, centered=True)` in that form,
///   and the Nature DQN (Mnih et al. 2015, Extended Data Table 1: lr 2.5e-4, gradient and
///   squared-gradient momentum 0.95, min squared gradient 0.01) is the same centred form with
///   ε = 0.01 under the root in DeepMind's released code.
///
/// The average v starts at `initialSquareAverage`: 0 in PyTorch and Keras, so the first steps
/// divide by √((1 − ρ) g²) and move about lr/√(1 − ρ) (10·lr for ρ = 0.99) per parameter;
/// 1 in TensorFlow 1's `RMSPropOptimizer` and SB3's `RMSpropTFLike`, whose first steps are
/// about lr · g instead. SB3 trains A2C on Atari with the latter.
///
/// Keras keeps `lr` inside its momentum buffer (b ← μ b + lr · s, θ ← θ − b); with a
/// constant learning rate that is the same update as the one here.
public final class RMSprop: Optimizer {
    public let parameters: [Parameter]
    public var schedule: LearningRateSchedule
    public private(set) var stepCount = 0
    /// Decay rate ρ of the squared-gradient average (PyTorch's `alpha`).
    public let rho: Float
    /// Momentum factor μ; 0 disables the buffer.
    public let momentum: Float
    /// Stabilising constant in the denominator.
    public let epsilon: Float
    /// Whether to divide by an estimate of the gradient's variance rather than its second moment.
    public let centered: Bool
    /// TensorFlow's placement √(d + ε) when true, PyTorch's √d + ε when false.
    public let epsilonInsideSquareRoot: Bool
    /// The value v starts from (and restarts from with new parameters): 0 (PyTorch, Keras)
    /// or 1 (TensorFlow 1, SB3's `RMSpropTFLike`).
    public let initialSquareAverage: Float
    private var squareAverages: [Tensor]
    private var gradientAverages: [Tensor]
    private var momentumBuffers: [Tensor]

    /// An optimizer for `parameters` with PyTorch's defaults. `learningRate` may be a number
    /// or any ``LearningRateSchedule``.
    public init(parameters: [Parameter], learningRate: LearningRateSchedule = 1e-2, rho: Float = 0.99,
                momentum: Float = 0, epsilon: Float = 1e-8, centered: Bool = false,
                epsilonInsideSquareRoot: Bool = false, initialSquareAverage: Float = 0) {
        precondition((0..<1).contains(rho), "RMSprop: rho must lie in [0, 1), got \(rho)")
        precondition(momentum >= 0, "RMSprop: momentum must be non-negative, got \(momentum)")
        precondition(epsilon >= 0, "RMSprop: epsilon must be non-negative, got \(epsilon)")
        precondition(initialSquareAverage >= 0, "RMSprop: initialSquareAverage must be non-negative, got \(initialSquareAverage)")
        self.parameters = parameters
        self.schedule = learningRate
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered
        self.epsilonInsideSquareRoot = epsilonInsideSquareRoot
        self.initialSquareAverage = initialSquareAverage
        squareAverages = parameters.map { Tensor(repeating: initialSquareAverage, shape: $0.shape) }
        gradientAverages = centered ? parameters.map { Tensor.zeros($0.shape) } : []
        momentumBuffers = momentum > 0 ? parameters.map { Tensor.zeros($0.shape) } : []
    }

    public func step(_ gradients: [Tensor]) {
        checkGradients(gradients, for: parameters, optimizer: "RMSprop")
        let lr = learningRate
        for (i, parameter) in parameters.enumerated() {
            gradients[i].withUnsafeBufferPointer { g in
                parameter.update { p in
                    guard p.count > 0 else { return }
                    squareAverages[i].withUnsafeMutableBufferPointer { v in
                        withOptionalBuffer(centered ? i : nil, in: &gradientAverages) { mg in
                            withOptionalBuffer(momentum > 0 ? i : nil, in: &momentumBuffers) { buf in
                                srl_rmsprop(p.baseAddress!, g.baseAddress!, v.baseAddress!, mg, buf, p.count,
                                            lr, rho, momentum, epsilon, epsilonInsideSquareRoot ? 1 : 0)
                            }
                        }
                    }
                }
            }
        }
        stepCount += 1
    }

    private func withOptionalBuffer(_ index: Int?, in buffers: inout [Tensor],
                                    _ body: (UnsafeMutablePointer<Float>?) -> Void) {
        guard let index else { return body(nil) }
        buffers[index].withUnsafeMutableBufferPointer { body($0.baseAddress) }
    }

    private var bufferNames: [(name: String, shape: [Int])] {
        parameters.enumerated().flatMap { i, p in
            [("\(i).square_avg", p.shape)]
                + (centered ? [("\(i).grad_avg", p.shape)] : [])
                + (momentum > 0 ? [("\(i).momentum_buffer", p.shape)] : [])
        }
    }

    public func stateTensors() -> [(name: String, tensor: Tensor)] {
        var state: [(name: String, tensor: Tensor)] = [("step", stepCountTensor(stepCount))]
        for i in parameters.indices {
            state.append(("\(i).square_avg", squareAverages[i].copy()))
            if centered { state.append(("\(i).grad_avg", gradientAverages[i].copy())) }
            if momentum > 0 { state.append(("\(i).momentum_buffer", momentumBuffers[i].copy())) }
        }
        return state
    }

    public func loadState(_ state: [(name: String, tensor: Tensor)]) throws {
        let (count, tensors) = try validatedOptimizerState(state, expected: bufferNames)
        stepCount = count
        squareAverages = parameters.indices.map { tensors["\($0).square_avg"]!.copy() }
        if centered { gradientAverages = parameters.indices.map { tensors["\($0).grad_avg"]!.copy() } }
        if momentum > 0 { momentumBuffers = parameters.indices.map { tensors["\($0).momentum_buffer"]!.copy() } }
    }
}
