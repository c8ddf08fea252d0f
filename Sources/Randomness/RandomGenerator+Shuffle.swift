extension RandomGenerator {
    /// Shuffles `collection` in place with the Fisher–Yates algorithm, every permutation equally
    /// likely.
    ///
    /// The standard library's `shuffle(using:)` works with this generator too, but its exact
    /// sequence of draws is an implementation detail that may change between Swift releases;
    /// this one is pinned, so recorded runs replay the same minibatch order on any toolchain.
    @inlinable
    public mutating func shuffle<C: MutableCollection & RandomAccessCollection>(
        _ collection: inout C
    ) {
        let count = collection.count
        guard count > 1 else { return }
        let start = collection.startIndex
        for last in stride(from: count - 1, to: 0, by: -1) {
            let other = int(below: last + 1)
            if other != last {
                collection.swapAt(
                    collection.index(start, offsetBy: last),
                    collection.index(start, offsetBy: other))
            }
        }
    }

    /// Returns a random ordering of `0..<count`, for example minibatch indices for an epoch.
    ///
    /// - Precondition: `count >= 0`.
    public mutating func permutation(_ count: Int) -> [Int] {
        precondition(count >= 0, "permutation(_:) needs a non-negative count, got \(count)")
        var indices = Array(0..<count)
        shuffle(&indices)
        return indices
    }
}
