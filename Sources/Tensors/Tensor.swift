/// An N-dimensional array of Float32 values in contiguous row-major storage.
///
/// Tensors are values: copying one is cheap (the storage is shared) and writing to a copy
/// never changes the original. Operations on tensors that a ``GradientTape`` is recording
/// are remembered so that gradients can flow back through them.
public struct Tensor: @unchecked Sendable {
    /// Extent of each axis; `[]` for a scalar.
    public private(set) var shape: [Int]
    @usableFromInline var storage: TensorStorage
    /// Position of this value on the tape that produced it, or -1 when no tape tracks it.
    @usableFromInline var tapeSlot: Int32 = -1
    /// Identity of that tape, so a value from an older tape counts as a constant.
    @usableFromInline var tapeGeneration: UInt32 = 0

    /// Wraps existing storage. `shape` must describe exactly `storage.count` values.
    public init(shape: [Int], storage: TensorStorage) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in shape \(shape)")
        precondition(Tensor.count(of: shape) == storage.count,
                     "Tensor: shape \(shape) holds \(Tensor.count(of: shape)) values but storage has \(storage.count)")
        self.shape = shape
        self.storage = storage
    }

    /// A tensor of the given shape with uninitialised contents, for kernels that write every value.
    @inlinable
    public init(uninitializedShape shape: [Int]) {
        self.init(shape: shape, storage: TensorStorage(uninitializedCount: Tensor.count(of: shape)))
    }

    /// A tensor of the given shape with every value equal to `value`.
    public init(repeating value: Float, shape: [Int]) {
        self.init(shape: shape, storage: TensorStorage(count: Tensor.count(of: shape), repeating: value))
    }

    /// A tensor from row-major scalars.
    public init(shape: [Int], scalars: [Float]) {
        precondition(Tensor.count(of: shape) == scalars.count,
                     "Tensor: shape \(shape) needs \(Tensor.count(of: shape)) scalars, got \(scalars.count)")
        self.init(uninitializedShape: shape)
        scalars.withUnsafeBufferPointer { storage.pointer.update(from: $0.baseAddress!, count: scalars.count) }
    }

    /// A rank-1 tensor.
    public init(_ scalars: [Float]) {
        self.init(shape: [scalars.count], scalars: scalars)
    }

    /// A rank-2 tensor from rows of equal length.
    public init(_ rows: [[Float]]) {
        let columns = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == columns }, "Tensor: rows of unequal length")
        self.init(shape: [rows.count, columns], scalars: rows.flatMap { $0 })
    }

    /// A rank-0 tensor.
    public init(_ scalar: Float) {
        self.init(repeating: scalar, shape: [])
    }

    /// All zeros.
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(repeating: 0, shape: shape) }
    /// All ones.
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(repeating: 1, shape: shape) }

    /// Number of values a shape holds.
    @inlinable
    public static func count(of shape: [Int]) -> Int {
        var n = 1
        for d in shape { n &*= d }
        return n
    }

    /// Number of values.
    @inlinable public var count: Int { storage.count }
    /// Number of axes.
    @inlinable public var rank: Int { shape.count }

    /// The values in row-major order.
    public var scalars: [Float] {
        Array(UnsafeBufferPointer(start: storage.pointer, count: count))
    }

    /// The single value of a tensor with one element.
    public var scalar: Float {
        precondition(count == 1, "Tensor.scalar: tensor of shape \(shape) has \(count) values, not 1")
        return storage.pointer[0]
    }

    /// Reads the value at a multi-dimensional index.
    public subscript(_ indices: Int...) -> Float {
        get { storage.pointer[flatIndex(indices)] }
        set {
            makeUnique()
            storage.pointer[flatIndex(indices)] = newValue
        }
    }

    func flatIndex(_ indices: [Int]) -> Int {
        precondition(indices.count == rank, "Tensor subscript: \(indices.count) indices for shape \(shape)")
        var flat = 0
        for (axis, index) in indices.enumerated() {
            precondition(index >= 0 && index < shape[axis], "Tensor subscript: index \(indices) out of range for shape \(shape)")
            flat = flat * shape[axis] + index
        }
        return flat
    }

    /// Calls `body` with the values, read-only.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(storage.buffer))
    }

    /// Calls `body` with writable values, copying the storage first if it is shared.
    /// The result is no longer tracked by any tape: an in-place write is not differentiable.
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        makeUnique()
        tapeSlot = -1
        return try body(storage.buffer)
    }

    @inlinable
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    /// The same values with no tape attached: a constant for differentiation.
    @inlinable
    public var detached: Tensor {
        var t = self
        t.tapeSlot = -1
        return t
    }

    /// A copy that owns its storage.
    public func copy() -> Tensor {
        Tensor(shape: shape, storage: storage.copy())
    }

    /// Same storage, different shape with the same number of values. Not recorded on a tape;
    /// use ``reshaped(_:)`` inside differentiable code.
    @inlinable
    func withShape(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, storage: storage)
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let values = count <= 16 ? scalars.map { "\($0)" }.joined(separator: ", ")
                                 : scalars.prefix(16).map { "\($0)" }.joined(separator: ", ") + ", …"
        return "Tensor(shape: \(shape), [\(values)])"
    }
}

extension Tensor {
    /// True when both tensors have the same shape and every pair of values differs by at most `tolerance`.
    public func isApproximatelyEqual(to other: Tensor, tolerance: Float = 1e-5) -> Bool {
        guard shape == other.shape else { return false }
        for i in 0..<count where !(Swift.abs(storage.pointer[i] - other.storage.pointer[i]) <= tolerance) {
            return false
        }
        return true
    }
}
