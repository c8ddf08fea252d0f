import CKernels
import Synchronization

/// Records differentiable operations as they run (define by run) and replays them in
/// reverse to compute gradients: reverse-mode automatic differentiation on a Wengert list.
///
/// ```swift
/// let tape = GradientTape()
/// let loss = tape.record { meanSquaredError(model(x), y) }
/// let grads = tape.gradient(of: loss, wrt: model.parameters)
/// ```
/// Parameters read while recording are watched automatically, like TensorFlow's trainable
/// variables. Each thread records on its own tape, so worker threads can train independently.
public final class GradientTape {
    /// A step to replay backwards: which slots fed an operation and how to turn the
    /// gradient of its output into gradients of those inputs.
    @usableFromInline
    enum Entry {
        case unary(output: Int32, input: Int32, backward: (Tensor) -> Tensor)
        case binary(output: Int32, inputs: (Int32, Int32), backward: (Tensor, Bool, Bool) -> (Tensor?, Tensor?))
        case nary(output: Int32, inputs: [Int32], backward: (Tensor) -> [Tensor?])
    }

    private static let generations = Atomic<UInt32>(0)

    @usableFromInline let generation: UInt32
    @usableFromInline var entries: [Entry] = []
    @usableFromInline var slotCount: Int32 = 0
    private var gradients: [Tensor?] = []
    private var computedFor: Int32 = -1

    /// A new, empty tape.
    public init() {
        generation = GradientTape.generations.add(1, ordering: .relaxed).newValue
        entries.reserveCapacity(64)
    }

    /// The tape recording on this thread, if any.
    @inlinable
    public static var current: GradientTape? {
        guard let raw = srl_current_tape() else { return nil }
        return Unmanaged<GradientTape>.fromOpaque(raw).takeUnretainedValue()
    }

    /// Runs `body` with this tape recording on the current thread, then restores the previous tape.
    public func record<R>(_ body: () throws -> R) rethrows -> R {
        let previous = srl_current_tape()
        srl_set_current_tape(Unmanaged.passUnretained(self).toOpaque())
        defer { srl_set_current_tape(previous) }
        return try body()
    }

    /// Returns `tensor` as a value this tape differentiates with respect to.
    public func watch(_ tensor: Tensor) -> Tensor {
        var t = tensor
        t.tapeGeneration = generation
        t.tapeSlot = newSlot()
        return t
    }

    @usableFromInline
    func newSlot() -> Int32 {
        precondition(computedFor < 0, "GradientTape: cannot record after gradient(of:) was called; use a new tape")
        defer { slotCount += 1 }
        return slotCount
    }

    @inlinable
    func tracks(_ t: Tensor) -> Bool { t.tapeSlot >= 0 && t.tapeGeneration == generation }

    // MARK: Recording, for operation authors

    /// Attaches `output` to the tape as the result of a one-input operation.
    @inlinable
    public func recordUnary(_ output: Tensor, _ input: Tensor, backward: @escaping (Tensor) -> Tensor) -> Tensor {
        var out = output
        out.tapeGeneration = generation
        out.tapeSlot = newSlot()
        entries.append(.unary(output: out.tapeSlot, input: input.tapeSlot, backward: backward))
        return out
    }

    /// Attaches `output` as the result of a two-input operation. `backward` receives the
    /// output gradient and which inputs need a gradient, and returns gradients for those.
    @inlinable
    public func recordBinary(_ output: Tensor, _ a: Tensor, _ b: Tensor,
                             backward: @escaping (Tensor, Bool, Bool) -> (Tensor?, Tensor?)) -> Tensor {
        var out = output
        out.tapeGeneration = generation
        out.tapeSlot = newSlot()
        let sa = tracks(a) ? a.tapeSlot : -1
        let sb = tracks(b) ? b.tapeSlot : -1
        entries.append(.binary(output: out.tapeSlot, inputs: (sa, sb), backward: backward))
        return out
    }

    /// Attaches `output` as the result of an operation on any number of inputs; `backward`
    /// returns one gradient (or nil) per input, in order.
    public func recordNary(_ output: Tensor, _ inputs: [Tensor], backward: @escaping (Tensor) -> [Tensor?]) -> Tensor {
        var out = output
        out.tapeGeneration = generation
        out.tapeSlot = newSlot()
        entries.append(.nary(output: out.tapeSlot, inputs: inputs.map { tracks($0) ? $0.tapeSlot : -1 }, backward: backward))
        return out
    }

    /// The tape that tracks `a` on this thread, or nil when the result needs no recording.
    @inlinable
    public static func recording(_ a: Tensor) -> GradientTape? {
        guard a.tapeSlot >= 0, let tape = current, tape.tracks(a) else { return nil }
        return tape
    }

