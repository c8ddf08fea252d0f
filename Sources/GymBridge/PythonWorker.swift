import CProcess
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One Python process running `worker.py`, and the socket SwiftRL talks to it over.
///
/// Lifetime rules, so that no worker outlives SwiftRL or lingers as a zombie:
/// - the worker is alone in its own process group, so Ctrl-C at the terminal reaches only
///   SwiftRL, which saves its checkpoint and then closes the worker; the worker also ignores
///   SIGINT itself;
/// - the worker blocks on its socket between requests, and SwiftRL's end is close-on-exec,
///   so when SwiftRL dies for any reason the worker reads end-of-file and exits;
/// - ``close()`` (also run by `deinit`) asks the worker to exit, waits briefly, kills it
///   otherwise, and always reaps it.
final class PythonWorker {
    /// What the worker printed (stdout and stderr) goes to an unlinked temporary file, read
    /// back when it fails: a pipe would need a reader thread, or fill up and block Python.
    private let logDescriptor: Int32
    /// An anonymous shared-memory file the worker gets as descriptor 4, through which large
    /// observations travel once mapped (``mapSharedMemory(byteCount:)``); -1 where the
    /// system has none (then everything goes through the socket).
    private let memoryDescriptor: Int32
    /// The mapping of ``memoryDescriptor``, once made.
    private(set) var sharedMemory: UnsafeRawPointer?
    private var sharedMemoryCount = 0
    private var socketDescriptor: Int32
    private(set) var processID: pid_t
    private(set) var isClosed = false
    /// Which environment this worker runs, for error messages.
    let label: String
    private var sendBuffer: UnsafeMutableRawBufferPointer
    /// The body of the latest reply (after its status byte); valid until the next request.
    private(set) var reply: UnsafeMutableRawBufferPointer
    private(set) var replyCount = 0
    /// The status byte of the worker's greeting: 0 when the environment was made, else the
    /// greeting is an error reply.
    private(set) var greetingStatus: UInt8 = 0

