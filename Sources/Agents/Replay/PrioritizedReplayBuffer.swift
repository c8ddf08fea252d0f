import Environments
import Foundation
import Networks
import Randomness

/// Proportional prioritized experience replay (Schaul et al. 2016, "Prioritized Experience
/// Replay", §3.3–3.4): transition i is drawn with probability P(i) = p_i^α / Σ_k p_k^α, where
/// p_i = |δ_i| + ε is its last TD error's magnitude, and its update is weighted by the
/// importance-sampling weight w_i = (N · P(i))^−β / max_j w_j, with β annealed towards 1.
///
/// New transitions enter at the largest priority seen so far, so each is replayed at least
/// once soon (Algorithm 1, line 6). A batch of B rows draws one prefix sum from each of B
/// equal segments of the total priority (the paper's stratified sampling, as in OpenAI
/// Baselines and Dopamine), from a ``SumTree``; a ``MinTree`` gives the smallest priority,
/// which fixes the weights' normaliser max_j w_j = (N · P_min)^−β over the whole buffer.
public final class PrioritizedReplayBuffer: ReplayBuffer {
    /// The priority exponent α (0 is uniform sampling; the paper uses 0.6 for proportional).
    public let alpha: Double
    /// β as a function of the transitions observed (``ReplayBuffer/observedTransitions``):
    /// the paper anneals it linearly from 0.4 to 1 over training,
    /// `.linear(from: 0.4, to: 1, steps: totalSteps)`.
    public let beta: LearningRateSchedule
    /// Added to |δ| so no transition's priority is 0 (the paper's ε).
    public let epsilon: Double
    /// The largest priority p (before the exponent α) seen so far; new transitions get it.
    public internal(set) var maxPriority: Double = 1

    var sums: SumTree
    var minimums: MinTree

    /// A prioritized buffer; the storage arguments are those of ``ReplayBuffer``.
    public init(capacity: Int, observationShape: [Int], observationType: ScalarType = .float32,
                actionLayout: ReplayActionLayout = .discrete, frameStack: Int = 1,
                stackPadding: ReplayStackPadding = .reset,
                alpha: Double = 0.6, beta: LearningRateSchedule = 0.4, epsilon: Double = 1e-6) {
        precondition(alpha >= 0, "PrioritizedReplayBuffer: alpha must be non-negative, got \(alpha)")
        precondition(epsilon > 0, "PrioritizedReplayBuffer: epsilon must be positive, got \(epsilon)")
        self.alpha = alpha
        self.beta = beta
        self.epsilon = epsilon
        sums = SumTree(count: capacity)
        minimums = MinTree(count: capacity)
        super.init(capacity: capacity, observationShape: observationShape, observationType: observationType,
                   actionLayout: actionLayout, frameStack: frameStack, stackPadding: stackPadding)
    }

    /// β for the next batch.
    public var currentBeta: Double { Double(beta.value(at: observedTransitions)) }

    /// The sampling weight p_i^α of slot `index` (0 for slots without a transition).
    public func priorityWeight(ofSlot index: Int) -> Double { sums[index] }

    /// The sum of p_i^α over the stored transitions.
    public var totalPriorityWeight: Double { sums.total }

    /// Sets the priorities of the slots a batch returned (``ReplayBatch/indices``) to
    /// |tdError| + ε. Slots overwritten since the batch was drawn hold no transition of that
    /// batch; a slot that holds no transition at all is skipped.
    public func updatePriorities(indices: [Int], tdErrors: [Float]) {
        precondition(indices.count == tdErrors.count,
                     "PrioritizedReplayBuffer.updatePriorities: \(indices.count) indices but \(tdErrors.count) TD errors")
        for (index, error) in zip(indices, tdErrors) {
            precondition(index >= 0 && index < capacity, "PrioritizedReplayBuffer.updatePriorities: slot \(index) out of 0..<\(capacity)")
            precondition(error.isFinite, "PrioritizedReplayBuffer.updatePriorities: TD error of slot \(index) is \(error)")
            guard kinds[index] == Kind.transition else { continue }
            let priority = Double(abs(error)) + epsilon
            maxPriority = max(maxPriority, priority)
            setWeight(pow(priority, alpha), at: index)
        }
    }

