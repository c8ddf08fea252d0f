import Tensors

/// Anything that owns parameters, directly or through child modules: layers, networks,
/// multi-head models. Modules are reference types because optimizers and target-network
/// updates change their parameters in place.
public protocol Module: AnyObject {
    /// Parameters this module owns itself, with their local names (e.g. `weight`).
    var ownParameters: [(name: String, parameter: Parameter)] { get }
    /// Child modules with their local names, in a stable order.
    var children: [(name: String, module: any Module)] { get }
}

extension Module {
    public var ownParameters: [(name: String, parameter: Parameter)] { [] }
    public var children: [(name: String, module: any Module)] { [] }

    /// Every parameter with its dotted path (`layers.0.weight`), depth first, in a stable order.
    /// Checkpoints use these names.
    public var namedParameters: [(name: String, parameter: Parameter)] {
        var result = ownParameters
        for (childName, child) in children {
            for (name, p) in child.namedParameters { result.append((childName + "." + name, p)) }
        }
        return result
    }

    /// Every parameter, in the order of ``namedParameters``.
    public var parameters: [Parameter] { namedParameters.map(\.parameter) }

    /// Total number of scalar parameters.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// Copies every parameter value from `source`, which must have the same structure
    /// (a hard target-network update).
    public func copyWeights(from source: any Module) {
        polyakUpdate(from: source, tau: 1)
    }

    /// Soft update θ ← τ θ_source + (1 − τ) θ (Lillicrap et al. 2016), used by SAC and DDPG
    /// targets. τ = 1 copies.
    public func polyakUpdate(from source: any Module, tau: Float) {
        let mine = namedParameters, theirs = source.namedParameters
        precondition(mine.count == theirs.count,
                     "polyakUpdate: \(theirs.count) source parameters for \(mine.count) target parameters")
        for ((name, target), (sourceName, src)) in zip(mine, theirs) {
            precondition(target.shape == src.shape,
                         "polyakUpdate: \(name) has shape \(target.shape) but source \(sourceName) has \(src.shape)")
            let from = src.value.detached
            from.withUnsafeBufferPointer { s in
                target.update { t in
                    if tau == 1 {
                        t.baseAddress!.update(from: s.baseAddress!, count: s.count)
                    } else {
                        for i in 0..<t.count { t[i] = tau * s[i] + (1 - tau) * t[i] }
                    }
                }
            }
        }
    }
}

/// A module with a forward function from one tensor to another.
public protocol Layer: Module {
    /// The forward pass; differentiable when a ``GradientTape`` records.
    func callAsFunction(_ input: Tensor) -> Tensor

    /// Shape of one output sample for one input sample of shape `inputShape` (no batch axis).
    func outputShape(for inputShape: [Int]) -> [Int]

    /// Forward pass on raw memory for `batch` samples of `inputShape`, without recording and
    /// without allocating: the acting path. `output` has room for the outputs.
    func infer(_ input: UnsafePointer<Float>, batch: Int, inputShape: [Int], into output: UnsafeMutablePointer<Float>)
}

extension Layer {
    /// Falls back to the tensor forward pass (allocates); layers on the acting path override it.
    public func infer(_ input: UnsafePointer<Float>, batch: Int, inputShape: [Int], into output: UnsafeMutablePointer<Float>) {
        let count = batch * Tensor.count(of: inputShape)
        let x = Tensor(shape: [batch] + inputShape, scalars: Array(UnsafeBufferPointer(start: input, count: count)))
        let y = withoutGradient { self(x) }
        y.withUnsafeBufferPointer { output.update(from: $0.baseAddress!, count: $0.count) }
    }
}