    /// Starts `python -c script arguments...` and waits for its first message.
    init(python: String, script: String, arguments: [String], label: String, startupTimeout: Double) throws {
        self.label = label
        let executable = try PythonWorker.locate(python)
        var pair: [Int32] = [-1, -1]
        #if canImport(Glibc)
        let socketType = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        #else
        let socketType = SOCK_STREAM
        #endif
        guard socketpair(AF_UNIX, socketType, 0, &pair) == 0 else {
            throw GymBridgeError.system(label: label, call: "socketpair", errno: errno)
        }
        #if canImport(Darwin)
        _ = fcntl(pair[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(pair[1], F_SETFD, FD_CLOEXEC)
        var on: Int32 = 1
        setsockopt(pair[0], SOL_SOCKET, SO_NOSIGPIPE, &on, socklen_t(MemoryLayout<Int32>.size))
        #endif
        // Room for a whole reply in the socket: with the default buffer a 100 KB Atari frame
        // crosses in several pieces, each waking the reader.
        for descriptor in pair {
            var size: Int32 = 4 << 20
            setsockopt(descriptor, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var template = Array("\(PythonWorker.temporaryDirectory)/swiftrl-gym-XXXXXX".utf8CString)
        let log = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard log >= 0 else {
            closeDescriptor(pair[0]); closeDescriptor(pair[1])
            throw GymBridgeError.system(label: label, call: "mkstemp", errno: errno)
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        _ = fcntl(log, F_SETFD, FD_CLOEXEC)
        logDescriptor = log
        memoryDescriptor = srl_memfd("swiftrl-gym")
        socketDescriptor = pair[0]
        sendBuffer = .allocate(byteCount: 1 << 12, alignment: 8)
        reply = .allocate(byteCount: 1 << 16, alignment: 8)
        do {
            processID = try PythonWorker.spawn(executable: executable, arguments: ["-c", script] + arguments,
                                               socket: pair[1], log: log, memory: memoryDescriptor, label: label)
        } catch {
            closeDescriptor(pair[0]); closeDescriptor(pair[1]); closeDescriptor(log); closeDescriptor(memoryDescriptor)
            sendBuffer.deallocate(); reply.deallocate()
            throw error
        }
        closeDescriptor(pair[1])
        do {
            try waitReadable(timeout: startupTimeout)
            greetingStatus = try receive()
        } catch {
            close()
            throw error
        }
    }

    deinit {
        close()
        sendBuffer.deallocate()
        reply.deallocate()
    }

    /// Sends request `opcode` with `payload` written by `writePayload` into a buffer of
    /// `payloadCount` bytes, then waits for the reply. Returns the reply's status byte.
    func request(_ opcode: UInt8, payloadCount: Int, writePayload: (UnsafeMutableRawPointer) -> Void = { _ in }) throws -> UInt8 {
        guard !isClosed else { throw GymBridgeError.closed(label: label) }
        let total = 7 + payloadCount
        if total > sendBuffer.count {
            sendBuffer.deallocate()
            sendBuffer = .allocate(byteCount: total, alignment: 8)
        }
        let base = sendBuffer.baseAddress!
        base.storeBytes(of: UInt32(3 + payloadCount).littleEndian, toByteOffset: 0, as: UInt32.self)
        base.storeBytes(of: opcode, toByteOffset: 4, as: UInt8.self)
        base.storeBytes(of: coreForWorker().littleEndian, toByteOffset: 5, as: Int16.self)
        writePayload(base + 7)
        try sendAll(base, count: total)
        return try receive()
    }

    /// Reads one reply into ``reply``; returns its status byte.
    @discardableResult
    private func receive() throws -> UInt8 {
        var header: (UInt32, UInt8) = (0, 0)
        try withUnsafeMutableBytes(of: &header) { try receiveExactly(into: $0.baseAddress!, count: 5) }
        var length = 0
        var status: UInt8 = 0
        withUnsafeBytes(of: header) { raw in
            length = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt32.self)))
            status = raw[4]
        }
        guard length >= 1 else { throw GymBridgeError.protocolViolation(label: label, reason: "a reply of length \(length)") }
        let count = length - 1
        if count > reply.count {
            reply.deallocate()
            reply = .allocate(byteCount: count, alignment: 8)
        }
        if count > 0 { try receiveExactly(into: reply.baseAddress!, count: count) }
        replyCount = count
        return status
    }

    /// Whether the first request pins the calling thread and the worker to the caller's
    /// current core (see ``GymnasiumEnvironment/init(id:arguments:renderMode:python:flattenObservation:sharesCallerCore:startupTimeout:)``).
    var sharesCallerCore = false
    private var pinned = false

    /// The core the worker should move to before serving this request, or -1 to stay.
    private func coreForWorker() -> Int16 {
        guard sharesCallerCore, !pinned else { return -1 }
        pinned = true
        let cpu = srl_pin_current_thread()
        return cpu >= 0 && cpu < Int32(Int16.max) ? Int16(cpu) : -1
    }

    private func sendAll(_ bytes: UnsafeRawPointer, count: Int) throws {
        var sent = 0
        while sent < count {
            #if canImport(Glibc)
            let n = send(socketDescriptor, bytes + sent, count - sent, Int32(MSG_NOSIGNAL))
            #else
            let n = send(socketDescriptor, bytes + sent, count - sent, 0)
            #endif
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE || errno == ECONNRESET { throw died() }
                throw GymBridgeError.system(label: label, call: "send", errno: errno)
            }
            sent += n
        }
    }

    private func receiveExactly(into destination: UnsafeMutableRawPointer, count: Int) throws {
        var received = 0
        while received < count {
            let n = recv(socketDescriptor, destination + received, count - received, Int32(MSG_WAITALL))
            if n == 0 { throw died() }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == ECONNRESET { throw died() }
                throw GymBridgeError.system(label: label, call: "recv", errno: errno)
            }
            received += n
        }
    }

