/// One record of a TensorBoard event file: the `Event` message of
/// `tensorboard/compat/proto/event.proto`, reduced to the parts SwiftRL writes and reads.
public struct TensorBoardEvent: Sendable, Equatable {
    /// Seconds since 1970 when the event was written (`wall_time`, field 1).
    public var wallTime: Double
    /// The training step the event belongs to (`step`, field 2).
    public var step: Int
    /// What the event carries.
    public var content: Content

    /// The payload of an event (the `what` oneof of `Event`).
    public enum Content: Sendable, Equatable {
        /// `file_version` (field 3), the first record of every file: `"brain.Event:2"`.
        case fileVersion(String)
        /// `summary` (field 5): tagged values logged at this step.
        case summary([SummaryValue])
        /// `session_log` (field 7) with status `START`: training (re)started at this step, so
        /// readers drop everything logged earlier at this or a later step.
        case sessionStart
        /// A payload this reader does not interpret (graphs, other session states, ...).
        case other
    }

    /// One `Summary.Value`: a tag and its datum.
    public struct SummaryValue: Sendable, Equatable {
        /// The series name, e.g. `charts/episodic_return`.
        public var tag: String
        /// The datum.
        public var data: SummaryData

        /// A value named `tag`.
        public init(tag: String, data: SummaryData) {
            self.tag = tag
            self.data = data
        }
    }

    /// The datum of a summary value.
    public enum SummaryData: Sendable, Equatable {
        /// A scalar: `simple_value` (field 2), or a rank-0 float tensor as TF2 writes.
        case scalar(Float)
        /// Text for TensorBoard's text plugin: a string tensor.
        case text(String)
        /// Images, histograms, audio and other tensors.
        case unsupported
    }

    /// An event with the given fields.
    public init(wallTime: Double, step: Int, content: Content) {
        self.wallTime = wallTime
        self.step = step
        self.content = content
    }

    /// The serialized `Event` message.
    func serialized() -> [UInt8] {
        var writer = ProtobufWriter()
        writer.appendDouble(Field.wallTime, wallTime)
        // proto3 leaves out fields equal to their default; TensorFlow's writer does the same.
        if step != 0 { writer.appendInt64(Field.step, Int64(step)) }
        switch content {
        case let .fileVersion(version):
            writer.appendString(Field.fileVersion, version)
        case let .summary(values):
            writer.appendMessage(Field.summary) { summary in
                for value in values {
                    summary.appendMessage(Field.summaryValue) { Self.encode(value, into: &$0) }
                }
            }
        case .sessionStart:
            writer.appendMessage(Field.sessionLog) { $0.appendInt64(Field.sessionStatus, Field.sessionStatusStart) }
        case .other:
            break
        }
        return writer.bytes
    }

    private static func encode(_ value: SummaryValue, into writer: inout ProtobufWriter) {
        writer.appendString(Field.tag, value.tag)
        switch value.data {
        case let .scalar(x):
            writer.appendFloat(Field.simpleValue, x)
        case let .text(text):
            // The text plugin's layout (tensorboard/plugins/text/summary_v2.py): metadata naming
            // the plugin with empty content (TextPluginData version 0), and a rank-0 DT_STRING tensor.
            writer.appendMessage(Field.metadata) { metadata in
                metadata.appendMessage(Field.pluginData) { $0.appendString(Field.pluginName, "text") }
            }
            writer.appendMessage(Field.tensor) { tensor in
                tensor.appendInt64(Field.tensorDType, Field.dtypeString)
                tensor.appendBytes(Field.tensorShape, [UInt8]())
                tensor.appendString(Field.stringValue, text)
            }
        case .unsupported:
            break
        }
    }

    /// Decodes a serialized `Event`; unknown fields are skipped, as protobuf requires.
    static func decode(_ bytes: ArraySlice<UInt8>) throws -> TensorBoardEvent {
        var reader = ProtobufReader(bytes)
        var event = TensorBoardEvent(wallTime: 0, step: 0, content: .other)
        while let field = try reader.next() {
            switch field {
            case .fixed64(Field.wallTime, let bits):
                event.wallTime = Double(bitPattern: bits)
            case .varint(Field.step, let raw):
                event.step = Int(Int64(bitPattern: raw))
            case .lengthDelimited(Field.fileVersion, let bytes):
                event.content = .fileVersion(String(decoding: bytes, as: UTF8.self))
            case .lengthDelimited(Field.summary, let bytes):
                event.content = .summary(try decodeSummary(bytes))
            case .lengthDelimited(Field.sessionLog, let bytes):
                var log = ProtobufReader(bytes)
                while let logField = try log.next() {
                    if case .varint(Field.sessionStatus, let status) = logField, status == UInt64(Field.sessionStatusStart) {
                        event.content = .sessionStart
                    }
                }
            default:
                continue
            }
        }
        return event
    }

