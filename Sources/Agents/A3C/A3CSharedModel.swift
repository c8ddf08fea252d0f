import Foundation
import Networks
import Tensors

/// The parameters every worker trains (the paper's global θ and θ_v), the optimizer whose
/// statistics all workers share, and the one lock that guards both.
///
/// `@unchecked Sendable` because worker threads reach it concurrently: every read or write
/// of ``policyNetwork``, ``valueNetwork``, ``optimizer`` and ``updates`` while workers run
/// goes through ``pull(into:)`` or ``apply(_:steps:schedule:pullingInto:)``, which hold
/// `lock`. Everything else (the agent's greedy policy, checkpoints, restore) runs only
/// between iterations, after every worker thread was joined, which orders it after the
/// workers' writes.
final class A3CSharedModel: @unchecked Sendable {
    let policyNetwork: Sequential
    let valueNetwork: Sequential
    let optimizer: any Optimizer
    /// Both networks' parameters, policy first: the optimizer's order and the workers'.
    let parameters: [Parameter]
    /// Gradient updates applied so far, all workers together.
    private(set) var updates = 0
    /// Environment steps whose gradients were applied: the paper's global counter T, which
    /// the learning-rate schedule follows.
    private(set) var appliedSteps = 0
    /// Spins rather than sleeps: see ``SpinLock`` for the measurements.
    private let lock = SpinLock()
    /// Seconds workers spent waiting for the lock and holding it: the price of sharing.
    private(set) var lockSeconds = (waiting: 0.0, holding: 0.0)

    init(policyNetwork: Sequential, valueNetwork: Sequential, makeOptimizer: ([Parameter]) -> any Optimizer) {
        self.policyNetwork = policyNetwork
        self.valueNetwork = valueNetwork
        parameters = policyNetwork.parameters + valueNetwork.parameters
        optimizer = makeOptimizer(parameters)
    }

    /// Copies the shared weights into a worker's local parameters (same order and shapes).
    func pull(into local: [Parameter]) {
        let start = DispatchTime.now().uptimeNanoseconds
        lock.lock()
        let acquired = DispatchTime.now().uptimeNanoseconds
        copyWeights(into: local)
        let end = DispatchTime.now().uptimeNanoseconds
        lockSeconds.waiting += Double(acquired - start) / 1e9
        lockSeconds.holding += Double(end - acquired) / 1e9
        lock.unlock()
    }

    /// Applies a worker's gradients (computed on its local copy from a rollout of `steps`
    /// steps) to the shared parameters with the shared optimizer at the rate the schedule
    /// gives for the steps applied so far, then copies the result back into the worker's
    /// local parameters, all under one acquisition of the lock (Algorithm S3's "perform
    /// asynchronous update" followed by the next rollout's "synchronize thread-specific
    /// parameters").
    func apply(_ gradients: [Tensor], steps: Int, schedule: LearningRateSchedule, pullingInto local: [Parameter]) {
        let start = DispatchTime.now().uptimeNanoseconds
        lock.lock()
        let acquired = DispatchTime.now().uptimeNanoseconds
        optimizer.learningRate = schedule.value(at: appliedSteps)
        optimizer.step(gradients)
        updates += 1
        appliedSteps += steps
        copyWeights(into: local)
        let end = DispatchTime.now().uptimeNanoseconds
        lockSeconds.waiting += Double(acquired - start) / 1e9
        lockSeconds.holding += Double(end - acquired) / 1e9
        lock.unlock()
    }

    /// Sets the counters a checkpoint restores (between iterations only).
    func restoreCounters(updates: Int, appliedSteps: Int) {
        lock.withLock {
            self.updates = updates
            self.appliedSteps = appliedSteps
        }
    }

    private func copyWeights(into local: [Parameter]) {
        precondition(local.count == parameters.count, "A3CSharedModel: \(local.count) local parameters for \(parameters.count) shared")
        for (source, target) in zip(parameters, local) {
            source.detachedValue.withUnsafeBufferPointer { s in
                target.update { t in
                    precondition(t.count == s.count, "A3CSharedModel: local \(target.name) has \(t.count) values, shared \(s.count)")
                    t.baseAddress!.update(from: s.baseAddress!, count: s.count)
                }
            }
        }
    }
}