    private func waitReadable(timeout: Double) throws {
        var descriptor = pollfd(fd: socketDescriptor, events: Int16(POLLIN), revents: 0)
        let deadline = monotonicSeconds() + timeout
        while true {
            let left = deadline - monotonicSeconds()
            if left <= 0 { throw GymBridgeError.startupTimeout(label: label, seconds: timeout, log: logTail()) }
            let ready = poll(&descriptor, 1, Int32(min(left, 1) * 1000))
            if ready > 0 { return }
            if ready < 0 && errno != EINTR { throw GymBridgeError.system(label: label, call: "poll", errno: errno) }
        }
    }

    /// The error for a worker that went away: reaps it and attaches the end of its output.
    private func died() -> GymBridgeError {
        let status = reap(graceSeconds: 2)
        isClosed = true
        let log = logTail()
        releaseResources()
        return .workerDied(label: label, exit: status, log: log)
    }

    /// Ends the worker: asks it to exit, kills it after a short grace period, reaps it.
    /// Idempotent; runs at `deinit`.
    func close() {
        if !isClosed {
            isClosed = true
            // Opcode 4 asks the worker to close its environment and exit; a worker busy or
            // hung gets killed after the grace period.
            let message: [UInt8] = [3, 0, 0, 0, 4, 0xFF, 0xFF]
            message.withUnsafeBytes { raw in
                #if canImport(Glibc)
                _ = send(socketDescriptor, raw.baseAddress!, raw.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
                #else
                _ = send(socketDescriptor, raw.baseAddress!, raw.count, MSG_DONTWAIT)
                #endif
            }
            _ = reap(graceSeconds: 2)
        }
        releaseResources()
    }

    private var released = false

    /// Closes the descriptors and the mapping (once), also after the worker died.
    private func releaseResources() {
        guard !released else { return }
        released = true
        closeDescriptor(socketDescriptor)
        socketDescriptor = -1
        closeDescriptor(logDescriptor)
        unmapSharedMemory()
        closeDescriptor(memoryDescriptor)
    }

    /// Sizes the shared-memory file to `byteCount`, maps it, and asks the worker (opcode 5)
    /// to write observations there instead of into its replies. Returns false, leaving
    /// observations on the socket, where shared memory is unavailable.
    ///
    /// Why: an Atari frame is 100 KB; through the socket the kernel copies it twice into
    /// freshly allocated buffers, through shared memory each side copies it once.
    func mapSharedMemory(byteCount: Int) throws -> Bool {
        guard memoryDescriptor >= 0, byteCount > 0, sharedMemory == nil else { return sharedMemory != nil }
        guard ftruncate(memoryDescriptor, off_t(byteCount)) == 0 else { return false }
        let address = mmap(nil, byteCount, PROT_READ, MAP_SHARED, memoryDescriptor, 0)
        guard let address, address != MAP_FAILED else { return false }
        sharedMemory = UnsafeRawPointer(address)
        sharedMemoryCount = byteCount
        let status = try request(5, payloadCount: 8) { $0.storeBytes(of: UInt64(byteCount).littleEndian, as: UInt64.self) }
        guard status == 0 else {
            unmapSharedMemory()
            return false
        }
        return true
    }

    private func unmapSharedMemory() {
        if let sharedMemory { munmap(UnsafeMutableRawPointer(mutating: sharedMemory), sharedMemoryCount) }
        sharedMemory = nil
    }

    /// Waits up to `graceSeconds` for the worker to exit, then kills it; returns how it ended.
    private func reap(graceSeconds: Double) -> WorkerExit {
        var status: Int32 = 0
        let deadline = monotonicSeconds() + graceSeconds
        while true {
            let result = waitpid(processID, &status, WNOHANG)
            if result == processID { return WorkerExit(status: status) }
            if result < 0 && errno != EINTR { return .unknown }
            if monotonicSeconds() >= deadline { break }
            usleep(2_000)
        }
        kill(processID, SIGKILL)
        while waitpid(processID, &status, 0) < 0 && errno == EINTR {}
        return WorkerExit(status: status)
    }

    /// The last few kilobytes the worker printed, for errors.
    func logTail(maxBytes: Int = 4_000) -> String {
        guard !released else { return "" }
        var info = stat()
        guard fstat(logDescriptor, &info) == 0 else { return "" }
        let size = Int(info.st_size)
        let start = max(0, size - maxBytes)
        var bytes = [UInt8](repeating: 0, count: size - start)
        let read = bytes.withUnsafeMutableBytes { pread(logDescriptor, $0.baseAddress, $0.count, off_t(start)) }
        guard read > 0 else { return "" }
        return String(decoding: bytes.prefix(read), as: UTF8.self)
    }

    // MARK: Starting the process

    private static var temporaryDirectory: String {
        if let value = getenv("TMPDIR"), let text = String(validatingCString: value), !text.isEmpty { return text }
        return "/tmp"
    }

    /// The interpreter's path: `python` itself when it names a file, else the first match on
    /// PATH.
    static func locate(_ python: String) throws -> String {
        if python.contains("/") {
            guard access(python, X_OK) == 0 else { throw GymBridgeError.pythonNotFound(python: python, searched: [python]) }
            return python
        }
        let path = getenv("PATH").flatMap { String(validatingCString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
        var searched: [String] = []
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(python)"
            searched.append(String(directory))
            if access(candidate, X_OK) == 0 { return candidate }
        }
        throw GymBridgeError.pythonNotFound(python: python, searched: searched)
    }

    /// This process's environment, with NumPy's BLAS and OpenMP pools limited to one thread
    /// unless the user set them: a worker steps one environment, and N workers each with a
    /// pool of spinning BLAS threads would fight over the cores.
    private static func workerEnvironment() -> [String] {
        var entries: [String] = []
        var names = Set<String>()
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            entries.append(text)
            if let equals = text.firstIndex(of: "=") { names.insert(String(text[..<equals])) }
            pointer += 1
        }
        for name in ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"] where !names.contains(name) {
            entries.append("\(name)=1")
        }
        return entries
    }