    private func setWeight(_ weight: Double, at index: Int) {
        sums[index] = weight
        minimums[index] = weight > 0 ? weight : .infinity
    }

    override func willOverwrite(slot index: Int) {
        if sums[index] != 0 || minimums[index] != .infinity { setWeight(0, at: index) }
    }

    override func didStoreTransition(at index: Int) {
        setWeight(pow(maxPriority, alpha), at: index)
    }

    override func drawSlots(_ count: Int, using generator: inout RandomGenerator) throws -> [Int] {
        let total = sums.total
        guard transitionCount > 0, total > 0 else {
            throw ReplayBufferError.insufficientData("the buffer holds no complete transition")
        }
        let segment = total / Double(count)
        var slots: [Int] = []
        slots.reserveCapacity(count)
        for row in 0..<count {
            var chosen: Int?
            // Within its segment first; a slot whose frames left the ring is redrawn.
            for _ in 0..<32 {
                let index = sums.index(forPrefixSum: (Double(row) + generator.uniformDouble()) * segment)
                if sums[index] > 0 && isSampleable(index) { chosen = index; break }
            }
            if chosen == nil {
                for _ in 0..<Self.drawsPerRow {
                    let index = sums.index(forPrefixSum: generator.uniformDouble() * total)
                    if sums[index] > 0 && isSampleable(index) { chosen = index; break }
                }
            }
            guard let index = chosen else {
                throw ReplayBufferError.insufficientData("too few stored transitions have all \(frameStack) frames in the ring")
            }
            slots.append(index)
        }
        return slots
    }

    /// w_i = (N · P(i))^−β / max_j w_j = (p_i^α / min_j p_j^α)^−β (Schaul et al. 2016, §3.4).
    override func importanceWeights(for slots: [Int]) -> [Float] {
        let b = currentBeta, smallest = minimums.minimum
        return slots.map { Float(pow(sums[$0] / smallest, -b)) }
    }

    struct PriorityState: Codable {
        var alpha: Double
        var epsilon: Double
        var beta: LearningRateSchedule
        var maxPriority: Double
    }

    override func appendExtras(to file: inout SafeTensorsFile) throws {
        file.entries.append(("priority_weights", .float64(shape: [capacity], scalars: (0..<capacity).map { sums[$0] })))
        file.metadata["prioritized_replay"] = try Self.json(
            PriorityState(alpha: alpha, epsilon: epsilon, beta: beta, maxPriority: maxPriority))
    }

    override func restoreExtras(from file: SafeTensorsFile) throws {
        guard let text = file.metadata["prioritized_replay"],
              let state = try? JSONDecoder().decode(PriorityState.self, from: Data(text.utf8)) else {
            throw ReplayBufferError.invalidSavedState("it has no priorities; it was saved from a uniform ReplayBuffer")
        }
        guard state.alpha == alpha, state.epsilon == epsilon, state.beta == beta else {
            throw ReplayBufferError.invalidSavedState("it was saved with alpha \(state.alpha), epsilon \(state.epsilon), beta \(state.beta); this buffer has alpha \(alpha), epsilon \(epsilon), beta \(beta)")
        }
        guard case let .float64(_, weights) = try Self.entry(file, "priority_weights"), weights.count == capacity,
              weights.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
            throw ReplayBufferError.invalidSavedState("the array 'priority_weights' is not \(capacity) non-negative F64 values")
        }
        for (index, weight) in weights.enumerated() { setWeight(weight, at: index) }
        maxPriority = state.maxPriority
    }

    public override func removeAll() {
        super.removeAll()
        maxPriority = 1
    }
}
