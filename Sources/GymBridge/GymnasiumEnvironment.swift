import Environments
import Foundation

/// A keyword argument for `gymnasium.make` (`frameskip=1`, `continuous=True`).
public enum GymArgument: Sendable, Hashable, Codable, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByStringLiteral {
    case int(Int)
    case double(Double)
    case bool(Bool)
    case string(String)

    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(stringLiteral value: String) { self = .string(value) }

    /// Reads command-line text the way Python would read the literal: `true`/`false`
    /// (any case) as booleans, integers, then decimals; anything else is a string.
    public init(parsing text: String) {
        switch text.lowercased() {
        case "true": self = .bool(true)
        case "false": self = .bool(false)
        default:
            if let value = Int(text) { self = .int(value) } else if let value = Double(text), value.isFinite { self = .double(value) } else { self = .string(text) }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .int(value): try container.encode(value)
        case let .double(value): try container.encode(value)
        case let .bool(value): try container.encode(value)
        case let .string(value): try container.encode(value)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) { self = .bool(value) } else if let value = try? container.decode(Int.self) { self = .int(value) } else if let value = try? container.decode(Double.self) { self = .double(value) } else { self = .string(try container.decode(String.self)) }
    }
}

/// Any Gymnasium environment, run by a Python worker process and seen from Swift as an
/// ordinary ``Environment``: `GymnasiumEnvironment(id: "ALE/Breakout-v5")`.
///
/// Spaces are translated: `Discrete` (with its start), `Box` (uint8 stays uint8; every other
/// dtype travels as float32), `MultiDiscrete` and `MultiBinary` (as `MultiDiscrete` of 2s);
/// `Dict` and `Tuple` are an error unless `flattenObservation` is on. `info` entries that are
/// numeric or boolean scalars come across (ALE's `lives`, `episode_frame_number`); others are
/// left in Python. Gymnasium's own registered time limit stays in force and reports
/// `truncated`, exactly as in Python.
///
/// The worker is started by the initializer and ended by ``close()`` or deinitialization;
/// see ``PythonWorker`` for why it cannot outlive this process. One instance is used by one
/// thread at a time, like every environment; for several at once, make several (each has
/// its own process) and step them with a parallel ``SyncVectorEnvironment``.
public final class GymnasiumEnvironment: Environment, RepeatedStepping {
    /// The Gymnasium id.
    public let id: String
    public let observationSpace: Space
    public let actionSpace: Space
    public let renderMode: RenderMode?
    /// Gymnasium's registered step limit, applied inside the worker (nil: none).
    public let maxEpisodeSteps: Int?
    /// Gymnasium's registered reward threshold.
    public let rewardThreshold: Double?
    /// The worker's process id.
    public var workerProcessID: Int32 { worker.processID }
    /// The versions of Python, Gymnasium and NumPy the worker runs.
    public let versions: [String: String]

    private let worker: PythonWorker
    private let observationWire: Wire
    /// Bytes of one action in a step request: an int64, or one int64 (MultiDiscrete) or
    /// float32 (Box, whatever its dtype) per element.
    private let actionByteCount: Int
    private var episodeState = EpisodeState.needsReset
    /// Whether observations arrive in the worker's shared memory rather than in replies.
    private var observationsInSharedMemory = false
    private var infoLayout = InfoLayoutCache()
    /// Observations at least this large (16 KB: images) go through shared memory.
    static let sharedMemoryThreshold = 16_384

    private enum EpisodeState { case needsReset, running, ended }

    /// How a space's values travel: which scalar type and how many of them.
    private enum Wire {
        case discrete
        case integers(count: Int, shape: [Int])
        case bytes(count: Int, shape: [Int])
        case floats(count: Int, shape: [Int])
    }