    private static func spawn(executable: String, arguments: [String], socket: Int32, log: Int32, memory: Int32,
                              label: String) throws -> pid_t {
        #if canImport(Glibc)
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #else
        var actions: posix_spawn_file_actions_t?
        var attributes: posix_spawnattr_t?
        #endif
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, log, 1)
        posix_spawn_file_actions_adddup2(&actions, log, 2)
        posix_spawn_file_actions_adddup2(&actions, socket, 3)
        if memory >= 0 { posix_spawn_file_actions_adddup2(&actions, memory, 4) }
        // Own process group: the terminal's Ctrl-C goes to SwiftRL alone. Default dispositions
        // for the signals SwiftRL may have set to be ignored or handled.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        var noMask = sigset_t()
        sigemptyset(&noMask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &noMask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let envp = workerEnvironment().map { strdup($0) } + [nil]
        defer { for pointer in envp { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else { throw GymBridgeError.system(label: label, call: "posix_spawn \(executable)", errno: result) }
        return pid
    }
}

/// How a worker process ended.
public enum WorkerExit: Sendable, Equatable, CustomStringConvertible {
    case exited(code: Int32)
    case signaled(Int32)
    case unknown

    init(status: Int32) {
        let signal = status & 0x7f
        self = signal == 0 ? .exited(code: (status >> 8) & 0xff) : .signaled(signal)
    }

    public var description: String {
        switch self {
        case let .exited(code): return "exited with status \(code)"
        case let .signaled(signal): return "was killed by signal \(signal)\(signal == SIGKILL ? " (SIGKILL: out of memory, or killed from outside)" : signal == SIGSEGV ? " (SIGSEGV: a crash in native code)" : "")"
        case .unknown: return "ended in an unknown way"
        }
    }
}

func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
}

/// `close(2)`, named apart from ``PythonWorker/close()``, which shadows it inside the class.
@inline(__always) func closeDescriptor(_ descriptor: Int32) {
    if descriptor >= 0 { _ = close(descriptor) }
}
