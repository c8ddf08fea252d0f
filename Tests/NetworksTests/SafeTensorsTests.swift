import Foundation
import Networks
import Randomness
import Tensors
import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class SafeTensorsTests: XCTestCase {
    // MARK: - Round trips

    func testSaveThenLoadReproducesParametersAndOutputs() throws {
        let source = makeNetwork(seed: 1), target = makeNetwork(seed: 2)
        XCTAssertNotEqual(source.parameters[0].detachedValue.scalars, target.parameters[0].detachedValue.scalars)
        let targetParameters = target.parameters
        let url = try directory().appendingPathComponent("net.safetensors")

        try source.save(to: url, metadata: ["algorithm": "dqn", "step": "1000"])
        let metadata = try target.load(from: url)

        XCTAssertEqual(metadata, ["algorithm": "dqn", "step": "1000"])
        XCTAssertEqual(target.namedParameters.map(\.name), ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"])
        for ((name, loaded), (_, saved)) in zip(target.namedParameters, source.namedParameters) {
            XCTAssertEqual(loaded.shape, saved.shape, name)
            XCTAssertEqual(loaded.detachedValue.scalars, saved.detachedValue.scalars, name)
        }
        // Loading writes into the existing parameters, which optimizers hold on to.
        XCTAssertTrue(zip(target.parameters, targetParameters).allSatisfy { $0 === $1 })
        let input = Tensor([[0.5, -1, 2], [3, 0.25, -0.75]])
        XCTAssertEqual(target(input).scalars, source(input).scalars)
    }

    func testEveryDTypeRoundTripsExactlyWithAlignedOffsets() throws {
        let url = try directory().appendingPathComponent("mixed.safetensors")
        let original = SafeTensorsFile(entries: [
            (name: "observations", value: .uint8(shape: [3], scalars: [0, 7, 255])),
            (name: "weights", value: .float32(Tensor([[1.5, -2], [0, 1e-30]]))),
            (name: "empty", value: .float32(Tensor.zeros([0, 3]))),
            (name: "actions", value: .int64(shape: [2], scalars: [-1, .max])),
            (name: "counts", value: .int32(shape: [1, 1], scalars: [.min])),
            (name: "pi", value: .float64(shape: [], scalars: [Double.pi])),
        ], metadata: ["kind": "replay"])
        try original.write(to: url)

        let file = try SafeTensorsFile(contentsOf: url)
        // Wider scalars first (stable otherwise), so every array is aligned for its dtype.
        XCTAssertEqual(file.names, ["actions", "pi", "weights", "empty", "counts", "observations"])
        XCTAssertEqual(file.metadata, ["kind": "replay"])
        guard case .uint8(let shape, let bytes)? = file["observations"] else { return XCTFail("observations") }
        XCTAssertEqual(shape, [3])
        XCTAssertEqual(bytes, [0, 7, 255])
        guard case .int64(let actionShape, let actions)? = file["actions"] else { return XCTFail("actions") }
        XCTAssertEqual(actionShape, [2])
        XCTAssertEqual(actions, [-1, .max])
        guard case .int32(let countShape, let counts)? = file["counts"] else { return XCTFail("counts") }
        XCTAssertEqual(countShape, [1, 1])
        XCTAssertEqual(counts, [.min])
        guard case .float64(let piShape, let pi)? = file["pi"] else { return XCTFail("pi") }
        XCTAssertEqual(piShape, [])
        XCTAssertEqual(pi, [Double.pi])
        XCTAssertEqual(try file.tensor(named: "weights").scalars, [1.5, -2, 0, 1e-30])
        XCTAssertEqual(try file.tensor(named: "weights").shape, [2, 2])
        XCTAssertEqual(try file.tensor(named: "empty").shape, [0, 3])

        let (dataStart, header) = try parseHeader(Array(Data(contentsOf: url)))
        XCTAssertEqual(dataStart % 8, 0)
        let widths = ["actions": 8, "pi": 8, "weights": 4, "empty": 4, "counts": 4, "observations": 1]
        for (name, width) in widths {
            let offsets = try XCTUnwrap((header[name] as? [String: Any])?["data_offsets"] as? [Int], name)
            XCTAssertEqual(offsets[0] % width, 0, name)
        }
        // Little-endian two's complement, independent of this library's reader.
        let data = Array(try Data(contentsOf: url))
        let actionOffsets = try XCTUnwrap((header["actions"] as? [String: Any])?["data_offsets"] as? [Int])
        XCTAssertEqual(Array(data[dataStart + actionOffsets[0]..<dataStart + actionOffsets[0] + 8]),
                       [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        XCTAssertEqual(Array(data[dataStart + actionOffsets[0] + 8..<dataStart + actionOffsets[1]]),
                       [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])
    }

    func testNamesAndMetadataWithSpecialCharactersRoundTrip() throws {
        let url = try directory().appendingPathComponent("names.safetensors")
        let names = ["quote\"d", "back\\slash", "line\nbreak", "θ.权重", "control\u{1}char", "/slash/"]
        let metadata = ["tab\tkey": "value with \"quotes\" and \u{7f}", "": "empty key", "emoji": "🤖"]
        try SafeTensorsFile.write(names.enumerated().map { (name: $0.element, tensor: Tensor([Float($0.offset)])) },
                                  metadata: metadata, to: url)

        let (tensors, readMetadata) = try SafeTensorsFile.read(from: url)
        XCTAssertEqual(readMetadata, metadata)
        XCTAssertEqual(Set(tensors.keys), Set(names))
        for (index, name) in names.enumerated() { XCTAssertEqual(tensors[name]?.scalars, [Float(index)], name) }
        // An independent JSON parser agrees on the escaping.
        let (_, header) = try parseHeader(Array(Data(contentsOf: url)))
        XCTAssertEqual(Set(header.keys), Set(names + ["__metadata__"]))
        XCTAssertEqual(header["__metadata__"] as? [String: String], metadata)
    }

    // MARK: - Byte layout

    func testByteLayoutMatchesTheSafetensorsFormat() throws {
        let url = try directory().appendingPathComponent("tiny.safetensors")
        try SafeTensorsFile.write([(name: "x", tensor: Tensor([1.0, -2.5]))], metadata: ["format": "pt"], to: url)
        let bytes = Array(try Data(contentsOf: url))

        let headerLength = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        XCTAssertEqual((8 + headerLength) % 8, 0, "the header is padded so the data starts 8-byte aligned")
        XCTAssertEqual(bytes.count, 8 + headerLength + 8)
        let headerBytes = Array(bytes[8..<8 + headerLength])
        let closing = try XCTUnwrap(headerBytes.lastIndex(of: UInt8(ascii: "}")))
        XCTAssertTrue(headerBytes[(closing + 1)...].allSatisfy { $0 == UInt8(ascii: " ") }, "padding is spaces")
        let header = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(headerBytes)) as? [String: Any])
        XCTAssertEqual(Set(header.keys), ["x", "__metadata__"])
        XCTAssertEqual(header["__metadata__"] as? [String: String], ["format": "pt"])
        let entry = try XCTUnwrap(header["x"] as? [String: Any])
        XCTAssertEqual(entry["dtype"] as? String, "F32")
        XCTAssertEqual(entry["shape"] as? [Int], [2])
        XCTAssertEqual(entry["data_offsets"] as? [Int], [0, 8])
        // 1.0 = 0x3F800000 and −2.5 = 0xC0200000, least significant byte first.
        XCTAssertEqual(Array(bytes[(8 + headerLength)...]), [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC0])
    }

    func testHandBuiltFileLoads() throws {
        // Unpadded header, keys out of offset order, metadata last: all allowed by the format.
        let header = #"{"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},"#
            + #""a":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]},"#
            + #""steps":{"dtype":"I64","shape":[],"data_offsets":[16,24]},"#
            + #""__metadata__":{"who":"hand"}}"#
        // a = [0.5, 2] (0x3F000000, 0x40000000), b = [−1, 3] (0xBF800000, 0x40400000), steps = 258.
        let data: [UInt8] = [0, 0, 0, 0x3F, 0, 0, 0, 0x40, 0, 0, 0x80, 0xBF, 0, 0, 0x40, 0x40,
                             0x02, 0x01, 0, 0, 0, 0, 0, 0]
        let url = try write(safetensorsBytes(header: header, data: data), name: "hand.safetensors")

        let file = try SafeTensorsFile(contentsOf: url)
        XCTAssertEqual(file.names, ["a", "b", "steps"])
        XCTAssertEqual(file.metadata, ["who": "hand"])
        XCTAssertEqual(try file.tensor(named: "a").shape, [1, 2])
        XCTAssertEqual(try file.tensor(named: "a").scalars, [0.5, 2])
        XCTAssertEqual(try file.tensor(named: "b").scalars, [-1, 3])
        guard case .int64(let shape, let steps)? = file["steps"] else { return XCTFail("steps is not I64") }
        XCTAssertEqual(shape, [])
        XCTAssertEqual(steps, [258])

        assertThrows(try file.tensor(named: "steps"), mentioning: ["steps", "I64", "F32"]) {
            $0 == .dtypeMismatch(tensor: "steps", expected: .float32, found: .int64)
        }
        assertThrows(try SafeTensorsFile.read(from: url), mentioning: ["steps"]) {
            if case .dtypeMismatch(tensor: "steps", _, _) = $0 { return true } else { return false }
        }
    }

    // MARK: - Invalid files

    func testMissingFileAndDirectoryAreReported() throws {
        let folder = try directory()
        let missing = folder.appendingPathComponent("absent.safetensors")
        assertThrows(try SafeTensorsFile(contentsOf: missing), mentioning: ["absent.safetensors"]) {
            $0 == .fileNotFound(path: missing.path)
        }
        assertThrows(try SafeTensorsFile(contentsOf: folder), mentioning: ["directory"]) {
            if case .readFailed = $0 { return true } else { return false }
        }
    }

    func testTruncatedFilesAreReportedAsTruncated() throws {
        let url = try directory().appendingPathComponent("full.safetensors")
        try makeNetwork(seed: 3).save(to: url)
        let bytes = Array(try Data(contentsOf: url))
        let dataStart = try parseHeader(bytes).dataStart

        let cuts: [(length: Int, tensor: String?)] = [
            (0, nil), (3, nil), (7, nil),                          // inside the length prefix
            (8, nil), (8 + dataStart / 3, nil), (dataStart - 1, nil), // inside the header
            (dataStart, "layers.0.weight"), (dataStart + 5, "layers.0.weight"), // inside the data
            (bytes.count - 1, "layers.1.bias"),
        ]
        for (length, tensor) in cuts {
            let cut = try write(Array(bytes.prefix(length)), name: "cut-\(length).safetensors")
            assertThrows(try SafeTensorsFile(contentsOf: cut), mentioning: ["truncated"] + (tensor.map { [$0] } ?? []),
                         "cut at \(length) of \(bytes.count)") {
                guard case .truncated(_, let expected, let actual, let named) = $0 else { return false }
                return named == tensor && actual == length && expected > length
            }
        }
    }

    func testAbsurdHeaderLengthIsRejectedBeforeAllocating() throws {
        for length in [UInt64.max, UInt64(Int.max), 100_000_001] {
            var bytes = withUnsafeBytes(of: length.littleEndian) { Array($0) }
            bytes += Array("{}      ".utf8)
            let url = try write(bytes, name: "absurd.safetensors")
            assertThrows(try SafeTensorsFile(contentsOf: url), mentioning: ["\(length)", "100 MB"]) {
                $0 == .headerTooLarge(path: url.path, byteCount: length)
            }
        }
    }

    func testCorruptedHeadersAreRejected() throws {
        let cases: [(header: [UInt8], reason: String)] = [
            (Array(#"{"w":{"dtype":"F32","#.utf8), "not valid JSON"),
            (Array(#"[{"dtype":"F32"}]"#.utf8), "not a JSON object"),
            ([0x7B, 0xFF, 0xFE, 0x7D], "UTF-8"),
            (Array(#"{"__metadata__":{"step":3}}"#.utf8), "__metadata__"),
            (Array(#"{"w":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[],"data_offsets":[4,8]}}"#.utf8),
             "twice"),
        ]
        for (header, reason) in cases {
            let url = try write(safetensorsBytes(header: header, data: Array(repeating: 0, count: 8)), name: "bad.safetensors")
            do {
                _ = try SafeTensorsFile(contentsOf: url)
                XCTFail("accepted the header \(String(decoding: header, as: UTF8.self))")
            } catch let error as SafeTensorsError {
                guard case .invalidHeader = error else { XCTFail("\(error)"); continue }
                XCTAssertTrue(error.description.contains(reason), "\(error)")
            }
        }
    }

    func testInvalidEntriesNameTheTensorAndTheField() throws {
        let cases: [(entry: String, data: Int, field: String)] = [
            (#"{"shape":[1],"data_offsets":[0,4]}"#, 4, "dtype"),
            (#"{"dtype":"F32","data_offsets":[0,4]}"#, 4, "shape"),
            (#"{"dtype":"F32","shape":[1]}"#, 4, "data_offsets"),
            (#"{"dtype":"F32","shape":["1"],"data_offsets":[0,4]}"#, 4, "shape"),
            (#"{"dtype":7,"shape":[1],"data_offsets":[0,4]}"#, 4, "dtype"),
            (#"{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}"#, 4, "data_offsets"),
            (#"{"dtype":"F32","shape":[1],"data_offsets":[4,0]}"#, 4, "data_offsets"),
            (#"{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}"#, 4, "negative"),
            (#"{"dtype":"F32","shape":[1],"data_offsets":[0,4.5]}"#, 4, "data_offsets"),
            (#"{"dtype":"F32","shape":[1],"data_offsets":[0,99999999999999999999]}"#, 4, "data_offsets"),
            (#"{"dtype":"F32","shape":null,"data_offsets":[0,4]}"#, 4, "shape"),
            (#"{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}"#, 4, "large"),
            (#""not an object""#, 0, "not an object"),
        ]
        for (entry, dataCount, field) in cases {
            let url = try write(safetensorsBytes(header: #"{"layer.w":"# + entry + "}", data: Array(repeating: 0, count: dataCount)),
                                name: "entry.safetensors")
            assertThrows(try SafeTensorsFile(contentsOf: url), mentioning: ["layer.w", field], entry) {
                if case .invalidEntry(_, "layer.w", _) = $0 { return true } else { return false }
            }
        }
    }

    func testUnsupportedDTypeAndSizeMismatch() throws {
        let bf16 = try write(safetensorsBytes(header: #"{"h":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}"#,
                                              data: [0, 0, 0, 0]), name: "bf16.safetensors")
        assertThrows(try SafeTensorsFile(contentsOf: bf16), mentioning: ["\"h\"", "BF16", "F32"]) {
            $0 == .unsupportedDType(path: bf16.path, tensor: "h", dtype: "BF16")
        }
        let short = try write(safetensorsBytes(header: #"{"v":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#,
                                               data: Array(repeating: 0, count: 8)), name: "size.safetensors")
        assertThrows(try SafeTensorsFile(contentsOf: short), mentioning: ["\"v\"", "12", "8"]) {
            $0 == .sizeMismatch(path: short.path, tensor: "v", dtype: .float32, shape: [3],
                                expectedByteCount: 12, actualByteCount: 8)
        }
    }

    func testOffsetsMustTileTheDataExactly() throws {
        let cases: [(header: String, data: Int, tensor: String, mention: String)] = [
            (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
             12, "b", "inside tensor \"a\""),
            (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[12,20]}}"#,
             20, "b", "unused"),
            (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, 12, "a", "must begin at 0"),
        ]
        for (header, dataCount, tensor, mention) in cases {
            let url = try write(safetensorsBytes(header: header, data: Array(repeating: 0, count: dataCount)),
                                name: "offsets.safetensors")
            assertThrows(try SafeTensorsFile(contentsOf: url), mentioning: ["\"\(tensor)\"", mention], header) {
                if case .invalidOffsets(_, tensor, _) = $0 { return true } else { return false }
            }
        }
    }

    func testOffsetsBeyondTheFileAndTrailingBytes() throws {
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#
        let beyond = try write(safetensorsBytes(header: header, data: Array(repeating: 0, count: 12)), name: "beyond.safetensors")
        assertThrows(try SafeTensorsFile(contentsOf: beyond), mentioning: ["truncated", "\"b\""]) {
            if case .truncated(_, _, _, "b") = $0 { return true } else { return false }
        }
        // Offsets near Int.max must not overflow when added to the header size.
        let huge = #"{"h":{"dtype":"U8","shape":[9223372036854775800],"data_offsets":[0,9223372036854775800]}}"#
        let hugeURL = try write(safetensorsBytes(header: huge, data: [1, 2, 3]), name: "huge.safetensors")
        assertThrows(try SafeTensorsFile(contentsOf: hugeURL), mentioning: ["truncated", "\"h\""]) {
            if case .truncated(_, .max, _, "h") = $0 { return true } else { return false }
        }
        let longer = try write(safetensorsBytes(header: header, data: Array(repeating: 0, count: 19)), name: "long.safetensors")
        assertThrows(try SafeTensorsFile(contentsOf: longer), mentioning: ["3 bytes"]) {
            $0 == .trailingBytes(path: longer.path, byteCount: 3)
        }
    }

    // MARK: - Loading into a network

    func testLoadRejectsWrongShapeWithoutChangingAnything() throws {
        let url = try directory().appendingPathComponent("wide.safetensors")
        try makeNetwork(seed: 4, outputs: 2).save(to: url)
        let network = makeNetwork(seed: 5, outputs: 3)
        let before = network.parameters.map(\.detachedValue.scalars)
        // layers.0 matches and comes first: it must not be loaded when layers.1 fails.
        assertThrows(try network.load(from: url), mentioning: ["layers.1.weight", "[5, 2]", "[5, 3]", "architecture"]) {
            $0 == .shapeMismatch(tensor: "layers.1.weight", expected: [5, 3], found: [5, 2])
        }
        XCTAssertEqual(network.parameters.map(\.detachedValue.scalars), before)
    }

    func testLoadRejectsMissingTensor() throws {
        let url = try directory().appendingPathComponent("partial.safetensors")
        let source = makeNetwork(seed: 6)
        try SafeTensorsFile.write(source.namedParameters.filter { $0.name != "layers.1.bias" }
            .map { (name: $0.name, tensor: $0.parameter.detachedValue) }, to: url)
        let network = makeNetwork(seed: 7)
        let before = network.parameters.map(\.detachedValue.scalars)
        assertThrows(try network.load(from: url, strict: false), mentioning: ["layers.1.bias", "architecture"]) {
            $0 == .missingTensors(["layers.1.bias"])
        }
        XCTAssertEqual(network.parameters.map(\.detachedValue.scalars), before)
    }

    func testLoadRejectsExtraTensorUnlessNotStrict() throws {
        let url = try directory().appendingPathComponent("extra.safetensors")
        let source = makeNetwork(seed: 8)
        var file = SafeTensorsFile(entries: source.namedParameters.map {
            (name: $0.name, value: .float32($0.parameter.detachedValue))
        })
        file.entries.append((name: "critic.weight", value: .float32(Tensor([1, 2]))))
        file.entries.append((name: "optimizer.step", value: .int64(shape: [], scalars: [12])))
        try file.write(to: url)

        let network = makeNetwork(seed: 9)
        let before = network.parameters.map(\.detachedValue.scalars)
        assertThrows(try network.load(from: url), mentioning: ["critic.weight", "optimizer.step", "strict: false"]) {
            $0 == .unexpectedTensors(["optimizer.step", "critic.weight"])
        }
        XCTAssertEqual(network.parameters.map(\.detachedValue.scalars), before)

        try network.load(from: url, strict: false)
        XCTAssertEqual(network.parameters.map(\.detachedValue.scalars), source.parameters.map(\.detachedValue.scalars))
    }

    func testLoadRejectsWrongDType() throws {
        let url = try directory().appendingPathComponent("f64.safetensors")
        let source = makeNetwork(seed: 10)
        let entries: [(name: String, value: SafeTensorsValue)] = source.namedParameters.map { name, parameter in
            let value = parameter.detachedValue
            if name == "layers.0.bias" { return (name, .float64(shape: value.shape, scalars: value.scalars.map(Double.init))) }
            return (name, .float32(value))
        }
        try SafeTensorsFile(entries: entries).write(to: url)
        let network = makeNetwork(seed: 11)
        let before = network.parameters.map(\.detachedValue.scalars)
        assertThrows(try network.load(from: url), mentioning: ["layers.0.bias", "F64", "F32"]) {
            $0 == .dtypeMismatch(tensor: "layers.0.bias", expected: .float32, found: .float64)
        }
        XCTAssertEqual(network.parameters.map(\.detachedValue.scalars), before)
    }

    // MARK: - Atomic writes

    func testRejectedWriteLeavesPreviousFileAndNoTemporaryFile() throws {
        let folder = try directory()
        let url = folder.appendingPathComponent("model.safetensors")
        try SafeTensorsFile.write([(name: "w", tensor: Tensor([1, 2, 3]))], to: url)
        let previous = try Data(contentsOf: url)

        let one = SafeTensorsValue.float32(Tensor([1]))
        let invalid: [(entries: [(name: String, value: SafeTensorsValue)], name: String)] = [
            ([("a", one), ("b", one), ("a", one)], "a"),
            ([("__metadata__", one)], "__metadata__"),
            ([("", one)], ""),
            ([("n", .int32(shape: [2, 2], scalars: [1, 2, 3]))], "n"),
        ]
        for (entries, name) in invalid {
            assertThrows(try SafeTensorsFile(entries: entries).write(to: url), mentioning: ["\"\(name)\""]) {
                switch $0 {
                case .invalidName(name, _): true
                case .inconsistentValue(tensor: "n", shape: [2, 2], scalarCount: 3): name == "n"
                default: false
                }
            }
            XCTAssertEqual(try Data(contentsOf: url), previous)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["model.safetensors"])
        }
    }

    func testFailedRenameRemovesTheTemporaryFile() throws {
        // A non-empty directory cannot be replaced by a file: every byte is written and flushed,
        // then the rename fails.
        let folder = try directory()
        let destination = folder.appendingPathComponent("taken")
        try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: false)
        try Data([1, 2, 3]).write(to: destination.appendingPathComponent("keep"))

        assertThrows(try makeNetwork(seed: 12).save(to: destination), mentioning: ["renaming"]) {
            if case .writeFailed = $0 { return true } else { return false }
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["taken"])
        XCTAssertEqual(try Data(contentsOf: destination.appendingPathComponent("keep")), Data([1, 2, 3]))
    }

    func testWriteFailingMidwayKeepsPreviousFile() throws {
        #if os(Linux) || canImport(Darwin)
        let folder = try directory()
        let url = folder.appendingPathComponent("model.safetensors")
        try SafeTensorsFile.write([(name: "w", tensor: Tensor([1, 2, 3]))], metadata: ["version": "1"], to: url)
        let previous = try Data(contentsOf: url)

        // Make the kernel refuse to grow any file past 16 KiB (EFBIG instead of the SIGXFSZ
        // that would kill the process), so the write fails after part of the data is out.
        let limitResource = fileSizeLimitResource()
        var saved = rlimit()
        XCTAssertEqual(getrlimit(limitResource, &saved), 0)
        let savedHandler = signal(SIGXFSZ, SIG_IGN)
        var lowered = saved
        lowered.rlim_cur = 16 * 1024
        XCTAssertEqual(setrlimit(limitResource, &lowered), 0)
        let large = Tensor(repeating: 0.5, shape: [64, 1024])
        var thrown: Error?
        do {
            try SafeTensorsFile.write([(name: "w", tensor: large)], metadata: ["version": "2"], to: url)
        } catch {
            thrown = error
        }
        XCTAssertEqual(setrlimit(limitResource, &saved), 0)
        signal(SIGXFSZ, savedHandler)

        let error = try XCTUnwrap(thrown as? SafeTensorsError, "\(String(describing: thrown))")
        guard case .writeFailed = error else { return XCTFail("\(error)") }
        XCTAssertTrue(error.description.contains("unchanged"), error.description)
        XCTAssertEqual(try Data(contentsOf: url), previous)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["model.safetensors"])
        XCTAssertEqual(try SafeTensorsFile.read(from: url).metadata, ["version": "1"])
        #else
        throw XCTSkip("needs POSIX resource limits")
        #endif
    }

    func testSaveIntoMissingDirectoryFails() throws {
        let url = try directory().appendingPathComponent("no/such/dir/model.safetensors")
        assertThrows(try makeNetwork(seed: 13).save(to: url), mentioning: ["does not exist"]) {
            if case .writeFailed = $0 { return true } else { return false }
        }
    }

    func testOverwriteReplacesThePreviousFile() throws {
        let folder = try directory()
        let url = folder.appendingPathComponent("model.safetensors")
        try SafeTensorsFile.write([(name: "w", tensor: Tensor([1, 2, 3]))], to: url)
        try SafeTensorsFile.write([(name: "v", tensor: Tensor([4]))], metadata: ["epoch": "2"], to: url)
        let (tensors, metadata) = try SafeTensorsFile.read(from: url)
        XCTAssertEqual(Array(tensors.keys), ["v"])
        XCTAssertEqual(tensors["v"]?.scalars, [4])
        XCTAssertEqual(metadata, ["epoch": "2"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["model.safetensors"])
    }

    // MARK: - Helpers

    private func makeNetwork(seed: UInt64, outputs: Int = 2) -> Sequential {
        var generator = RandomGenerator(seed: seed)
        return Sequential([
            Dense(inputSize: 3, outputSize: 5, activation: .tanh, biasInitializer: .uniform(low: -1, high: 1),
                  generator: &generator),
            Dense(inputSize: 5, outputSize: outputs, biasInitializer: .uniform(low: -1, high: 1), generator: &generator),
        ])
    }

    /// A fresh directory removed after the test.
    private func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("SafeTensorsTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    private func write(_ bytes: [UInt8], name: String) throws -> URL {
        let url = try directory().appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    private func safetensorsBytes(header: String, data: [UInt8]) -> [UInt8] {
        safetensorsBytes(header: Array(header.utf8), data: data)
    }

    /// The format by hand: little-endian UInt64 header length, header, data.
    private func safetensorsBytes(header: [UInt8], data: [UInt8]) -> [UInt8] {
        let count = UInt64(header.count)
        return (0..<8).map { UInt8(truncatingIfNeeded: count >> (8 * $0)) } + header + data
    }

    /// Parses a file's header with JSONSerialization, independently of the code under test.
    private func parseHeader(_ bytes: [UInt8]) throws -> (dataStart: Int, header: [String: Any]) {
        let length = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = try JSONSerialization.jsonObject(with: Data(bytes[8..<8 + length]))
        return (8 + length, try XCTUnwrap(header as? [String: Any]))
    }

    private func assertThrows<T>(_ expression: @autoclosure () throws -> T, mentioning words: [String] = [],
                                 _ message: String = "", file: StaticString = #filePath, line: UInt = #line,
                                 matching check: (SafeTensorsError) -> Bool) {
        do {
            _ = try expression()
            XCTFail("no error thrown. \(message)", file: file, line: line)
        } catch let error as SafeTensorsError {
            XCTAssertTrue(check(error), "unexpected error: \(error). \(message)", file: file, line: line)
            for word in words {
                XCTAssertTrue(error.description.contains(word), "“\(error)” does not mention \(word). \(message)",
                              file: file, line: line)
            }
        } catch {
            XCTFail("not a SafeTensorsError: \(error). \(message)", file: file, line: line)
        }
    }

    #if os(Linux)
    private func fileSizeLimitResource() -> __rlimit_resource_t { __rlimit_resource_t(RLIMIT_FSIZE.rawValue) }
    #elseif canImport(Darwin)
    private func fileSizeLimitResource() -> Int32 { RLIMIT_FSIZE }
    #endif
}
