import CKernels

/// A trainable tensor with identity: networks own parameters, optimizers update them in
/// place, and a recording ``GradientTape`` watches every parameter read through ``value``.
public final class Parameter: @unchecked Sendable {
    /// The dotted path of this parameter in its network (e.g. `layers.0.weight`), used in checkpoints.
    public var name: String
    @usableFromInline var stored: Tensor
    @usableFromInline var watchGeneration: UInt32 = 0
    @usableFromInline var watchSlot: Int32 = -1

    /// A parameter holding `value`.
    public init(_ value: Tensor, name: String = "") {
        self.stored = value.detached
        self.name = name
    }

    /// The current value. Read while a tape records, it is tracked by that tape.
    /// Assigning replaces the value (and must keep the shape for optimizers to stay valid).
    @inlinable
    public var value: Tensor {
        get {
            guard let tape = GradientTape.current else { return stored }
            if watchGeneration != tape.generation {
                watchGeneration = tape.generation
                watchSlot = tape.newSlot()
            }
            var t = stored
            t.tapeGeneration = tape.generation
            t.tapeSlot = watchSlot
            return t
        }
        set { stored = newValue.detached }
    }

    /// The current value, never tracked by a tape: for acting, copying and saving.
    @inlinable
    public var detachedValue: Tensor { stored }

    /// The shape of the value.
    public var shape: [Int] { stored.shape }
    /// The number of scalars.
    public var count: Int { stored.count }

    /// Calls `body` with the value's memory for an in-place update (optimizers, weight copies).
    @inlinable
    public func update<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try stored.withUnsafeMutableBufferPointer(body)
    }
}