    /// The tape that tracks `a` or `b` on this thread, or nil when the result needs no recording.
    @inlinable
    public static func recording(_ a: Tensor, _ b: Tensor) -> GradientTape? {
        guard a.tapeSlot >= 0 || b.tapeSlot >= 0, let tape = current, tape.tracks(a) || tape.tracks(b) else { return nil }
        return tape
    }

    /// The tape that tracks any of `inputs` on this thread.
    public static func recording(_ inputs: [Tensor]) -> GradientTape? {
        guard inputs.contains(where: { $0.tapeSlot >= 0 }), let tape = current,
              inputs.contains(where: { tape.tracks($0) }) else { return nil }
        return tape
    }

    // MARK: Gradients

    /// Gradients of `target` (summed over its elements when it is not a scalar) with respect
    /// to `sources`. A source that `target` does not depend on gets a zero gradient.
    public func gradient(of target: Tensor, wrt sources: [Tensor]) -> [Tensor] {
        backpropagate(from: target)
        return sources.map { source in
            if tracks(source), let g = gradients[Int(source.tapeSlot)] { return g }
            return Tensor.zeros(source.shape)
        }
    }

    /// Gradients of `target` with respect to parameters read while recording.
    public func gradient(of target: Tensor, wrt parameters: [Parameter]) -> [Tensor] {
        backpropagate(from: target)
        return parameters.map { p in
            if p.watchGeneration == generation, let g = gradients[Int(p.watchSlot)] { return g }
            return Tensor.zeros(p.shape)
        }
    }

    private func backpropagate(from target: Tensor) {
        precondition(tracks(target), "GradientTape.gradient: the target was not computed on this tape from any watched value")
        if computedFor == target.tapeSlot { return }
        precondition(computedFor < 0, "GradientTape.gradient: gradients were already computed for another target; use a new tape")
        computedFor = target.tapeSlot
        gradients = Array(repeating: nil, count: Int(slotCount))
        gradients[Int(target.tapeSlot)] = Tensor.ones(target.shape)
        // Operations inside backward functions build plain tensors, never new tape entries.
        let previous = srl_current_tape()
        srl_set_current_tape(nil)
        defer { srl_set_current_tape(previous) }
        for entry in entries.reversed() {
            switch entry {
            case let .unary(output, input, backward):
                guard let g = take(output) else { continue }
                accumulate(backward(g), into: input)
            case let .binary(output, inputs, backward):
                guard let g = take(output) else { continue }
                let (ga, gb) = backward(g, inputs.0 >= 0, inputs.1 >= 0)
                if inputs.0 >= 0, let ga { accumulate(ga, into: inputs.0) }
                if inputs.1 >= 0, let gb { accumulate(gb, into: inputs.1) }
            case let .nary(output, inputs, backward):
                guard let g = take(output) else { continue }
                let grads = backward(g)
                for (slot, grad) in zip(inputs, grads) where slot >= 0 {
                    if let grad { accumulate(grad, into: slot) }
                }
            }
        }
        entries.removeAll()
    }

    /// The accumulated gradient of a slot. Kept after use so callers may ask for gradients
    /// with respect to intermediate values too.
    private func take(_ slot: Int32) -> Tensor? {
        gradients[Int(slot)]
    }

    private func accumulate(_ g: Tensor, into slot: Int32) {
        guard slot >= 0 else { return }
        let i = Int(slot)
        if let existing = gradients[i] {
            precondition(existing.shape == g.shape, "GradientTape: gradient shapes \(existing.shape) and \(g.shape) disagree")
            gradients[i] = existing.adding(g)
        } else {
            gradients[i] = g.detached
        }
    }
}

/// Runs `body` without recording on any tape: for acting, evaluation and target networks.
public func withoutGradient<R>(_ body: () throws -> R) rethrows -> R {
    let previous = srl_current_tape()
    srl_set_current_tape(nil)
    defer { srl_set_current_tape(previous) }
    return try body()
}

/// The value of `body` and its gradients with respect to `parameters`.
public func valueWithGradient(wrt parameters: [Parameter], of body: () throws -> Tensor) rethrows -> (value: Tensor, gradients: [Tensor]) {
    let tape = GradientTape()
    let value = try tape.record(body)
    return (value.detached, tape.gradient(of: value, wrt: parameters))
}

/// The value of `body` at `inputs` and its gradients with respect to each input.
public func valueWithGradient(at inputs: [Tensor], of body: ([Tensor]) throws -> Tensor) rethrows -> (value: Tensor, gradients: [Tensor]) {
    let tape = GradientTape()
    let watched = inputs.map { tape.watch($0) }
    let value = try tape.record { try body(watched) }
    return (value.detached, tape.gradient(of: value, wrt: watched))
}
