import Foundation
import Tensors

/// Named arrays and string metadata in the safetensors format
/// (<https://github.com/huggingface/safetensors>), which PyTorch, NumPy, JAX and the
/// Hugging Face tools read directly:
///
/// ```
/// [8 bytes: N, little-endian UInt64] [N bytes: UTF-8 JSON header] [tensor data]
/// header: {"__metadata__": {"k": "v"}, "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}, …}
/// ```
/// Offsets count from the first byte after the header; data is little-endian, row-major and
/// contiguous. Reading validates the file as the reference implementation does (header size
/// cap, offsets tiling the data exactly) and never trusts a length before checking it against
/// the file's size. Writing is atomic: an interrupted save never destroys the previous file.
///
/// ```swift
/// try SafeTensorsFile.write([("weight", w)], metadata: ["step": "1000"], to: url)
/// let (tensors, metadata) = try SafeTensorsFile.read(from: url)
/// ```
public struct SafeTensorsFile: Sendable {
    /// The arrays, in file order.
    public var entries: [(name: String, value: SafeTensorsValue)]
    /// Free-form string pairs stored under `__metadata__`.
    public var metadata: [String: String]

    /// The header-size cap of the reference implementation: a larger length is corruption, or
    /// not a safetensors file at all.
    public static let maximumHeaderByteCount = 100_000_000

    /// A file with the given arrays and metadata, to be written with ``write(to:)``.
    public init(entries: [(name: String, value: SafeTensorsValue)] = [], metadata: [String: String] = [:]) {
        self.entries = entries
        self.metadata = metadata
    }

    /// The names of the arrays, in file order.
    public var names: [String] { entries.map(\.name) }

    /// The array called `name`, if there is one.
    public subscript(name: String) -> SafeTensorsValue? {
        entries.first { $0.name == name }?.value
    }

    /// The F32 array called `name` as a tensor; throws if it is missing or has another dtype.
    public func tensor(named name: String) throws -> Tensor {
        guard let value = self[name] else { throw SafeTensorsError.missingTensors([name]) }
        guard let tensor = value.tensor else {
            throw SafeTensorsError.dtypeMismatch(tensor: name, expected: .float32, found: value.dtype)
        }
        return tensor
    }
}

// MARK: - Convenience for F32 tensors

extension SafeTensorsFile {
    /// Atomically writes F32 tensors and metadata to `url`, replacing any file there.
    public static func write(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:],
                             to url: URL) throws {
        try SafeTensorsFile(entries: tensors.map { (name: $0.name, value: .float32($0.tensor)) }, metadata: metadata)
            .write(to: url)
    }

    /// Reads a file of F32 tensors; throws ``SafeTensorsError/dtypeMismatch(tensor:expected:found:)``
    /// if any array has another dtype.
    public static func read(from url: URL) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let file = try SafeTensorsFile(contentsOf: url)
        var tensors: [String: Tensor] = [:]
        for (name, value) in file.entries {
            guard let tensor = value.tensor else {
                throw SafeTensorsError.dtypeMismatch(tensor: name, expected: .float32, found: value.dtype)
            }
            tensors[name] = tensor
        }
        return (tensors, file.metadata)
    }
}

// MARK: - Writing

