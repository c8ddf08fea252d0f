import XCTest
import Foundation
import Training

final class CSVMetricsTests: XCTestCase {
    private var directory: URL!
    private var fileURL: URL { directory.appendingPathComponent("metrics.csv") }

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func fileText() throws -> String {
        try String(contentsOf: fileURL, encoding: .utf8)
    }

    func testRowsLateKeysAndMergedSteps() throws {
        let writer = try CSVMetricsWriter(fileURL: fileURL)
        XCTAssertEqual(try fileText(), "step,wall_time\n")
        try writer.addScalars(["charts/episodic_return": 12.5, "charts/episodic_length": 12], step: 100, wallTime: 0.5)
        try writer.addScalar("charts/episodic_return", 20, step: 250, wallTime: 1.25)
        // Losses first appear at step 250 in a second call: same row, new column.
        try writer.addScalar("losses/policy_loss", -0.75, step: 250, wallTime: 9)
        try writer.addScalar("charts/SPS", 1e6, step: 400, wallTime: 2)
        try writer.addScalar("charts/SPS", 2e6, step: 400, wallTime: 2)  // merged: later value wins
        try writer.close()
        XCTAssertEqual(writer.keys, ["charts/episodic_length", "charts/episodic_return", "losses/policy_loss", "charts/SPS"])
        XCTAssertEqual(try fileText(), """
            step,wall_time,charts/episodic_length,charts/episodic_return,losses/policy_loss,charts/SPS
            100,0.5,12.0,12.5,,
            250,1.25,,20.0,-0.75,
            400,2.0,,,,2000000.0

            """)
        let table = try MetricsTable(contentsOf: fileURL)
        XCTAssertEqual(table.keys, writer.keys)
        XCTAssertEqual(table.rows.map(\.step), [100, 250, 400])
        XCTAssertEqual(table.column("charts/episodic_return"), [12.5, 20, nil])
        XCTAssertEqual(table[1, "losses/policy_loss"], -0.75)
        XCTAssertNil(table.column("charts/missing"))
        XCTAssertEqual(table.series("charts/episodic_return"), [
            MetricsTable.Point(step: 100, wallTime: 0.5, value: 12.5), MetricsTable.Point(step: 250, wallTime: 1.25, value: 20),
        ])
    }

    func testQuotingAndExactNumbersRoundTrip() throws {
        let awkward = ["a,b", "say \"hi\"", "two\nlines", " padded ", "crlf\r\nkey", "plain/key"]
        let numbers: [Double] = [0.1, -1e-300, 123456789.123, .infinity, -.infinity, .leastNonzeroMagnitude, 1.0 / 3.0]
        var table = MetricsTable()
        for (i, key) in awkward.enumerated() {
            table.append(step: i, wallTime: Double(i) / 7, values: [key: numbers[i]])
        }
        table.append(step: 99, wallTime: 1e-3, values: ["nan": .nan])
        let text = table.csv
        XCTAssertTrue(text.hasPrefix("step,wall_time,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" padded \","))
        let parsed = try MetricsTable(csv: text)
        XCTAssertEqual(parsed.keys, awkward + ["nan"])
        XCTAssertEqual(parsed.rows.count, 7)
        for (i, key) in awkward.enumerated() {
            XCTAssertEqual(parsed[i, key], numbers[i], key)
            XCTAssertEqual(parsed.rows[i].wallTime, Double(i) / 7)
        }
        XCTAssertTrue(parsed[6, "nan"]!.isNaN)
        // CRLF line ends (spreadsheet exports) read the same.
        let crlf = try MetricsTable(csv: "step,wall_time,\"x,y\"\r\n1,0.5,2\r\n2,1.5,\r\n")
        XCTAssertEqual(crlf.keys, ["x,y"])
        XCTAssertEqual(crlf.column("x,y"), [2, nil])
    }

    func testPandasStyleFileWithoutTrailingNewline() throws {
        let table = try MetricsTable(csv: "step,wall_time,charts/episodic_return\n0,0.0,1.5\n10,0.25,")
        XCTAssertEqual(table.rows, [.init(step: 0, wallTime: 0, values: [1.5]), .init(step: 10, wallTime: 0.25, values: [nil])])
    }

    func testMalformedFilesNameTheLineAndProblem() {
        let cases: [(String, Int, String)] = [
            ("", 1, "header row is missing"),
            ("time,step\n", 1, "expected [\"step\", \"wall_time\"]"),
            ("step,wall_time,x,x\n", 1, "appears twice"),
            ("step,wall_time,x\n1,0,2\n2,0\n", 3, "2 fields where the header has 3"),
            ("step,wall_time,x\n1.5,0,2\n", 2, "is not an integer"),
            ("step,wall_time,x\n1,0,abc\n", 2, "\"abc\" of x is not a number"),
            ("step,wall_time,x\n1,0,\"2\n", 2, "never closed"),
            ("step,wall_time,x\n1,0,2\"3\"\n", 2, "quote inside an unquoted field"),
        ]
        for (text, line, fragment) in cases {
            XCTAssertThrowsError(try MetricsTable(csv: text, file: "m.csv"), text) { error in
                guard case let .malformedCSV(file, errorLine, reason)? = error as? LogFileError else { return XCTFail("\(error)") }
                XCTAssertEqual(file, "m.csv")
                XCTAssertEqual(errorLine, line, text)
                XCTAssertTrue(reason.contains(fragment), "\(reason) lacks \(fragment)")
            }
        }
    }

