#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs each body on a new thread of its own and returns once every thread has ended: a
/// fork and a join. `pthread_join` returns only after a thread's exit has finished
/// (thread-specific destructors included), which orders everything the threads did before
/// everything the caller does next, and leaves no thread behind that could still release the
/// last reference to an agent's objects while it is being torn down.
///
/// Threads are started per call rather than kept in a pool: an A3C iteration runs for
/// milliseconds or more, against tens of microseconds to start a thread, and a pool would
/// need its own wake-up protocol for little gain. Should a thread fail to start (a process
/// out of threads), its body runs on the calling thread instead, after the others were
/// started: slower, never wrong.
func runOnOwnThreads(_ bodies: [@Sendable () -> Void]) {
    var threads: [pthread_t] = []
    var notStarted: [@Sendable () -> Void] = []
    for body in bodies {
        let context = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
        if let thread = startThread(context) {
            threads.append(thread)
        } else {
            Unmanaged<ThreadBody>.fromOpaque(context).release()
            notStarted.append(body)
        }
    }
    for body in notStarted { body() }
    for thread in threads { pthread_join(thread, nil) }
}

/// A thread's body, passed through `pthread_create`'s untyped argument.
private final class ThreadBody: Sendable {
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}

#if canImport(Glibc)
private func startThread(_ context: UnsafeMutableRawPointer) -> pthread_t? {
    var thread = pthread_t()
    let result = pthread_create(&thread, nil, { raw in
        // Released here, while the thread is fully alive, not in its teardown.
        Unmanaged<ThreadBody>.fromOpaque(raw!).takeRetainedValue().run()
        return nil
    }, context)
    return result == 0 ? thread : nil
}
#elseif canImport(Darwin)
private func startThread(_ context: UnsafeMutableRawPointer) -> pthread_t? {
    var thread: pthread_t?
    let result = pthread_create(&thread, nil, { raw in
        Unmanaged<ThreadBody>.fromOpaque(raw).takeRetainedValue().run()
        return nil
    }, context)
    return result == 0 ? thread : nil
}
#endif

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