extension SafeTensorsFile {
    /// Atomically writes the arrays and metadata to `url`, replacing any file there.
    ///
    /// Arrays with wider scalars come first (F64/I64, then F32/I32, then U8), otherwise in
    /// ``entries`` order: with the header padded to 8 bytes, as the reference writer does, every
    /// array then starts at an offset aligned for its dtype, so readers can map it in place.
    public func write(to url: URL) throws {
        var seen = Set<String>()
        for (name, value) in entries {
            if name.isEmpty { throw SafeTensorsError.invalidName(name, reason: "the name is empty") }
            if name == "__metadata__" {
                throw SafeTensorsError.invalidName(name, reason: "the format reserves this name for the metadata")
            }
            if !seen.insert(name).inserted {
                throw SafeTensorsError.invalidName(name, reason: "another tensor has the same name")
            }
            if value.scalarCount != Tensor.count(of: value.shape) || value.shape.contains(where: { $0 < 0 }) {
                throw SafeTensorsError.inconsistentValue(tensor: name, shape: value.shape, scalarCount: value.scalarCount)
            }
        }
        let ordered = entries.enumerated().sorted {
            ($1.element.value.dtype.scalarByteCount, $0.offset) < ($0.element.value.dtype.scalarByteCount, $1.offset)
        }.map(\.element)

        var json = "{"
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }
                .map { Self.jsonString($0.key) + ":" + Self.jsonString($0.value) }
            json += "\"__metadata__\":{" + pairs.joined(separator: ",") + "}"
        }
        var offset = 0
        for (index, (name, value)) in ordered.enumerated() {
            let end = offset + value.scalarCount * value.dtype.scalarByteCount
            if index > 0 || !metadata.isEmpty { json += "," }
            json += Self.jsonString(name) + ":{\"dtype\":\"\(value.dtype.rawValue)\",\"shape\":["
                + value.shape.map(String.init).joined(separator: ",") + "],\"data_offsets\":[\(offset),\(end)]}"
            offset = end
        }
        json += "}"
        var header = Array(json.utf8)
        // Spaces are JSON whitespace, so padding keeps the header valid while aligning the data.
        header += repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8)
        guard header.count <= Self.maximumHeaderByteCount else {
            throw SafeTensorsError.writeFailed(path: url.path, reason: "the header of \(entries.count) names would exceed "
                                               + "the format's 100 MB limit; store fewer, larger arrays")
        }

        try AtomicFileWriter.write(to: url) { file in
            try withUnsafeBytes(of: UInt64(header.count).littleEndian) { try file.write($0) }
            try header.withUnsafeBytes { try file.write($0) }
            for (_, value) in ordered {
                try value.withUnsafeBytes { bytes in
                    #if _endian(big)
                    var swapped = Array(bytes)
                    swapped.withUnsafeMutableBytes { reverseScalarBytes($0, width: value.dtype.scalarByteCount) }
                    try swapped.withUnsafeBytes { try file.write($0) }
                    #else
                    try file.write(bytes)
                    #endif
                }
            }
        }
    }

    /// `string` as a JSON string literal (RFC 8259 §7).
    static func jsonString(_ string: String) -> String {
        var result = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

// MARK: - Reading

extension SafeTensorsFile {
    /// Reads and validates the safetensors file at `url`. Arrays come in file order.
    ///
    /// Throws ``SafeTensorsError`` when the file is missing, truncated, has an invalid header,
    /// an unsupported dtype, or offsets that do not tile its data exactly; it never reads or
    /// allocates more than the file holds.
    public init(contentsOf url: URL) throws {
        let file = try FileReader(url: url)
        let path = file.path
        guard file.byteCount >= 8 else {
            throw SafeTensorsError.truncated(path: path, expectedByteCount: 8, actualByteCount: file.byteCount, tensor: nil)
        }
        var lengthPrefix: UInt64 = 0
        try withUnsafeMutableBytes(of: &lengthPrefix) { try file.read(into: $0, at: 0, tensor: nil) }
        let headerLength = UInt64(littleEndian: lengthPrefix)
        guard headerLength <= UInt64(Self.maximumHeaderByteCount) else {
            throw SafeTensorsError.headerTooLarge(path: path, byteCount: headerLength)
        }
        let dataStart = 8 + Int(headerLength)
        guard dataStart <= file.byteCount else {
            throw SafeTensorsError.truncated(path: path, expectedByteCount: dataStart, actualByteCount: file.byteCount,
                                             tensor: nil)
        }
        let headerBytes = try [UInt8](unsafeUninitializedCapacity: Int(headerLength)) { buffer, initialized in
            try file.read(into: UnsafeMutableRawBufferPointer(buffer), at: 8, tensor: nil)
            initialized = buffer.count
        }
        let header = try Header(decoding: headerBytes, path: path)
        let slots = try Self.layout(of: header.entries, path: path)

        // Compared against what is left rather than added to dataStart: a corrupted header can
        // put offsets near Int.max.
        let dataByteCount = slots.last?.end ?? 0, available = file.byteCount - dataStart
        if dataByteCount > available {
            let first = slots.first { $0.end > available }!
            let (needed, overflow) = dataStart.addingReportingOverflow(first.end)
            throw SafeTensorsError.truncated(path: path, expectedByteCount: overflow ? .max : needed,
                                             actualByteCount: file.byteCount, tensor: first.name)
        }
        if dataByteCount < available {
            throw SafeTensorsError.trailingBytes(path: path, byteCount: available - dataByteCount)
        }
        entries = try slots.map { slot in
            let value = try SafeTensorsValue.make(dtype: slot.dtype, shape: slot.shape,
                                                  scalarCount: slot.scalarCount) { bytes in
                try file.read(into: bytes, at: dataStart + slot.begin, tensor: slot.name)
                #if _endian(big)
                reverseScalarBytes(bytes, width: slot.dtype.scalarByteCount)
                #endif
            }
            return (name: slot.name, value: value)
        }
        metadata = header.metadata
    }

    /// Where one array lives in the data buffer, after validation.
    private struct Slot {
        var name: String
        var dtype: SafeTensorsDType
        var shape: [Int]
        var scalarCount: Int
        var begin: Int
        var end: Int
    }

    /// Validates every entry and that, in offset order, the arrays tile the data buffer from
    /// byte 0 without gaps or overlaps (the reference implementation's rule).
    private static func layout(of entries: [(name: String, entry: Header.Entry)], path: String) throws -> [Slot] {
        var slots: [Slot] = []
        slots.reserveCapacity(entries.count)
        for (name, entry) in entries {
            func invalid(_ reason: String) -> SafeTensorsError {
                .invalidEntry(path: path, tensor: name, reason: reason)
            }
            guard let dtype = SafeTensorsDType(rawValue: entry.dtype) else {
                throw SafeTensorsError.unsupportedDType(path: path, tensor: name, dtype: entry.dtype)
            }
            guard entry.shape.allSatisfy({ $0 >= 0 }) else { throw invalid("shape \(entry.shape) has a negative dimension") }
            guard entry.dataOffsets.count == 2 else {
                throw invalid("data_offsets has \(entry.dataOffsets.count) numbers instead of 2")
            }
            let begin = entry.dataOffsets[0], end = entry.dataOffsets[1]
            guard begin >= 0, begin <= end else {
                throw invalid("data_offsets [\(begin), \(end)] is not an interval 0 ≤ begin ≤ end")
            }
            var scalarCount = 1, overflow = false
            for extent in entry.shape where !overflow {
                (scalarCount, overflow) = scalarCount.multipliedReportingOverflow(by: extent)
            }
            let (byteCount, byteOverflow) = scalarCount.multipliedReportingOverflow(by: dtype.scalarByteCount)
            guard !overflow, !byteOverflow else { throw invalid("shape \(entry.shape) is impossibly large") }
            guard end - begin == byteCount else {
                throw SafeTensorsError.sizeMismatch(path: path, tensor: name, dtype: dtype, shape: entry.shape,
                                                    expectedByteCount: byteCount, actualByteCount: end - begin)
            }
            slots.append(Slot(name: name, dtype: dtype, shape: entry.shape, scalarCount: scalarCount,
                              begin: begin, end: end))
        }
        slots.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var expectedBegin = 0, previous: String?
        for slot in slots {
            if slot.begin != expectedBegin {
                let reason = switch (previous, slot.begin < expectedBegin) {
                case (nil, _): "it begins at byte \(slot.begin), but the first tensor must begin at 0"
                case (let previous?, true):
                    "it begins at byte \(slot.begin), inside tensor \"\(previous)\", which ends at \(expectedBegin)"
                case (let previous?, false):
                    "it begins at byte \(slot.begin), but tensor \"\(previous)\" ends at \(expectedBegin), "
                        + "leaving \(slot.begin - expectedBegin) unused bytes"
                }
                throw SafeTensorsError.invalidOffsets(path: path, tensor: slot.name, reason: reason)
            }
            expectedBegin = slot.end
            previous = slot.name
        }
        return slots
    }
}

// MARK: - Header

/// The decoded JSON header, before validation of its values.
private struct Header: Decodable {
    /// One tensor's header entry, field for field.
    struct Entry: Decodable {
        var dtype: String
        var shape: [Int]
        var dataOffsets: [Int]

        enum CodingKeys: String, CodingKey {
            case dtype, shape
            case dataOffsets = "data_offsets"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            dtype = try container.decode(String.self, forKey: .dtype)
            shape = try Self.integers(in: container, forKey: .shape)
            dataOffsets = try Self.integers(in: container, forKey: .dataOffsets)
        }

        /// Decodes an integer array. For a fractional or out-of-range number, JSONDecoder throws an
        /// internal error that only becomes an "invalid JSON" error without a coding path at the
        /// top; this gives it the tensor and field so the error can name them.
        private static func integers(in container: KeyedDecodingContainer<CodingKeys>,
                                     forKey key: CodingKeys) throws -> [Int] {
            do {
                return try container.decode([Int].self, forKey: key)
            } catch let error as DecodingError {
                throw error
            } catch {
                throw DecodingError.dataCorrupted(.init(codingPath: container.codingPath + [key],
                                                        debugDescription: "\(error)", underlyingError: error))
            }
        }
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static let metadataKey = "__metadata__"

    var entries: [(name: String, entry: Entry)] = []
    var metadata: [String: String] = [:]
    private var sawMetadata = false

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        for key in container.allKeys {
            if key.stringValue == Self.metadataKey {
                metadata = try container.decode([String: String].self, forKey: key)
                sawMetadata = true
            } else {
                entries.append((key.stringValue, try container.decode(Entry.self, forKey: key)))
            }
        }
    }

    /// Decodes `bytes`, turning decoder errors into ``SafeTensorsError`` values that name the
    /// tensor and field at fault.
    init(decoding bytes: [UInt8], path: String) throws {
        guard String(bytes: bytes, encoding: .utf8) != nil else {
            throw SafeTensorsError.invalidHeader(path: path, reason: "it is not valid UTF-8")
        }
        do {
            self = try JSONDecoder().decode(Header.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw Self.translate(error, path: path)
        }
        // The format forbids repeated names, but JSONDecoder silently keeps one of them; every
        // top-level member has exactly one colon outside strings, so counting them finds repeats.
        let decodedCount = entries.count + (sawMetadata ? 1 : 0)
        let memberCount = Self.topLevelMemberCount(bytes)
        if memberCount != decodedCount {
            let repeats = memberCount - decodedCount
            throw SafeTensorsError.invalidHeader(path: path, reason: repeats == 1 ? "a name appears twice"
                                                                                  : "\(repeats) names appear twice")
        }
    }

    /// The number of members of the top-level object in valid JSON `bytes`.
    private static func topLevelMemberCount(_ bytes: [UInt8]) -> Int {
        var depth = 0, count = 0, inString = false, escaped = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: ":") where depth == 1: count += 1
            default: break
            }
        }
        return count
    }

    private static func translate(_ error: DecodingError, path: String) -> SafeTensorsError {
        let context: DecodingError.Context
        var missingKey: (any CodingKey)?
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): context = c
        case .keyNotFound(let key, let c): context = c; missingKey = key
        @unknown default: return .invalidHeader(path: path, reason: "\(error)")
        }
        guard let top = context.codingPath.first else {
            if case .dataCorrupted = error {
                return .invalidHeader(path: path, reason: "it is not valid JSON (\(context.debugDescription))")
            }
            return .invalidHeader(path: path, reason: "it is not a JSON object")
        }
        if top.stringValue == metadataKey {
            return .invalidHeader(path: path, reason: "\"__metadata__\" must be an object whose values are all strings")
        }
        let field = context.codingPath.dropFirst().first?.stringValue
        let reason: String
        switch (missingKey, field, error) {
        case (let key?, _, _): reason = "\"\(key.stringValue)\" is missing"
        case (nil, nil, _): reason = "it is not an object"
        case (nil, let field?, .valueNotFound): reason = "\"\(field)\" is null"
        case (nil, let field?, .dataCorrupted): reason = "\"\(field)\" holds a number that is not a 64-bit integer"
        case (nil, let field?, _): reason = "\"\(field)\" has the wrong type"
        }
        return .invalidEntry(path: path, tensor: top.stringValue, reason: reason)
    }
}

/// Reverses the bytes of each `width`-byte scalar: little-endian file ⇄ big-endian host.
func reverseScalarBytes(_ bytes: UnsafeMutableRawBufferPointer, width: Int) {
    guard width > 1 else { return }
    var start = 0
    while start + width <= bytes.count {
        var low = start, high = start + width - 1
        while low < high {
            bytes.swapAt(low, high)
            low += 1
            high -= 1
        }
        start += width
    }
}