    func testReservedKeysAreRejected() throws {
        let writer = try CSVMetricsWriter(fileURL: fileURL)
        for key in ["step", "wall_time", ""] {
            XCTAssertThrowsError(try writer.addScalar(key, 1, step: 0)) { error in
                XCTAssertEqual(error as? LogFileError, .reservedKey(key))
            }
        }
        XCTAssertEqual(try fileText(), "step,wall_time\n")
    }

    func testResumeTruncatesLaterRowsAndContinuesTheClock() throws {
        let writer = try CSVMetricsWriter(fileURL: fileURL)
        for step in 1...6 { try writer.addScalars(["x": Double(step), "y": -Double(step)], step: step * 10, wallTime: Double(step)) }
        // Killed without close: the rows are already in the file.
        XCTAssertEqual(try MetricsTable(contentsOf: fileURL).rows.count, 6)

        let resumed = try CSVMetricsWriter(fileURL: fileURL, resumingAfterStep: 30)
        XCTAssertEqual(resumed.keys, ["x", "y"])
        XCTAssertGreaterThanOrEqual(resumed.elapsedTime, 3)
        XCTAssertLessThan(resumed.elapsedTime, 3 + 60)
        try resumed.addScalar("x", 40.5, step: 40)
        try resumed.close()
        let table = try MetricsTable(contentsOf: fileURL)
        XCTAssertEqual(table.rows.map(\.step), [10, 20, 30, 40])
        XCTAssertEqual(table.column("x"), [1, 2, 3, 40.5])
        XCTAssertEqual(table.column("y"), [-1, -2, -3, nil])
        XCTAssertGreaterThanOrEqual(table.rows[3].wallTime, 3)

        XCTAssertEqual(table.truncated(throughStep: 25).rows.map(\.step), [10, 20])
        XCTAssertEqual(table.truncated(throughStep: 25).keys, ["x", "y"])

        // A fresh writer replaces the file; resuming without a file starts empty.
        _ = try CSVMetricsWriter(fileURL: fileURL)
        XCTAssertEqual(try fileText(), "step,wall_time\n")
        let other = directory.appendingPathComponent("other.csv")
        _ = try CSVMetricsWriter(fileURL: other, resumingAfterStep: 5)
        XCTAssertEqual(try String(contentsOf: other, encoding: .utf8), "step,wall_time\n")
    }

    func testWallTimeDefaultsToSecondsSinceStart() throws {
        let writer = try CSVMetricsWriter(fileURL: fileURL)
        try writer.addScalar("x", 1, step: 1)
        let table = try MetricsTable(contentsOf: fileURL)
        XCTAssertGreaterThanOrEqual(table.rows[0].wallTime, 0)
        XCTAssertLessThan(table.rows[0].wallTime, 60)
        XCTAssertEqual(table.rows[0].wallTime, (table.rows[0].wallTime * 1000).rounded() / 1000)
    }

    /// pandas, the usual reader of metrics.csv, sees the same numbers and missing cells.
    func testPandasReadsTheFileWhenAvailable() throws {
        let python = try TensorBoardWriterTests.pythonWithTensorBoard()
        guard (try? TensorBoardWriterTests.run(python, ["-c", "import pandas"])) != nil else {
            throw XCTSkip("\(python) has no pandas; `pip install pandas` to check metrics.csv against pandas.read_csv")
        }
        let writer = try CSVMetricsWriter(fileURL: fileURL)
        try writer.addScalar("charts/episodic_return", 0.1, step: 1, wallTime: 0.25)
        try writer.addScalar("a,\"b\"", -2.5, step: 2, wallTime: 0.5)
        try writer.close()
        let script = """
        import sys, json, pandas
        df = pandas.read_csv(sys.argv[1])
        print(json.dumps({"columns": list(df.columns), "values": df.fillna(-999).values.tolist()}))
        """
        let output = try TensorBoardWriterTests.run(python, ["-c", script, fileURL.path])
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        XCTAssertEqual(json["columns"] as? [String], ["step", "wall_time", "charts/episodic_return", "a,\"b\""])
        XCTAssertEqual(json["values"] as? [[Double]], [[1, 0.25, 0.1, -999], [2, 0.5, -999, -2.5]])
    }
}
