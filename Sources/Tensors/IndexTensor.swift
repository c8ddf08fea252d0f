/// A shaped array of integer indices: discrete actions, class labels, the result of
/// ``Tensor/argmax(alongAxis:)``, the indices of ``Tensor/gathering(_:alongAxis:)``.
///
/// Indices are stored as `Int32`, which covers every axis a Float32 tensor can index in
/// practice and halves the memory of replay buffers that hold millions of actions.
/// Like ``Tensor`` it is row-major; unlike it, it is never differentiated.
public struct IndexTensor: Equatable, Hashable, Sendable {
    /// Extent of each axis; `[]` for a single index.
    public private(set) var shape: [Int]
    /// The indices in row-major order.
    public var scalars: [Int32] {
        didSet {
            precondition(scalars.count == Tensor.count(of: shape),
                         "IndexTensor: \(scalars.count) scalars do not fit shape \(shape)")
        }
    }

    /// Indices of the given shape, in row-major order.
    public init(shape: [Int], scalars: [Int32]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "IndexTensor: negative dimension in shape \(shape)")
        precondition(scalars.count == Tensor.count(of: shape),
                     "IndexTensor: shape \(shape) needs \(Tensor.count(of: shape)) scalars, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    /// Indices of the given shape, in row-major order. Each must fit in `Int32`.
    public init(shape: [Int], scalars: [Int]) {
        self.init(shape: shape, scalars: scalars.map { value in
            precondition(value >= Int(Int32.min) && value <= Int(Int32.max), "IndexTensor: index \(value) does not fit in Int32")
            return Int32(truncatingIfNeeded: value)
        })
    }

    /// A rank-1 tensor of indices.
    public init(_ scalars: [Int32]) {
        self.init(shape: [scalars.count], scalars: scalars)
    }

    /// A rank-1 tensor of indices. Each must fit in `Int32`.
    public init(_ scalars: [Int]) {
        self.init(shape: [scalars.count], scalars: scalars)
    }

    /// Number of indices.
    public var count: Int { scalars.count }
    /// Number of axes.
    public var rank: Int { shape.count }

    /// The index at a multi-dimensional position.
    public subscript(_ position: Int...) -> Int {
        get { Int(scalars[flatIndex(position)]) }
        set { scalars[flatIndex(position)] = Int32(newValue) }
    }

    private func flatIndex(_ position: [Int]) -> Int {
        precondition(position.count == rank, "IndexTensor subscript: \(position.count) indices for shape \(shape)")
        var flat = 0
        for (axis, index) in position.enumerated() {
            precondition(index >= 0 && index < shape[axis], "IndexTensor subscript: position \(position) out of range for shape \(shape)")
            flat = flat * shape[axis] + index
        }
        return flat
    }

    /// The same indices with a new shape holding the same number of values.
    public func reshaped(_ newShape: [Int]) -> IndexTensor {
        precondition(Tensor.count(of: newShape) == count, "IndexTensor.reshaped: cannot reshape \(shape) to \(newShape)")
        return IndexTensor(shape: newShape, scalars: scalars)
    }
}

extension IndexTensor: CustomStringConvertible {
    /// The shape and the first 16 indices.
    public var description: String {
        let values = count <= 16 ? scalars.map { "\($0)" }.joined(separator: ", ")
                                 : scalars.prefix(16).map { "\($0)" }.joined(separator: ", ") + ", …"
        return "IndexTensor(shape: \(shape), [\(values)])"
    }
}

extension Tensor {
    /// The indices as Float32 values of the same shape (exact up to 2²⁴).
    public init(_ indices: IndexTensor) {
        self.init(shape: indices.shape, scalars: indices.scalars.map { Float($0) })
    }
}
