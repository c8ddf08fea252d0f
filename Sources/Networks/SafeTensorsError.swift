/// Why a safetensors file could not be read or written, or does not fit the network it is
/// loaded into. Every description says what is wrong and how to fix it.
public enum SafeTensorsError: Error, Equatable, Sendable {
    /// Nothing exists at `path`.
    case fileNotFound(path: String)
    /// The file exists but could not be opened or read (permissions, a directory, an I/O error).
    case readFailed(path: String, reason: String)
    /// The file could not be written; any previous file at `path` is unchanged.
    case writeFailed(path: String, reason: String)
    /// The file ends before the byte its own header says it reaches. `tensor` is the first
    /// tensor whose data is cut off, or nil when the cut is in the length prefix or the header.
    case truncated(path: String, expectedByteCount: Int, actualByteCount: Int, tensor: String?)
    /// The 8-byte header length exceeds the 100 MB cap of the reference implementation.
    case headerTooLarge(path: String, byteCount: UInt64)
    /// The header is not UTF-8 JSON, not an object, or `__metadata__` is not a string map.
    case invalidHeader(path: String, reason: String)
    /// A tensor's header entry lacks `dtype`, `shape` or `data_offsets`, or one has the wrong form.
    case invalidEntry(path: String, tensor: String, reason: String)
    /// A tensor has a dtype that SwiftRL does not read.
    case unsupportedDType(path: String, tensor: String, dtype: String)
    /// A tensor's `data_offsets` span a different number of bytes than its dtype and shape need.
    case sizeMismatch(path: String, tensor: String, dtype: SafeTensorsDType, shape: [Int],
                      expectedByteCount: Int, actualByteCount: Int)
    /// A tensor's data overlaps the previous tensor's or leaves a gap after it; the format
    /// requires the tensors to tile the data buffer exactly.
    case invalidOffsets(path: String, tensor: String, reason: String)
    /// The file has bytes after the end of its last tensor.
    case trailingBytes(path: String, byteCount: Int)
    /// A tensor name is empty, repeated, or the reserved `__metadata__`.
    case invalidName(String, reason: String)
    /// A value's scalar count is not the product of its shape.
    case inconsistentValue(tensor: String, shape: [Int], scalarCount: Int)
    /// Tensors the network needs are not in the file.
    case missingTensors([String])
    /// The file has tensors the network does not have (strict loading only).
    case unexpectedTensors([String])
    /// A tensor has a different shape in the file than in the network.
    case shapeMismatch(tensor: String, expected: [Int], found: [Int])
    /// A tensor has a different dtype in the file than the reader needs.
    case dtypeMismatch(tensor: String, expected: SafeTensorsDType, found: SafeTensorsDType)
}

extension SafeTensorsError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "No safetensors file at \(path): check the path, or save the network there first."
        case .readFailed(let path, let reason):
            return "Cannot read \(path): \(reason)."
        case .writeFailed(let path, let reason):
            return "Cannot write \(path): \(reason). Any previous file at that path is unchanged."
        case .truncated(let path, let expected, let actual, let tensor):
            let part = tensor.map { "the data of tensor \"\($0)\"" }
                ?? (actual < 8 ? "the 8-byte header length" : "the JSON header")
            return "\(path) is truncated: \(part) needs the file to be at least \(expected) bytes, but it has "
                + "\(actual). The file was cut short (an interrupted copy or download, or a full disk); "
                + "copy it again or load an earlier checkpoint."
        case .headerTooLarge(let path, let byteCount):
            return "\(path) declares a header of \(byteCount) bytes, more than the 100 MB safetensors limit: "
                + "it is probably not a safetensors file or its first 8 bytes are corrupted."
        case .invalidHeader(let path, let reason):
            return "\(path) has an invalid safetensors header: \(reason). The file is corrupted or is not "
                + "a safetensors file."
        case .invalidEntry(let path, let tensor, let reason):
            return "\(path): the header entry of tensor \"\(tensor)\" is invalid: \(reason). Each entry needs "
                + "\"dtype\" (a string), \"shape\" (non-negative integers) and \"data_offsets\" ([begin, end])."
        case .unsupportedDType(let path, let tensor, let dtype):
            let known = SafeTensorsDType.allCases.map(\.rawValue).joined(separator: ", ")
            return "\(path): tensor \"\(tensor)\" has dtype \"\(dtype)\", which SwiftRL does not read "
                + "(supported: \(known)). Convert it before saving, e.g. to F32."
        case .sizeMismatch(let path, let tensor, let dtype, let shape, let expected, let actual):
            return "\(path): tensor \"\(tensor)\" of dtype \(dtype.rawValue) and shape \(shape) needs \(expected) "
                + "bytes, but its data_offsets span \(actual). The header is corrupted."
        case .invalidOffsets(let path, let tensor, let reason):
            return "\(path): the data_offsets of tensor \"\(tensor)\" are invalid: \(reason). Tensors must "
                + "cover the data buffer back to back, without gaps or overlaps; the header is corrupted."
        case .trailingBytes(let path, let byteCount):
            return "\(path) has \(byteCount) bytes after its last tensor, which the header does not describe: "
                + "the file is corrupted or was appended to."
        case .invalidName(let name, let reason):
            return "Cannot save a tensor named \"\(name)\": \(reason). Give every tensor a unique, non-empty name."
        case .inconsistentValue(let tensor, let shape, let count):
            return "Tensor \"\(tensor)\" has shape \(shape), which holds \(shape.reduce(1, &*)) values, but "
                + "\(count) values were given."
        case .missingTensors(let names):
            return "The file lacks \(names.count) tensor\(names.count == 1 ? "" : "s") the network needs: "
                + "\(Self.list(names)). It was saved from a network with a different architecture; build "
                + "the same network before loading."
        case .unexpectedTensors(let names):
            return "The file has \(names.count) tensor\(names.count == 1 ? "" : "s") the network does not: "
                + "\(Self.list(names)). It was saved from a network with a different architecture; build "
                + "the same network before loading, or load with strict: false to ignore them."
        case .shapeMismatch(let tensor, let expected, let found):
            return "Tensor \"\(tensor)\" has shape \(found) in the file but \(expected) in the network. The file "
                + "was saved from a network with a different architecture (other layer sizes); build the same "
                + "network before loading."
        case .dtypeMismatch(let tensor, let expected, let found):
            return "Tensor \"\(tensor)\" is stored as \(found.rawValue) but \(expected.rawValue) is needed; "
                + "convert it to \(expected.rawValue) when saving."
        }
    }

    private static func list(_ names: [String]) -> String {
        let shown = names.prefix(10).map { "\"\($0)\"" }.joined(separator: ", ")
        return names.count > 10 ? shown + " and \(names.count - 10) more" : shown
    }
}
