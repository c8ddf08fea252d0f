/// A binary tree whose nodes hold the sums of their leaves: setting a leaf and finding the
/// leaf at a prefix sum both take O(log n), which is what proportional prioritized replay
/// needs (Schaul et al. 2016, appendix B.2.1).
public struct SumTree: Sendable {
    /// The number of leaves.
    public let count: Int
    private let leafBase: Int
    private var nodes: [Double]

    /// A tree of `count` leaves, all 0.
    public init(count: Int) {
        precondition(count > 0, "SumTree: count must be positive, got \(count)")
        self.count = count
        var base = 1
        while base < count { base <<= 1 }
        leafBase = base
        nodes = Array(repeating: 0, count: 2 * base)
    }

    /// The sum of all leaves.
    public var total: Double { nodes[1] }

    /// Leaf `index`; setting it (to a non-negative value) updates its ancestors.
    public subscript(index: Int) -> Double {
        get { nodes[leafBase + index] }
        set {
            precondition(index >= 0 && index < count && newValue >= 0,
                         "SumTree: leaf \(index) of \(count) set to \(newValue); leaves are non-negative")
            var node = leafBase + index
            nodes[node] = newValue
            node >>= 1
            while node >= 1 {
                nodes[node] = nodes[2 * node] + nodes[2 * node + 1]
                node >>= 1
            }
        }
    }

    /// The leaf i whose cumulative range [Σ_{j<i} leaf_j, Σ_{j≤i} leaf_j) contains
    /// `prefixSum` (clamped into [0, total)): drawing `prefixSum` uniformly in [0, total)
    /// picks leaf i with probability leaf_i / total.
    public func index(forPrefixSum prefixSum: Double) -> Int {
        var remaining = max(0, prefixSum), node = 1
        while node < leafBase {
            let left = 2 * node
            if remaining < nodes[left] || nodes[left + 1] == 0 {
                node = left
            } else {
                remaining -= nodes[left]
                node = left + 1
            }
        }
        return min(node - leafBase, count - 1)
    }
}

/// A binary tree whose nodes hold the minimum of their leaves, for the smallest priority
/// that normalises importance-sampling weights (OpenAI Baselines' `MinSegmentTree`).
public struct MinTree: Sendable {
    /// The number of leaves.
    public let count: Int
    private let leafBase: Int
    private var nodes: [Double]

    /// A tree of `count` leaves, all +∞ (no value).
    public init(count: Int) {
        precondition(count > 0, "MinTree: count must be positive, got \(count)")
        self.count = count
        var base = 1
        while base < count { base <<= 1 }
        leafBase = base
        nodes = Array(repeating: .infinity, count: 2 * base)
    }

    /// The smallest leaf (+∞ when every leaf is +∞).
    public var minimum: Double { nodes[1] }

    /// Leaf `index`; setting it updates its ancestors.
    public subscript(index: Int) -> Double {
        get { nodes[leafBase + index] }
        set {
            precondition(index >= 0 && index < count, "MinTree: leaf \(index) out of 0..<\(count)")
            var node = leafBase + index
            nodes[node] = newValue
            node >>= 1
            while node >= 1 {
                nodes[node] = min(nodes[2 * node], nodes[2 * node + 1])
                node >>= 1
            }
        }
    }
}
