import Dispatch
import Foundation

/// Runs each body on a new thread of its own and returns once all of them have returned:
/// a fork and a join. Leaving the group at the end of each body and waiting on it orders
/// everything the threads wrote before everything the caller does next.
///
/// Threads are started per call rather than kept in a pool: an A3C iteration runs for tens
/// of milliseconds or more, against tens of microseconds to start a thread, and a pool would
/// need its own wake-up protocol for no measurable gain.
func runOnOwnThreads(_ bodies: [@Sendable () -> Void]) {
    let group = DispatchGroup()
    for (i, body) in bodies.enumerated() {
        group.enter()
        let thread = Thread {
            body()
            group.leave()
        }
        thread.name = "swiftrl-a3c-worker-\(i)"
        thread.start()
    }
    group.wait()
}

/// Hands a worker to the thread that runs it for one iteration.
///
/// `@unchecked Sendable` because ``A3CWorker`` is a plain class: it is safe because the
/// agent gives each worker to exactly one thread and touches none of them until
/// ``runOnOwnThreads(_:)`` has joined every thread; the shared model the workers have in
/// common guards itself with its lock, and the control is made of atomics.
struct WorkerHandoff: @unchecked Sendable {
    let worker: A3CWorker
    let shared: A3CSharedModel
    let control: IterationControl
    let config: A3CConfig

    func run() {
        worker.run(shared: shared, control: control, config: config)
    }
}
