import CKernels
import Synchronization

/// The memory behind a tensor: a 64-byte-aligned block of Float32 values.
///
/// A reference type so that tensors share memory on copy; ``Tensor`` gives it value
/// semantics by copying before a write when the block is shared.
public final class TensorStorage: @unchecked Sendable {
    private static let allocations = Atomic<Int>(0)

    /// How many storage blocks this process has allocated so far. Tests use it to show that
    /// the acting path allocates none.
    public static var allocationCount: Int { allocations.load(ordering: .relaxed) }

    /// Number of Float32 values.
    public let count: Int
    /// Start of the block. Aligned to 64 bytes so that AVX-512 loads never straddle lines.
    public let pointer: UnsafeMutablePointer<Float>

    /// Allocates uninitialised storage for `count` values.
    public init(uninitializedCount count: Int) {
        precondition(count >= 0, "TensorStorage: negative count \(count)")
        TensorStorage.allocations.add(1, ordering: .relaxed)
        self.count = count
        let raw = srl_allocate(max(count, 1) * MemoryLayout<Float>.stride)!
        self.pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    /// Allocates storage filled with `value`.
    public convenience init(count: Int, repeating value: Float) {
        self.init(uninitializedCount: count)
        pointer.initialize(repeating: value, count: count)
    }

    deinit {
        srl_deallocate(pointer, max(count, 1) * MemoryLayout<Float>.stride)
    }

    /// A new block holding the same values.
    public func copy() -> TensorStorage {
        let other = TensorStorage(uninitializedCount: count)
        other.pointer.update(from: pointer, count: count)
        return other
    }

    @inlinable
    public var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: pointer, count: count)
    }
}