    /// The interpreter used when none is given: `SWIFTRL_PYTHON`, else `python3` on PATH.
    public static var defaultPython: String {
        ProcessInfo.processInfo.environment["SWIFTRL_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "python3"
    }

    /// Starts a worker running `gymnasium.make(id, render_mode=..., **arguments)`.
    ///
    /// - Parameters:
    ///   - arguments: keyword arguments of `gymnasium.make` (`["frameskip": 1]`).
    ///   - python: the interpreter (a path, or a name looked up on PATH).
    ///   - flattenObservation: wrap in `gymnasium.wrappers.FlattenObservation`, for `Dict` and
    ///     `Tuple` observations.
    ///   - sharesCallerCore: at the first reset or step, pin the calling thread and the
    ///     worker to the core the caller is on (Linux). A step is a handoff, SwiftRL waiting
    ///     while Python steps and back; on two cores each handoff wakes a sleeping core
    ///     (through the hypervisor on a virtual machine) and moves the frame between caches.
    ///     On this project's 2-core VM one bridged Pong ran at 50–70% of ale-py's own speed
    ///     unpinned and at 85% sharing a core. Right for one environment driven by one
    ///     thread; leave it off for vectors, whose workers need the other cores.
    ///   - startupTimeout: seconds to wait for imports and `make`.
    public init(id: String, arguments: [String: GymArgument] = [:], renderMode: RenderMode? = nil,
                python: String = GymnasiumEnvironment.defaultPython, flattenObservation: Bool = false,
                sharesCallerCore: Bool = false, startupTimeout: Double = 120) throws {
        self.id = id
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let kwargs = String(decoding: try encoder.encode(arguments), as: UTF8.self)
        let flags = String(decoding: try encoder.encode(["flatten_observation": flattenObservation]), as: UTF8.self)
        worker = try PythonWorker(python: python, script: WorkerScript.source,
                                  arguments: [id, kwargs, renderMode?.rawValue ?? "", flags],
                                  label: id, startupTimeout: startupTimeout)
        let body = Data(bytes: worker.reply.baseAddress!, count: worker.replyCount)
        let hello: Hello
        do {
            guard worker.greetingStatus == 0 else { throw Self.error(from: body, label: id, operation: "make") }
            hello = try JSONDecoder().decode(Hello.self, from: body)
            (observationSpace, observationWire) = try hello.observationSpace.translated(label: id)
            let actionWire: Wire
            (actionSpace, actionWire) = try hello.actionSpace.translated(label: id)
            switch actionWire {
            case .discrete: actionByteCount = 8
            case let .integers(count, _): actionByteCount = 8 * count
            case let .floats(count, _), let .bytes(count, _): actionByteCount = 4 * count
            }
        } catch {
            worker.close()
            throw error
        }
        worker.sharesCallerCore = sharesCallerCore
        switch observationWire {
        case let .bytes(count, _) where count >= Self.sharedMemoryThreshold:
            observationsInSharedMemory = try worker.mapSharedMemory(byteCount: count)
        case let .floats(count, _) where 4 * count >= Self.sharedMemoryThreshold:
            observationsInSharedMemory = try worker.mapSharedMemory(byteCount: 4 * count)
        default:
            break
        }
        maxEpisodeSteps = hello.maxEpisodeSteps
        rewardThreshold = hello.rewardThreshold
        self.renderMode = hello.renderMode.flatMap(RenderMode.init(rawValue:))
        versions = hello.versions
    }

    deinit { worker.close() }

    public func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        let status = try worker.request(1, payloadCount: 9) { payload in
            payload.storeBytes(of: seed == nil ? 0 : 1, as: UInt8.self)
            payload.storeBytes(of: (seed ?? 0).littleEndian, toByteOffset: 1, as: UInt64.self)
        }
        try check(status, operation: "reset")
        var reader = ReplyReader(worker: worker, label: id)
        let observation = try decodeObservation(&reader)
        let info = try reader.info(cache: &infoLayout)
        episodeState = .running
        return (observation, info)
    }

    public func step(_ action: Action) throws -> Step {
        var reader = try sendStep(action, opcode: 2)
        let reward = try reader.double()
        let terminated = try reader.byte() != 0
        let truncated = try reader.byte() != 0
        let observation = try decodeObservation(&reader)
        let info = try reader.info(cache: &infoLayout)
        if terminated || truncated { episodeState = .ended }
        return Step(observation: observation, reward: reward, terminated: terminated, truncated: truncated, info: info)
    }

