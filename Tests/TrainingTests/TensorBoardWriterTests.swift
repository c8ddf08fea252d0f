import XCTest
import Foundation
import Training

final class TensorBoardWriterTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-tb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: Framing

    func testCRC32CMatchesPublishedVectors() {
        // The CRC catalogue's check value for CRC-32C, and the iSCSI vectors of RFC 3720 §B.4.
        XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)
        XCTAssertEqual(CRC32C.checksum([UInt8]()), 0)
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0, count: 32)), 0x8A91_36AA)
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)), 0x62A8_AB43)
        XCTAssertEqual(CRC32C.checksum((0..<32).map { UInt8($0) }), 0x46DD_794E)
        XCTAssertEqual(CRC32C.checksum((0..<32).map { UInt8(31 - $0) }), 0x113F_DB5C)
        // Masked as TFRecord stores it; 0xC78AB0E5 is what tensorboard's Python
        // record_writer.masked_crc32c(b"123456789") returns.
        XCTAssertEqual(CRC32C.masked(Array("123456789".utf8)), 0xC78A_B0E5)
        XCTAssertEqual(CRC32C.mask(0), 0xA282_EAD8)
    }

    func testRecordFramingRoundTripsAndRejectsDamage() throws {
        let payloads: [[UInt8]] = [[], [1, 2, 3], Array(repeating: 7, count: 300)]
        var file: [UInt8] = []
        for payload in payloads { file += TFRecord.frame(payload) }
        XCTAssertEqual(file.count, payloads.map { $0.count + TFRecord.overhead }.reduce(0, +))
        // Length 3 little-endian, then its masked CRC.
        let framed = TFRecord.frame([1, 2, 3])
        XCTAssertEqual(Array(framed[0..<8]), [3, 0, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(Array(framed[12..<15]), [1, 2, 3])
        let lengthCRC = CRC32C.masked([3, 0, 0, 0, 0, 0, 0, 0] as [UInt8])
        XCTAssertEqual(Array(framed[8..<12]), [UInt8(lengthCRC & 0xFF), UInt8(lengthCRC >> 8 & 0xFF), UInt8(lengthCRC >> 16 & 0xFF), UInt8(lengthCRC >> 24)])

        let records = try TFRecord.records(in: file)
        XCTAssertEqual(records.map { Array($0.data) }, payloads)
        XCTAssertEqual(records.map(\.offset), [0, 16, 35])

        // A write cut short leaves a partial last record, which is dropped quietly.
        for cut in [1, 5, 13, 300] {
            XCTAssertEqual(try TFRecord.records(in: Array(file.dropLast(cut))).count, 2, "cut \(cut)")
        }
        // A flipped bit in a complete record is an error naming its offset.
        var damaged = file
        damaged[16 + 12 + 1] ^= 0x10
        XCTAssertThrowsError(try TFRecord.records(in: damaged, file: "x")) { error in
            XCTAssertEqual(error as? LogFileError, .corruptRecord(file: "x", offset: 16, reason: "data checksum mismatch"))
        }
        damaged = file
        damaged[35 + 2] ^= 1
        XCTAssertThrowsError(try TFRecord.records(in: damaged, file: "x")) { error in
            XCTAssertEqual(error as? LogFileError, .corruptRecord(file: "x", offset: 35, reason: "length checksum mismatch"))
        }
    }

    // MARK: Writing and reading back

    func testWrittenEventsReadBackWithOurReader() throws {
        let writer = try TensorBoardWriter(directory: directory, flushInterval: 1000)
        XCTAssertTrue(writer.fileURL.lastPathComponent.hasPrefix("events.out.tfevents."))
        XCTAssertTrue(writer.fileURL.lastPathComponent.hasSuffix("." + ProcessInfo.processInfo.hostName))
        try writer.addScalar("charts/episodic_return", 9.5, step: 100, wallTime: 1_700_000_000.25)
        try writer.addScalars(["losses/value_loss": 0.125, "losses/policy_loss": -3], step: 200, wallTime: 1_700_000_001.5)
        try writer.addScalar("charts/episodic_return", 1e-3, step: 3_000_000_000, wallTime: 1_700_000_002)
        try writer.addText("config", "gamma: 0.99\nlr: 3e-4", step: 0, wallTime: 1_700_000_000)
        try writer.close()

        var events = try TensorBoardEventReader.events(inFile: writer.fileURL)
        XCTAssertEqual(events.count, 6)
        XCTAssertEqual(events[0].content, .fileVersion("brain.Event:2"))
        XCTAssertEqual(events[0].step, 0)
        XCTAssertEqual(events.remove(at: 1).content, .sessionStart)
        XCTAssertEqual(events[1], TensorBoardEvent(wallTime: 1_700_000_000.25, step: 100, content: .summary([
            .init(tag: "charts/episodic_return", data: .scalar(9.5)),
        ])))
        // Several scalars of one call share an event, in tag order.
        XCTAssertEqual(events[2].content, .summary([
            .init(tag: "losses/policy_loss", data: .scalar(-3)),
            .init(tag: "losses/value_loss", data: .scalar(0.125)),
        ]))
        XCTAssertEqual(events[3].step, 3_000_000_000)
        XCTAssertEqual(events[3].content, .summary([.init(tag: "charts/episodic_return", data: .scalar(Float(1e-3)))]))
        XCTAssertEqual(events[4].content, .summary([.init(tag: "config", data: .text("gamma: 0.99\nlr: 3e-4"))]))

        let scalars = try TensorBoardEventReader.scalars(at: directory)
        XCTAssertEqual(Set(scalars.keys), ["charts/episodic_return", "losses/policy_loss", "losses/value_loss"])
        XCTAssertEqual(scalars["charts/episodic_return"], [
            TensorBoardScalar(step: 100, wallTime: 1_700_000_000.25, value: 9.5),
            TensorBoardScalar(step: 3_000_000_000, wallTime: 1_700_000_002, value: Float(1e-3)),
        ])
    }

    func testEventsReachTheFileWithoutClose() throws {
        let writer = try TensorBoardWriter(directory: directory, flushInterval: 0)
        try writer.addScalar("a", 1, step: 1)
        // Nothing closed or flushed by hand: a killed run keeps what the interval wrote.
        XCTAssertEqual(try TensorBoardEventReader.scalars(at: writer.fileURL)["a"]?.map(\.value), [1])

        let buffered = try TensorBoardWriter(directory: directory, flushInterval: 1000, fileNameSuffix: ".buffered")
        try buffered.addScalar("b", 2, step: 1)
        XCTAssertNil(try TensorBoardEventReader.scalars(at: buffered.fileURL)["b"])
        try buffered.flush()
        XCTAssertEqual(try TensorBoardEventReader.scalars(at: buffered.fileURL)["b"]?.map(\.value), [2])
        try writer.close()
        try buffered.close()
    }

    func testResumedRunReplacesOrphanedSteps() throws {
        let first = try TensorBoardWriter(directory: directory)
        for step in 0...5 { try first.addScalar("x", Double(step), step: step * 10, wallTime: 100 + Double(step)) }
        try first.close()
        // Restored from a checkpoint at step 30: steps 30...50 of the first session are orphaned.
        let second = try TensorBoardWriter(directory: directory, resumingAtStep: 30)
        XCTAssertNotEqual(second.fileURL, first.fileURL)
        for step in 3...6 { try second.addScalar("x", Double(step) + 0.5, step: step * 10, wallTime: 200 + Double(step)) }
        try second.close()

        let files = try TensorBoardEventReader.eventFiles(in: directory)
        XCTAssertEqual(files.map(\.lastPathComponent), [first.fileURL.lastPathComponent, second.fileURL.lastPathComponent])
        let x = try XCTUnwrap(TensorBoardEventReader.scalars(at: directory)["x"])
        XCTAssertEqual(x.map(\.step), [0, 10, 20, 30, 40, 50, 60])
        XCTAssertEqual(x.map(\.value), [0, 1, 2, 3.5, 4.5, 5.5, 6.5])
    }

    func testDamagedFileThrowsAndTruncatedFileReadsItsIntactPart() throws {
        let writer = try TensorBoardWriter(directory: directory)
        for step in 1...3 { try writer.addScalar("x", Double(step), step: step) }
        try writer.close()
        var bytes = [UInt8](try Data(contentsOf: writer.fileURL))
        try Data(bytes.dropLast(3)).write(to: writer.fileURL)
        XCTAssertEqual(try TensorBoardEventReader.scalars(at: writer.fileURL)["x"]?.map(\.value), [1, 2])
        bytes[bytes.count - 6] ^= 0xFF
        try Data(bytes).write(to: writer.fileURL)
        XCTAssertThrowsError(try TensorBoardEventReader.events(inFile: writer.fileURL)) { error in
            guard case .corruptRecord(let file, _, _)? = error as? LogFileError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, writer.fileURL.path)
            XCTAssertTrue("\(error)".contains("damaged TFRecord"))
        }
        XCTAssertThrowsError(try TensorBoardEventReader.scalars(at: directory.appendingPathComponent("missing")))
    }

    // MARK: Python's tensorboard package

    /// TensorBoard's own reader, the one `tensorboard --logdir` uses, agrees with ours on the
    /// scalars, the text summary and the purge of orphaned steps after a resume.
    func testTensorBoardPackageReadsOurFiles() throws {
        let python = try Self.pythonWithTensorBoard()
        let run = directory.appendingPathComponent("run")
        let first = try TensorBoardWriter(directory: run)
        for step in 0..<20 {
            try first.addScalars(["charts/episodic_return": Double(step) * 1.5 - 7.25, "losses/value_loss": 1 / Double(step + 1)],
                                 step: step * 128, wallTime: 1_700_000_000 + Double(step) * 0.5)
        }
        try first.addText("config", "| key | value |\n|---|---|\n| gamma | 0.99 |", step: 0)
        try first.close()
        let resumed = try TensorBoardWriter(directory: run, resumingAtStep: 1280)
        for step in 10..<25 {
            try resumed.addScalar("charts/episodic_return", Double(step) * 100, step: step * 128, wallTime: 1_800_000_000 + Double(step))
        }
        try resumed.close()

        let script = """
        import json, sys
        from tensorboard.backend.event_processing import event_accumulator
        from tensorboard.util import tensor_util
        acc = event_accumulator.EventAccumulator(sys.argv[1], size_guidance={"scalars": 0, "tensors": 0})
        acc.Reload()
        out = {"scalars": {t: [[e.step, e.wall_time, e.value] for e in acc.Scalars(t)] for t in acc.Tags()["scalars"]},
               "text": {t: [tensor_util.make_ndarray(e.tensor_proto).item().decode() for e in acc.Tensors(t)] for t in acc.Tags()["tensors"]}}
        # The accumulator behind `tensorboard --logdir`'s data provider converts scalars to tensors.
        from tensorboard.backend.event_processing import plugin_event_accumulator
        server = plugin_event_accumulator.EventAccumulator(sys.argv[1], size_guidance={"tensors": 0})
        server.Reload()
        out["server"] = {t: [[e.step, float(tensor_util.make_ndarray(e.tensor_proto))] for e in server.Tensors(t)]
                         for t in server.Tags()["tensors"] if t != "config"}
        print(json.dumps(out))
        """
        let output = try Self.run(python, ["-c", script, run.path])
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let pythonScalars = try XCTUnwrap(json["scalars"] as? [String: [[Double]]])
        let ours = try TensorBoardEventReader.scalars(at: run)
        XCTAssertEqual(Set(pythonScalars.keys), Set(ours.keys))
        for (tag, points) in ours {
            let theirs = try XCTUnwrap(pythonScalars[tag])
            XCTAssertEqual(theirs.map { Int($0[0]) }, points.map(\.step), tag)
            XCTAssertEqual(theirs.map { $0[1] }, points.map(\.wallTime), tag)
            XCTAssertEqual(theirs.map { Float($0[2]) }, points.map(\.value), tag)
        }
        // Steps 0...9 of the first session, then 10...24 of the resumed one.
        XCTAssertEqual(pythonScalars["charts/episodic_return"]?.map { $0[2] },
                       (0..<10).map { Double($0) * 1.5 - 7.25 } + (10..<25).map { Double($0) * 100 })
        XCTAssertEqual(pythonScalars["losses/value_loss"]?.count, 10)
        XCTAssertEqual(json["text"] as? [String: [String]], ["config": ["| key | value |\n|---|---|\n| gamma | 0.99 |"]])
        let server = try XCTUnwrap(json["server"] as? [String: [[Double]]])
        XCTAssertEqual(server.mapValues { $0.map { Float($0[1]) } }, ours.mapValues { $0.map(\.value) })
        XCTAssertEqual(server.mapValues { $0.map { Int($0[0]) } }, ours.mapValues { $0.map(\.step) })
    }

    /// Our reader reads what tensorboard's Python writer writes: `simple_value` scalars and
    /// the rank-0 float tensors of TF2-style summaries.
    func testOurReaderReadsTheTensorBoardPackagesFiles() throws {
        let python = try Self.pythonWithTensorBoard()
        let script = """
        import sys, time
        from tensorboard.summary.writer.event_file_writer import EventFileWriter
        from tensorboard.compat.proto import event_pb2, summary_pb2, tensor_pb2
        w = EventFileWriter(sys.argv[1])
        for step in range(5):
            v = summary_pb2.Summary.Value(tag="simple", simple_value=step * 0.25)
            w.add_event(event_pb2.Event(wall_time=1000.0 + step, step=step, summary=summary_pb2.Summary(value=[v])))
        t = tensor_pb2.TensorProto(dtype=1, float_val=[2.5])
        v = summary_pb2.Summary.Value(tag="tensor", tensor=t)
        w.add_event(event_pb2.Event(wall_time=2000.0, step=7, summary=summary_pb2.Summary(value=[v])))
        w.close()
        """
        _ = try Self.run(python, ["-c", script, directory.path])
        let scalars = try TensorBoardEventReader.scalars(at: directory)
        XCTAssertEqual(scalars["simple"], (0..<5).map { TensorBoardScalar(step: $0, wallTime: 1000 + Double($0), value: Float($0) * 0.25) })
        XCTAssertEqual(scalars["tensor"], [TensorBoardScalar(step: 7, wallTime: 2000, value: 2.5)])
    }

    /// A Python interpreter that can import tensorboard: `SWIFTRL_TEST_PYTHON`, then
    /// /tmp/venv-torch/bin/python, then `python3` on the PATH.
    static func pythonWithTensorBoard() throws -> String {
        var candidates: [String] = []
        if let configured = ProcessInfo.processInfo.environment["SWIFTRL_TEST_PYTHON"], !configured.isEmpty { candidates.append(configured) }
        candidates += ["/tmp/venv-torch/bin/python", "python3"]
        for candidate in candidates where (try? run(candidate, ["-c", "import tensorboard"])) != nil {
            return candidate
        }
        throw XCTSkip("no Python with the tensorboard package (tried \(candidates.joined(separator: ", "))); "
            + "`pip install tensorboard` and set SWIFTRL_TEST_PYTHON=/path/to/python to check files against TensorBoard's reader")
    }

    /// Runs `executable` (a path, or a name looked up on the PATH) and returns its standard
    /// output; throws when it cannot start or exits with a failure.
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        if executable.contains("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        // Standard error goes to a file: a second pipe read after the first could fill and block the child.
        let errorURL = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-python-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorURL) }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errorURL)
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let errors = (try? String(contentsOf: errorURL, encoding: .utf8)) ?? ""
            throw NSError(domain: "python", code: Int(process.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "\(executable) exited with \(process.terminationStatus): \(errors)"])
        }
        return String(decoding: data, as: UTF8.self)
    }
}