    private static func decodeSummary(_ bytes: ArraySlice<UInt8>) throws -> [SummaryValue] {
        var reader = ProtobufReader(bytes)
        var values: [SummaryValue] = []
        while let field = try reader.next() {
            guard case .lengthDelimited(Field.summaryValue, let valueBytes) = field else { continue }
            var valueReader = ProtobufReader(valueBytes)
            var value = SummaryValue(tag: "", data: .unsupported)
            while let valueField = try valueReader.next() {
                switch valueField {
                case .lengthDelimited(Field.tag, let tag):
                    value.tag = String(decoding: tag, as: UTF8.self)
                case .fixed32(Field.simpleValue, let bits):
                    value.data = .scalar(Float(bitPattern: bits))
                case .lengthDelimited(Field.tensor, let tensor):
                    value.data = try decodeTensor(tensor)
                default:
                    continue
                }
            }
            values.append(value)
        }
        return values
    }

    /// Reads the tensors TF2's `tf.summary` and PyTorch write for scalars and text.
    private static func decodeTensor(_ bytes: ArraySlice<UInt8>) throws -> SummaryData {
        var reader = ProtobufReader(bytes)
        var dtype: UInt64 = 0
        var strings: [String] = []
        var floats: [Float] = []
        var doubles: [Double] = []
        var content: ArraySlice<UInt8> = []
        while let field = try reader.next() {
            switch field {
            case .varint(Field.tensorDType, let value): dtype = value
            case .lengthDelimited(Field.stringValue, let value): strings.append(String(decoding: value, as: UTF8.self))
            case .fixed32(Field.floatValue, let bits): floats.append(Float(bitPattern: bits))
            case .lengthDelimited(Field.floatValue, let packed):
                floats += stride(from: packed.startIndex, to: packed.endIndex - 3, by: 4).map { Float(bitPattern: littleEndian32(packed, $0)) }
            case .fixed64(Field.doubleValue, let bits): doubles.append(Double(bitPattern: bits))
            case .lengthDelimited(Field.doubleValue, let packed):
                doubles += stride(from: packed.startIndex, to: packed.endIndex - 7, by: 8).map {
                    Double(bitPattern: UInt64(littleEndian32(packed, $0)) | UInt64(littleEndian32(packed, $0 + 4)) << 32)
                }
            case .lengthDelimited(Field.tensorContent, let value): content = value
            default: continue
            }
        }
        switch dtype {
        case UInt64(Field.dtypeString) where !strings.isEmpty:
            return .text(strings.joined(separator: "\n"))
        case UInt64(Field.dtypeFloat):
            if let x = floats.first { return .scalar(x) }
            if content.count == 4 { return .scalar(Float(bitPattern: littleEndian32(content, content.startIndex))) }
        case UInt64(Field.dtypeDouble):
            if let x = doubles.first { return .scalar(Float(x)) }
            if content.count == 8 {
                let bits = UInt64(littleEndian32(content, content.startIndex)) | UInt64(littleEndian32(content, content.startIndex + 4)) << 32
                return .scalar(Float(Double(bitPattern: bits)))
            }
        default:
            break
        }
        return .unsupported
    }

    private static func littleEndian32(_ bytes: ArraySlice<UInt8>, _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }

    /// Field numbers and enum values of event.proto, summary.proto, tensor.proto and types.proto.
    private enum Field {
        static let wallTime = 1, step = 2, fileVersion = 3, summary = 5, sessionLog = 7
        static let sessionStatus = 1
        static let sessionStatusStart: Int64 = 1
        static let summaryValue = 1
        static let tag = 1, simpleValue = 2, tensor = 8, metadata = 9
        static let pluginData = 1, pluginName = 1
        static let tensorDType = 1, tensorShape = 2, tensorContent = 4, floatValue = 5, doubleValue = 6, stringValue = 8
        static let dtypeFloat: Int64 = 1, dtypeDouble: Int64 = 2, dtypeString: Int64 = 7
    }
}