    /// Repeats `action` in the worker (request 6): one round trip for a whole frame skip.
    /// The kept observations come through the socket.
    public func step(_ action: Action, repeating count: Int, keepingObservationsAt indices: Set<Int>) throws -> RepeatedSteps {
        precondition((1...64).contains(count), "step(_:repeating:): count must lie in 1...64, got \(count)")
        var mask: UInt64 = 0
        for index in indices where (0..<count).contains(index) { mask |= 1 << UInt64(index) }
        var reader = try sendStep(action, opcode: 6, header: 12) { payload in
            payload.storeBytes(of: UInt32(count).littleEndian, as: UInt32.self)
            payload.storeBytes(of: mask.littleEndian, toByteOffset: 4, as: UInt64.self)
        }
        let taken = Int(try reader.uint32())
        guard (1...count).contains(taken) else {
            throw GymBridgeError.protocolViolation(label: id, reason: "\(taken) repeated steps for a request of \(count)")
        }
        let rewards = try (0..<taken).map { _ in try reader.double() }
        let terminated = try reader.byte() != 0
        let truncated = try reader.byte() != 0
        let info = try reader.info(cache: &infoLayout)
        var observations: [Int: Observation] = [:]
        for index in 0..<taken where mask & (1 << UInt64(index)) != 0 {
            observations[index] = try decodeObservation(&reader, fromReply: true)
        }
        if terminated || truncated { episodeState = .ended }
        return RepeatedSteps(rewards: rewards, terminated: terminated, truncated: truncated, info: info, observations: observations)
    }

    /// Checks the episode and the action, sends a step request (`header` bytes written by
    /// `writeHeader`, then the action), and returns a reader over the reply.
    private func sendStep(_ action: Action, opcode: UInt8, header: Int = 0,
                          writeHeader: (UnsafeMutableRawPointer) -> Void = { _ in }) throws -> ReplyReader {
        switch episodeState {
        case .needsReset: throw EnvironmentError.stepBeforeReset(id: id)
        case .ended: throw EnvironmentError.stepAfterDone(id: id)
        case .running: break
        }
        if let reason = actionSpace.violation(of: action) { throw EnvironmentError.invalidAction(id: id, reason: reason) }
        let status = try worker.request(opcode, payloadCount: header + actionByteCount) { payload in
            writeHeader(payload)
            Self.encode(action, into: payload + header)
        }
        do {
            try check(status, operation: "step")
        } catch {
            // The Python environment's state after an exception is unknown.
            episodeState = .needsReset
            throw error
        }
        return ReplyReader(worker: worker, label: id)
    }

