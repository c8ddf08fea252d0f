import Tensors

/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight
/// decay, in PyTorch's form (`torch.optim.SGD` with `dampening = 0`):
///
///     d = g + weightDecay · θ
///     b = d                      on the first step, else  b = momentum · b + d
///     u = d + momentum · b       (Nesterov)  or  u = b   (plain momentum)
///     θ ← θ − lr · u
///
/// With `momentum = 0` this is `θ ← θ − lr · d`. Note that PyTorch starts the buffer at the
/// first gradient rather than at zero, unlike Keras' SGD, so the first step is a full one.
public final class SGD: Optimizer {
    public let parameters: [Parameter]
    public var schedule: LearningRateSchedule
    public private(set) var stepCount = 0
    /// Momentum factor μ; 0 disables the buffer.
    public let momentum: Float
    /// Whether to use Nesterov momentum (Sutskever et al. 2013, as PyTorch formulates it).
    public let nesterov: Bool
    /// L2 penalty coefficient added to the gradient (coupled weight decay).
    public let weightDecay: Float
    private var momentumBuffers: [Tensor]

    /// An optimizer for `parameters`. `learningRate` may be a number or any
    /// ``LearningRateSchedule``.
    public init(parameters: [Parameter], learningRate: LearningRateSchedule, momentum: Float = 0,
                nesterov: Bool = false, weightDecay: Float = 0) {
        precondition(momentum >= 0, "SGD: momentum must be non-negative, got \(momentum)")
        precondition(weightDecay >= 0, "SGD: weightDecay must be non-negative, got \(weightDecay)")
        precondition(!nesterov || momentum > 0, "SGD: Nesterov momentum requires momentum > 0")
        self.parameters = parameters
        self.schedule = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        momentumBuffers = momentum > 0 ? parameters.map { Tensor.zeros($0.shape) } : []
    }

    public func step(_ gradients: [Tensor]) {
        checkGradients(gradients, for: parameters, optimizer: "SGD")
        let lr = learningRate
        let mu = momentum, wd = weightDecay, nesterov = nesterov
        let first = stepCount == 0
        for (i, parameter) in parameters.enumerated() {
            gradients[i].withUnsafeBufferPointer { g in
                parameter.update { p in
                    if mu == 0 {
                        for j in 0..<p.count { p[j] -= lr * (g[j] + wd * p[j]) }
                        return
                    }
                    momentumBuffers[i].withUnsafeMutableBufferPointer { b in
                        for j in 0..<p.count {
                            let d = g[j] + wd * p[j]
                            b[j] = first ? d : mu * b[j] + d
                            p[j] -= lr * (nesterov ? d + mu * b[j] : b[j])
                        }
                    }
                }
            }
        }
        stepCount += 1
    }

    public func stateTensors() -> [(name: String, tensor: Tensor)] {
        [("step", stepCountTensor(stepCount))]
            + momentumBuffers.enumerated().map { ("\($0.offset).momentum_buffer", $0.element.copy()) }
    }

    public func loadState(_ state: [(name: String, tensor: Tensor)]) throws {
        let expected = momentum > 0 ? parameters.enumerated().map { ("\($0.offset).momentum_buffer", $0.element.shape) } : []
        let (count, tensors) = try validatedOptimizerState(state, expected: expected)
        stepCount = count
        if momentum > 0 {
            momentumBuffers = parameters.indices.map { tensors["\($0).momentum_buffer"]!.copy() }
        }
    }
}
