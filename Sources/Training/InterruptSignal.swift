import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

private let interruptRequested = Atomic<Bool>(false)

/// Turns Ctrl-C (SIGINT, and SIGTERM) into a request that the training loop honours at the
/// next iteration boundary: it writes a checkpoint and returns, so `swiftrl resume`
/// continues exactly. A second Ctrl-C stops the process at once, as users expect.
public enum InterruptSignal {
    /// Installs the handlers (idempotent).
    public static func install() {
        let handler: @convention(c) (Int32) -> Void = { signalNumber in
            if interruptRequested.exchange(true, ordering: .sequentiallyConsistent) {
                // Second request: restore the default action and re-raise.
                signal(signalNumber, SIG_DFL)
                raise(signalNumber)
            }
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
    }

    /// Whether an interrupt has arrived since the last ``clear()``.
    public static var isRequested: Bool { interruptRequested.load(ordering: .sequentiallyConsistent) }

    /// Asks the loop to stop, as Ctrl-C does (for tests and embedding applications).
    public static func request() { interruptRequested.store(true, ordering: .sequentiallyConsistent) }

    public static func clear() { interruptRequested.store(false, ordering: .sequentiallyConsistent) }
}