    private static func encode(_ action: Action, into payload: UnsafeMutableRawPointer) {
        switch action {
        case let .discrete(value):
            payload.storeBytes(of: Int64(value).littleEndian, as: Int64.self)
        case let .multiDiscrete(values):
            for (i, value) in values.enumerated() { payload.storeBytes(of: Int64(value).littleEndian, toByteOffset: 8 * i, as: Int64.self) }
        case let .float32(values, _):
            for (i, value) in values.enumerated() { payload.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self) }
        case let .uint8(values, _):
            for (i, value) in values.enumerated() { payload.storeBytes(of: Float(value).bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self) }
        }
    }

    public func render() throws -> Frame {
        guard renderMode == .rgbArray else {
            throw EnvironmentError.renderingUnavailable(id: id, reason: "make it with render_mode rgb_array (option render_mode=rgb_array)")
        }
        try check(try worker.request(3, payloadCount: 0), operation: "render")
        var reader = ReplyReader(worker: worker, label: id)
        let height = Int(try reader.uint32())
        let width = Int(try reader.uint32())
        let pixels = try reader.bytes(height * width * 3)
        return .rgb(pixels: pixels, height: height, width: width)
    }

    public func close() { worker.close() }

    /// The worker's output so far (Python warnings, prints), most recent last.
    public func workerLog(maxBytes: Int = 4_000) -> String { worker.logTail(maxBytes: maxBytes) }

    // MARK: Replies

    private func check(_ status: UInt8, operation: String) throws {
        guard status != 0 else { return }
        throw Self.error(from: Data(bytes: worker.reply.baseAddress!, count: worker.replyCount), label: id, operation: operation)
    }

    private static func error(from body: Data, label: String, operation: String) -> GymBridgeError {
        guard let reply = try? JSONDecoder().decode(ErrorReply.self, from: body), let kind = reply.kind else {
            return .protocolViolation(label: label, reason: "an unreadable error reply")
        }
        let message = reply.message ?? ""
        let traceback = reply.traceback ?? ""
        switch kind {
        case "missing_module":
            return .missingModule(label: label, module: reply.module ?? "?", install: reply.install ?? "pip install \(reply.module ?? "")", message: message)
        case "unknown_id":
            return .unknownID(id: label, message: message, suggestions: reply.suggestions ?? [])
        case "unsupported_space":
            return .unsupportedSpace(label: label, description: message)
        case "make_failed":
            return .makeFailed(label: label, message: message, traceback: traceback)
        default:
            return .pythonException(label: label, operation: operation, message: message, traceback: traceback)
        }
    }

    private func decodeObservation(_ reader: inout ReplyReader, fromReply: Bool = false) throws -> Observation {
        if !fromReply, observationsInSharedMemory, let memory = worker.sharedMemory {
            switch observationWire {
            case let .bytes(count, shape):
                return .uint8([UInt8](UnsafeRawBufferPointer(start: memory, count: count)), shape: shape)
            case let .floats(count, shape):
                return .float32([Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                    UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: memory, byteCount: 4 * count)
                    initialized = count
                }, shape: shape)
            default:
                break
            }
        }
        switch observationWire {
        case .discrete: return .discrete(Int(try reader.int64()))
        case let .integers(count, _): return .multiDiscrete(try (0..<count).map { _ in Int(try reader.int64()) })
        case let .bytes(count, shape): return .uint8(try reader.bytes(count), shape: shape)
        case let .floats(count, shape): return .float32(try reader.floats(count), shape: shape)
        }
    }

    // MARK: The greeting

    private struct ErrorReply: Decodable {
        let kind: String?
        let message: String?
        let traceback: String?
        let module: String?
        let install: String?
        let suggestions: [String]?
    }

    private struct Hello: Decodable {
        let observationSpace: SpaceDescription
        let actionSpace: SpaceDescription
        let maxEpisodeSteps: Int?
        let rewardThreshold: Double?
        let renderMode: String?
        let versions: [String: String]

        enum CodingKeys: String, CodingKey {
            case observationSpace = "observation_space", actionSpace = "action_space"
            case maxEpisodeSteps = "max_episode_steps", rewardThreshold = "reward_threshold"
            case renderMode = "render_mode", versions
        }
    }

    /// A bound of a Box: one number for every element, or one per element. Infinities
    /// travel as the strings "inf" and "-inf", which JSON lacks.
    private enum Bounds: Decodable {
        case uniform(Float)
        case each([Float])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let values = try? container.decode([Number].self) {
                self = .each(values.map(\.value))
            } else {
                self = .uniform(try container.decode(Number.self).value)
            }
        }

        func values(count: Int) -> [Float] {
            switch self {
            case let .uniform(value): return Array(repeating: value, count: count)
            case let .each(values): return values
            }
        }

        struct Number: Decodable {
            let value: Float
            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let text = try? container.decode(String.self) {
                    value = text.hasPrefix("-") ? -.infinity : .infinity
                } else {
                    value = Float(try container.decode(Double.self))
                }
            }
        }
    }

    private struct SpaceDescription: Decodable {
        let kind: String
        let n: Int?
        let start: StartValue?
        let nvec: [Int]?
        let shape: [Int]?
        let dtype: String?
        let low: Bounds?
        let high: Bounds?

        enum StartValue: Decodable {
            case one(Int), many([Int])
            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let values = try? container.decode([Int].self) { self = .many(values) } else { self = .one(try container.decode(Int.self)) }
            }
        }

        func translated(label: String) throws -> (Space, Wire) {
            switch kind {
            case "discrete":
                guard let n, n > 0 else { break }
                if case let .one(start)? = start { return (.discrete(n, start: start), .discrete) }
                return (.discrete(n), .discrete)
            case "multi_discrete":
                guard let nvec, !nvec.isEmpty else { break }
                return (.multiDiscrete(nvec), .integers(count: nvec.count, shape: [nvec.count]))
            case "multi_binary":
                guard let n, n > 0 else { break }
                return (.multiDiscrete(Array(repeating: 2, count: n)), .integers(count: n, shape: [n]))
            case "box":
                guard let shape, let low, let high, shape.allSatisfy({ $0 > 0 }) else { break }
                let count = shape.reduce(1, *)
                let lows = low.values(count: count)
                let highs = high.values(count: count)
                guard lows.count == count, highs.count == count else { break }
                if dtype == "uint8" {
                    return (.box(low: lows, high: highs, shape: shape, scalarType: .uint8), .bytes(count: count, shape: shape))
                }
                return (.box(low: lows, high: highs, shape: shape, scalarType: .float32), .floats(count: count, shape: shape))
            default:
                break
            }
            throw GymBridgeError.protocolViolation(label: label, reason: "a space description SwiftRL cannot read (kind '\(kind)')")
        }
    }
}

