/// RFC 4180 comma-separated values: quoting on write, and a parser that accepts what
/// spreadsheet programs and pandas write (LF or CRLF line ends, quoted fields spanning lines).
enum CSV {
    /// `field` as a CSV cell: quoted, with quotes doubled, when it holds a comma, a quote, a
    /// line break, or leading or trailing spaces (which some readers strip); as is otherwise.
    static func quote(_ field: String) -> String {
        let needsQuotes = field.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
            || field.first == " " || field.last == " "
        guard needsQuotes else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A parsed record and the 1-based line it starts on.
    struct Record {
        var fields: [String]
        var line: Int
    }

    /// Why text is not valid CSV.
    struct ParseError: Error {
        var line: Int
        var reason: String
    }

    /// The records of `text`; a final line break does not start an empty record.
    static func parse(_ text: String) throws -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1, recordLine = 1
        var inQuotes = false, wasQuoted = false
        let bytes = Array(text.utf8)
        var i = 0
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        func endRecord() {
            endField()
            records.append(Record(fields: fields, line: recordLine))
            fields.removeAll()
        }
        while i < bytes.count {
            let byte = bytes[i]
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        i += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                }
            } else {
                switch byte {
                case UInt8(ascii: "\""):
                    guard field.isEmpty && !wasQuoted else {
                        throw ParseError(line: line, reason: "a quote inside an unquoted field; quote the whole field and double inner quotes")
                    }
                    inQuotes = true
                    wasQuoted = true
                case UInt8(ascii: ","):
                    endField()
                case UInt8(ascii: "\r") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\n"):
                    break
                case UInt8(ascii: "\n"):
                    endRecord()
                    line += 1
                    recordLine = line
                default:
                    if wasQuoted {
                        throw ParseError(line: line, reason: "text after the closing quote of a field")
                    }
                    field.append(byte)
                }
            }
            i += 1
        }
        if inQuotes { throw ParseError(line: recordLine, reason: "a quoted field is never closed") }
        if !field.isEmpty || !fields.isEmpty || wasQuoted { endRecord() }
        return records
    }
}
