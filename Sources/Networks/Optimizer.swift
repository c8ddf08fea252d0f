import Tensors

/// Updates a fixed list of parameters in place from their gradients, keeping whatever
/// per-parameter state its rule needs (momentum buffers, moment estimates).
///
/// An optimizer is created for one list of parameters and matches gradients to them by
/// position, the way PyTorch's `optimizer.step()` matches `param_groups`:
///
/// ```swift
/// let optimizer = Adam(parameters: network.parameters, learningRate: 3e-4)
/// let (loss, gradients) = valueWithGradient(wrt: optimizer.parameters) { meanSquaredError(network(x), y) }
/// optimizer.step(gradients)
/// ```
///
/// Its state can be exported with ``stateTensors()`` and restored with ``loadState(_:)``,
/// so a checkpoint resumes training with the same moments and step count.
public protocol Optimizer: AnyObject {
    /// The parameters this optimizer updates, in the order gradients are given.
    var parameters: [Parameter] { get }

    /// Gives the learning rate of every step from the number of steps taken before it.
    var schedule: LearningRateSchedule { get set }

    /// Number of updates applied so far. Schedules and Adam's bias correction count from it.
    var stepCount: Int { get }

    /// Applies one update. `gradients[i]` is the gradient of the loss with respect to
    /// `parameters[i]` and has its shape.
    func step(_ gradients: [Tensor])

    /// Every piece of state as named tensors, including the step count (see
    /// ``OptimizerStateError`` for the naming). The tensors are copies: later steps do not
    /// change them.
    func stateTensors() -> [(name: String, tensor: Tensor)]

    /// Restores state exported by ``stateTensors()`` from an optimizer of the same kind and
    /// configuration over parameters of the same shapes.
    ///
    /// - Throws: ``OptimizerStateError`` naming the first missing, unexpected or misshapen
    ///   tensor; the optimizer is left unchanged then.
    func loadState(_ state: [(name: String, tensor: Tensor)]) throws
}

extension Optimizer {
    /// The learning rate the next step will use. Assigning a value replaces the schedule by
    /// a constant one.
    public var learningRate: Float {
        get { schedule.value(at: stepCount) }
        set { schedule = .constant(newValue) }
    }

    /// Computes the gradients of `loss` with respect to ``parameters``, optionally clips
    /// them to a global norm of `maxGradientNorm` (as SB3's `max_grad_norm`), applies one
    /// step and returns the loss value.
    @discardableResult
    public func minimize(maxGradientNorm: Float? = nil, _ loss: () throws -> Tensor) rethrows -> Float {
        var (value, gradients) = try valueWithGradient(wrt: parameters, of: loss)
        if let maxGradientNorm {
            gradients = clipByGlobalNorm(gradients, maxNorm: maxGradientNorm).clipped
        }
        step(gradients)
        return value.scalar
    }
}

/// Why ``Optimizer/loadState(_:)`` refused a state.
///
/// State tensors are named `step` for the step count and `<index>.<buffer>` for a
/// per-parameter buffer, where `index` is the parameter's position in
/// ``Optimizer/parameters`` and `buffer` is PyTorch's name for it (`exp_avg`, `exp_avg_sq`,
/// `momentum_buffer`, `square_avg`, `grad_avg`). Positions rather than parameter names are
/// used because parameters need not be named, and an optimizer only ever sees its list.
public enum OptimizerStateError: Error, Equatable, CustomStringConvertible {
    /// A tensor the optimizer needs is not in the state.
    case missing(name: String)
    /// The state holds a tensor the optimizer does not use (for example a momentum buffer
    /// saved with momentum > 0 loaded into an optimizer without momentum).
    case unexpected(name: String)
    /// The same name appears twice.
    case duplicate(name: String)
    /// A tensor has a different shape from the parameter it belongs to.
    case shapeMismatch(name: String, expected: [Int], found: [Int])
    /// The `step` tensor does not hold a valid step count.
    case invalidStepCount(found: [Float])

    public var description: String {
        switch self {
        case let .missing(name): return "optimizer state is missing '\(name)'"
        case let .unexpected(name): return "optimizer state has unexpected tensor '\(name)'"
        case let .duplicate(name): return "optimizer state has '\(name)' twice"
        case let .shapeMismatch(name, expected, found):
            return "optimizer state '\(name)' has shape \(found), expected \(expected)"
        case let .invalidStepCount(found): return "optimizer state 'step' is not a valid step count: \(found)"
        }
    }
}

// MARK: - Shared helpers for the optimizers in this module

/// Step counts are stored as two Float32 values, `[count / 2^24, count % 2^24]`, because a
/// single Float32 counts exactly only up to 2^24 (16.7M) steps; two reach 2^48.
let stepCountRadix = 1 << 24

func stepCountTensor(_ count: Int) -> Tensor {
    Tensor([Float(count / stepCountRadix), Float(count % stepCountRadix)])
}

/// Checks `state` against the names and shapes an optimizer expects and returns the step
/// count and tensors by name. Throws before anything is changed.
func validatedOptimizerState(_ state: [(name: String, tensor: Tensor)],
                             expected: [(name: String, shape: [Int])]) throws -> (stepCount: Int, tensors: [String: Tensor]) {
    var byName: [String: Tensor] = [:]
    for (name, tensor) in state {
        if byName[name] != nil { throw OptimizerStateError.duplicate(name: name) }
        byName[name] = tensor
    }
    guard let step = byName["step"] else { throw OptimizerStateError.missing(name: "step") }
    let s = step.scalars
    guard s.count == 2, s.allSatisfy({ $0 >= 0 && $0.rounded() == $0 }), s[1] < Float(stepCountRadix) else {
        throw OptimizerStateError.invalidStepCount(found: s)
    }
    for (name, shape) in expected {
        guard let t = byName[name] else { throw OptimizerStateError.missing(name: name) }
        if t.shape != shape { throw OptimizerStateError.shapeMismatch(name: name, expected: shape, found: t.shape) }
    }
    let known = Set(expected.map(\.name) + ["step"])
    for (name, _) in state where !known.contains(name) {
        throw OptimizerStateError.unexpected(name: name)
    }
    return (Int(s[0]) * stepCountRadix + Int(s[1]), byName)
}

/// Stops with a clear message when gradients do not line up with the parameters.
func checkGradients(_ gradients: [Tensor], for parameters: [Parameter], optimizer: String) {
    precondition(gradients.count == parameters.count,
                 "\(optimizer).step: \(gradients.count) gradients for \(parameters.count) parameters")
    for (i, (g, p)) in zip(gradients, parameters).enumerated() {
        precondition(g.count == p.count,
                     "\(optimizer).step: gradient \(i) has shape \(g.shape) but parameter \(i) \(p.name) has shape \(p.shape)")
    }
}