/// The keys of the last info layout a worker sent, with the bytes that described them.
struct InfoLayoutCache {
    var descriptor: [UInt8] = []
    var keys: [String] = []
}

/// Reads the fields of the worker's latest reply in order, checking that each fits.
private struct ReplyReader {
    let base: UnsafeRawPointer
    let count: Int
    let label: String
    var offset = 0

    init(worker: PythonWorker, label: String) {
        base = UnsafeRawPointer(worker.reply.baseAddress!)
        count = worker.replyCount
        self.label = label
    }

    private mutating func take(_ size: Int) throws -> UnsafeRawPointer {
        guard size >= 0, offset + size <= count else {
            throw GymBridgeError.protocolViolation(label: label, reason: "a reply of \(count) bytes where \(offset + size) were needed")
        }
        defer { offset += size }
        return base + offset
    }

    mutating func byte() throws -> UInt8 { try take(1).load(as: UInt8.self) }
    mutating func uint32() throws -> UInt32 { UInt32(littleEndian: try take(4).loadUnaligned(as: UInt32.self)) }
    mutating func int64() throws -> Int64 { Int64(littleEndian: try take(8).loadUnaligned(as: Int64.self)) }
    mutating func double() throws -> Double { Double(bitPattern: UInt64(littleEndian: try take(8).loadUnaligned(as: UInt64.self))) }

    mutating func bytes(_ n: Int) throws -> [UInt8] {
        let source = try take(n)
        return [UInt8](unsafeUninitializedCapacity: n) { buffer, initialized in
            buffer.baseAddress!.update(from: source.assumingMemoryBound(to: UInt8.self), count: n)
            initialized = n
        }
    }

    mutating func floats(_ n: Int) throws -> [Float] {
        let source = try take(4 * n)
        return [Float](unsafeUninitializedCapacity: n) { buffer, initialized in
            UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: source, byteCount: 4 * n)
            initialized = n
        }
    }

    mutating func info(cache: inout InfoLayoutCache) throws -> Info {
        let start = offset
        let entries = Int(UInt16(littleEndian: try take(2).loadUnaligned(as: UInt16.self)))
        guard entries > 0 else { return Info() }
        var types: [UInt8] = []
        types.reserveCapacity(entries)
        for _ in 0..<entries {
            let keyLength = Int(try byte())
            _ = try take(keyLength)
            types.append(try byte())
        }
        // The descriptors repeat step after step: decode the keys once per layout.
        let descriptor = UnsafeRawBufferPointer(start: base + start, count: offset - start)
        if !descriptor.elementsEqual(cache.descriptor) {
            var keys: [String] = []
            var position = 2
            for _ in 0..<entries {
                let keyLength = Int(descriptor[position])
                keys.append(String(decoding: UnsafeRawBufferPointer(rebasing: descriptor[(position + 1)..<(position + 1 + keyLength)]), as: UTF8.self))
                position += keyLength + 2
            }
            cache = InfoLayoutCache(descriptor: Array(descriptor), keys: keys)
        }
        var values: [String: InfoValue] = Dictionary(minimumCapacity: entries)
        for (key, type) in zip(cache.keys, types) {
            let raw = UInt64(littleEndian: try take(8).loadUnaligned(as: UInt64.self))
            switch type {
            case 0: values[key] = .int(Int(Int64(bitPattern: raw)))
            case 1: values[key] = .double(Double(bitPattern: raw))
            case 2: values[key] = .bool(raw != 0)
            default: throw GymBridgeError.protocolViolation(label: label, reason: "an info entry of type \(type)")
            }
        }
        return Info(values)
    }
}
