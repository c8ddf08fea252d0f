import XCTest
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Environments
import Training

final class PlotTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-plot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        // SWIFTRL_KEEP_PLOTS=1 keeps the figures to look at; the path is printed.
        if ProcessInfo.processInfo.environment["SWIFTRL_KEEP_PLOTS"] != nil {
            print("plots kept in \(directory.path)")
        } else {
            try? FileManager.default.removeItem(at: directory)
        }
    }

    // MARK: Axis ticks

    func testTicksAreOneTwoFiveStepsCoveringTheData() {
        let unit = AxisTicks(covering: 0.03, 0.97)
        XCTAssertEqual(unit.step, 0.2)
        XCTAssertEqual(unit.values, [0, 0.2, 0.4, 0.6, 0.8, 1])
        XCTAssertEqual(unit.labels, ["0", "0.2", "0.4", "0.6", "0.8", "1.0"])

        let steps = AxisTicks(covering: 0, 487_000)
        XCTAssertEqual(steps.step, 100_000)
        XCTAssertEqual(steps.labels, ["0", "100k", "200k", "300k", "400k", "500k"])

        let million = AxisTicks(covering: 0, 1_000_000)
        XCTAssertEqual(million.values.count, 6)
        XCTAssertEqual(million.labels, ["0", "0.2M", "0.4M", "0.6M", "0.8M", "1.0M"])

        // The ends stay at the data when the next tick is far: 5 intervals of 100, not 3 of 200.
        let returns = AxisTicks(covering: -7.3, 512)
        XCTAssertEqual(returns.step, 100)
        XCTAssertEqual(returns.lower, -7.3)
        XCTAssertEqual(returns.upper, 512)
        XCTAssertEqual(returns.labels, ["0", "100", "200", "300", "400", "500"])
        let padded = AxisTicks(covering: 0, 500, padding: 0.05)
        XCTAssertEqual(padded.lower, -25)
        XCTAssertEqual(padded.upper, 525)
        XCTAssertEqual(padded.values, [0, 100, 200, 300, 400, 500])

        let small = AxisTicks(covering: -0.031, -0.012)
        XCTAssertEqual(small.step, 0.005, accuracy: 1e-15)
        XCTAssertEqual(small.labels, ["-0.030", "-0.025", "-0.020", "-0.015"])

        // A flat curve (CartPole at 500) still gets an axis around it; NaN gives the unit range.
        let flat = AxisTicks(covering: 500, 500)
        XCTAssertLessThan(flat.lower, 500)
        XCTAssertGreaterThan(flat.upper, 500)
        XCTAssertEqual(AxisTicks(covering: .nan, 3).values, [0, 0.2, 0.4, 0.6, 0.8, 1])
        XCTAssertEqual(AxisTicks(covering: -1e308, 1e308).values, [0, 0.2, 0.4, 0.6, 0.8, 1])

        for (low, high) in [(0.0, 7.0), (-3.0, 19.0), (1e-4, 3e-4), (2.0, 2e9)] {
            let ticks = AxisTicks(covering: low, high)
            XCTAssertLessThanOrEqual(ticks.lower, low)
            XCTAssertGreaterThanOrEqual(ticks.upper, high)
            XCTAssertTrue((3...6).contains(ticks.values.count), "\(low)...\(high): \(ticks.values)")
            XCTAssertTrue(ticks.values.allSatisfy { ticks.lower <= $0 && $0 <= ticks.upper })
            let mantissa = ticks.step / pow(10, log10(ticks.step).rounded(.down))
            XCTAssertTrue([1, 2, 5].contains { abs(mantissa - $0) < 1e-9 }, "step \(ticks.step)")
        }
    }

    // MARK: Aggregation across seeds

    func testSeedsAreInterpolatedOntoTheirCommonRangeAndAveraged() throws {
        // Three seeds, logged at different steps: y = x, x + 30, x + 60 on their own ranges.
        let runs = [
            LearningCurveRun(steps: [0, 100], wallTimes: [0, 10], values: [0, 100]),
            LearningCurveRun(steps: [10, 50, 90], wallTimes: [1, 5, 9], values: [40, 80, 120]),
            LearningCurveRun(steps: [5, 95], wallTimes: [0.5, 9.5], values: [65, 155]),
        ]
        var plot = LearningCurvePlot(series: [LearningCurveSeries(label: "three seeds", runs: runs)], gridPoints: 5)
        var curve = try XCTUnwrap(plot.layout().panels[0].curves.first)
        // The grid spans only the steps every seed reached: 10...90.
        XCTAssertEqual(curve.x, [10, 30, 50, 70, 90])
        XCTAssertEqual(curve.y, [40, 60, 80, 100, 120])
        XCTAssertEqual(curve.lower, [10, 30, 50, 70, 90])
        XCTAssertEqual(curve.upper, [70, 90, 110, 130, 150])

        plot.band = .standardDeviation
        curve = try XCTUnwrap(plot.layout().panels[0].curves.first)
        let sd = (1800.0 / 3).squareRoot()  // deviations -30, 0, +30
        for (lower, y) in zip(curve.lower!, curve.y) { XCTAssertEqual(lower, y - sd, accuracy: 1e-9) }

        plot.band = .none
        XCTAssertNil(try XCTUnwrap(plot.layout().panels[0].curves.first).upper)

        // The wall-clock panel aggregates over time (seconds here: the runs last 10 s).
        let timePanel = plot.layout().panels[1]
        XCTAssertEqual(timePanel.xLabel, "wall-clock time (s)")
        XCTAssertEqual(timePanel.curves[0].x.first, 1)
        XCTAssertEqual(timePanel.curves[0].x.last, 9)
        XCTAssertEqual(timePanel.curves[0].y.first!, 40, accuracy: 1e-9)
    }

    func testSingleRunIsDrawnAsLoggedWithOptionalSmoothing() throws {
        let run = LearningCurveRun(steps: [3, 1, 2, .nan], wallTimes: [3, 1, 2, 4], values: [2, 0, 2, 5])
        var plot = LearningCurvePlot(series: [LearningCurveSeries(label: "one", runs: [run])])
        var curve = try XCTUnwrap(plot.layout().panels[0].curves.first)
        // Sorted by step; the point with a NaN step is left out.
        XCTAssertEqual(curve.x, [1, 2, 3])
        XCTAssertEqual(curve.y, [0, 2, 2])
        XCTAssertNil(curve.lower)

        // TensorBoard's debiased EMA over the logged order 2, 0, 2 with weight 0.5:
        // averages 1, 0.5, 1.25 over corrections 0.5, 0.75, 0.875.
        plot.smoothing = 0.5
        curve = try XCTUnwrap(plot.layout().panels[0].curves.first)
        XCTAssertEqual(curve.y[0], 0.5 / 0.75, accuracy: 1e-12)  // step 1 was logged second
        XCTAssertEqual(curve.y[1], 1.25 / 0.875, accuracy: 1e-12)
        XCTAssertEqual(curve.y[2], 2, accuracy: 1e-12)

        // Long runs are averaged in bins to keep files small.
        let long = LearningCurveRun(steps: (0..<10).map(Double.init), wallTimes: (0..<10).map(Double.init), values: (0..<10).map(Double.init))
        let binned = LearningCurvePlot(series: [LearningCurveSeries(label: "long", runs: [long])], maxPointsPerLine: 4)
        XCTAssertEqual(binned.layout().panels[0].curves[0].y, [1, 4, 7, 9])
    }

    func testTimeAxisPicksMinutesOrHours() {
        func label(longest seconds: Double) -> String {
            let run = LearningCurveRun(steps: [0, 1], wallTimes: [0, seconds], values: [0, 1])
            return LearningCurvePlot(series: [LearningCurveSeries(label: "r", runs: [run])]).layout().panels[1].xLabel
        }
        XCTAssertEqual(label(longest: 90), "wall-clock time (s)")
        XCTAssertEqual(label(longest: 1800), "wall-clock time (min)")
        XCTAssertEqual(label(longest: 36_000), "wall-clock time (h)")
    }

    // MARK: Rendering

    private func twoSeriesPlot() -> LearningCurvePlot {
        // Series A: a straight line from (0, 0) to (1000, 100), two seeds 20 apart (band 40...60 at the middle).
        let a = [
            LearningCurveRun(steps: [0, 1000], wallTimes: [0, 60], values: [-10, 90]),
            LearningCurveRun(steps: [0, 1000], wallTimes: [0, 60], values: [10, 110]),
        ]
        // Series B: flat at 80, one run, a label with XML's special characters.
        let b = [LearningCurveRun(steps: [0, 500, 1000], wallTimes: [0, 30, 60], values: [80, 80, 80])]
        return LearningCurvePlot(series: [LearningCurveSeries(label: "PPO <A&B>", runs: a), LearningCurveSeries(label: "DQN \"x\"", runs: b)],
                                 title: "CartPole-v1")
    }

    func testSVGIsWellFormedAndCarriesTheCurvesAndLabels() throws {
        let svg = twoSeriesPlot().svg()
        final class Collector: NSObject, XMLParserDelegate {
            var elements: [String: Int] = [:]
            var texts: [String] = []
            var current: String?
            func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
                elements[name, default: 0] += 1
                if name == "text" { current = "" }
            }
            func parser(_ parser: XMLParser, foundCharacters string: String) { current? += string }
            func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
                if name == "text", let text = current { texts.append(text); current = nil }
            }
        }
        let parser = XMLParser(data: Data(svg.utf8))
        let collector = Collector()
        parser.delegate = collector
        XCTAssertTrue(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        XCTAssertEqual(collector.elements["svg"], 1)
        XCTAssertEqual(collector.elements["polyline"], 4)  // two series x two panels
        XCTAssertEqual(collector.elements["polygon"], 2)  // series A's band in both panels
        XCTAssertTrue(collector.texts.contains("PPO <A&B>"))
        XCTAssertTrue(collector.texts.contains("DQN \"x\""))
        XCTAssertTrue(collector.texts.contains("CartPole-v1"))
        XCTAssertTrue(collector.texts.contains("environment steps"))
        XCTAssertTrue(collector.texts.contains("wall-clock time (s)"))
        XCTAssertEqual(collector.texts.filter { $0 == "episodic return" }.count, 2)
        XCTAssertTrue(collector.texts.contains("1000"))
        XCTAssertTrue(svg.contains("stroke=\"#1f77b4\""))
        XCTAssertTrue(svg.contains("stroke=\"#ff7f0e\""))
    }

    func testPNGHasTheFigureSizeAndCurvesWhereTheLayoutPutsThem() throws {
        let plot = twoSeriesPlot()
        let png = plot.png()
        XCTAssertEqual(Array(png[0..<8]), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        XCTAssertEqual(String(decoding: png[12..<16], as: UTF8.self), "IHDR")
        let size = { (offset: Int) in png[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) } }
        XCTAssertEqual(size(16), 1000)
        XCTAssertEqual(size(20), 420)

        let canvas = plot.canvas()
        let layout = plot.layout()
        let blue = LearningCurvePlot.colors[0], orange = LearningCurvePlot.colors[1]
        func pixel(_ point: CanvasPoint) -> RGBColor { canvas.color(x: Int(point.x), y: Int(point.y)) }
        // A 2-pixel line fully covers at least one pixel of each column it crosses (edge pixels blend).
        func lineColors(_ point: CanvasPoint) -> [RGBColor] { (-2...2).map { canvas.color(x: Int(point.x), y: Int(point.y) + $0) } }
        for panel in layout.panels {
            let xEnd = panel.curves[0].x.last!
            // The mean of series A passes (x/2, 50); series B's flat line is at 80.
            XCTAssertTrue(lineColors(panel.point(x: xEnd * 0.5, y: 50)).contains(blue))
            XCTAssertTrue(lineColors(panel.point(x: xEnd * 0.3, y: 80)).contains(orange))
            XCTAssertFalse(lineColors(panel.point(x: xEnd * 0.5, y: 30)).contains(blue))
            // Inside A's band (40...60 at the middle) but off the line: 20% blue over white.
            let band = pixel(panel.point(x: xEnd * 0.5, y: 56))
            XCTAssertEqual(Double(band.red), 255 + (Double(blue.red) - 255) * 0.2, accuracy: 1.5)
            XCTAssertEqual(Double(band.blue), 255 + (Double(blue.blue) - 255) * 0.2, accuracy: 1.5)
            // Outside every curve and band: background (white, or a light grid line).
            let empty = pixel(panel.point(x: xEnd * 0.9, y: 20))
            XCTAssertTrue(empty == .white || empty == RGBColor(0xE5, 0xE5, 0xE5), "\(empty)")
            // The frame's bottom-left corner is drawn in the axis colour.
            XCTAssertEqual(canvas.color(x: Int(panel.frame.x), y: Int(panel.frame.maxY)), RGBColor(0x44, 0x44, 0x44))
        }
        // The legend swatches carry the series colours and the labels are drawn in text colour.
        for (entry, color) in zip(layout.legend, [blue, orange]) {
            XCTAssertEqual(pixel(CanvasPoint(entry.swatch.x + 10, entry.swatch.y)), color)
            let label = try XCTUnwrap(layout.texts.first { $0.string == entry.label })
            var dark = 0
            for dx in 0..<BitmapFontMetrics.width(label.string) {
                for dy in -7..<7 where canvas.color(x: Int(label.anchor.x) + dx, y: Int(label.anchor.y) + dy) == RGBColor(0x22, 0x22, 0x22) { dark += 1 }
            }
            XCTAssertGreaterThan(dark, 40, entry.label)
        }
    }

    func testWritesBothFilesIntoTheRunDirectory() throws {
        let urls = try twoSeriesPlot().write(to: directory.appendingPathComponent("run"))
        XCTAssertEqual(urls.svg.lastPathComponent, "learning_curve.svg")
        XCTAssertEqual(urls.png.lastPathComponent, "learning_curve.png")
        XCTAssertTrue(try String(contentsOf: urls.svg, encoding: .utf8).hasPrefix("<?xml"))
        XCTAssertEqual(try Data(contentsOf: urls.png).prefix(4), Data([0x89, 0x50, 0x4E, 0x47]))
    }

    // MARK: Loading runs

    func testRunsLoadFromMetricsCSVOrEventFiles() throws {
        let csvRun = directory.appendingPathComponent("csv-run")
        try FileManager.default.createDirectory(at: csvRun, withIntermediateDirectories: true)
        let csv = try CSVMetricsWriter(fileURL: csvRun.appendingPathComponent("metrics.csv"))
        try csv.addScalar("charts/episodic_return", 10, step: 100, wallTime: 1)
        try csv.addScalar("losses/value_loss", 3, step: 200, wallTime: 2)
        try csv.addScalar("charts/episodic_return", 30, step: 300, wallTime: 3)
        try csv.close()
        XCTAssertEqual(try LearningCurveRun(contentsOfRunDirectory: csvRun),
                       LearningCurveRun(steps: [100, 300], wallTimes: [1, 3], values: [10, 30]))
        XCTAssertThrowsError(try LearningCurveRun(contentsOfRunDirectory: csvRun, metric: "charts/missing")) { error in
            guard case let .metricNotFound(metric, _, available)? = error as? LearningCurveError else { return XCTFail("\(error)") }
            XCTAssertEqual(metric, "charts/missing")
            XCTAssertEqual(Set(available), ["charts/episodic_return", "losses/value_loss"])
        }

        let tbRun = directory.appendingPathComponent("tb-run")
        let writer = try TensorBoardWriter(directory: tbRun)
        let start = try XCTUnwrap(TensorBoardEventReader.events(inFile: writer.fileURL).first?.wallTime)
        try writer.addScalar("charts/episodic_return", 5, step: 64, wallTime: start + 0.5)
        try writer.addScalar("charts/episodic_return", 7.5, step: 128, wallTime: start + 2)
        try writer.close()
        XCTAssertEqual(try LearningCurveRun(contentsOfRunDirectory: tbRun),
                       LearningCurveRun(steps: [64, 128], wallTimes: [0.5, 2], values: [5, 7.5]))

        XCTAssertThrowsError(try LearningCurveRun(contentsOfRunDirectory: directory)) { error in
            XCTAssertEqual(error as? LearningCurveError, .noLogs(directory: directory.path))
        }
    }

    func testEmptyAndDegenerateSeriesStillRender() throws {
        let plot = LearningCurvePlot(series: [
            LearningCurveSeries(label: "no runs", runs: []),
            LearningCurveSeries(label: "one point", runs: [LearningCurveRun(steps: [10], wallTimes: [1], values: [3])]),
            LearningCurveSeries(label: "disjoint seeds", runs: [
                LearningCurveRun(steps: [0, 10], wallTimes: [0, 1], values: [1, 1]),
                LearningCurveRun(steps: [20, 30], wallTimes: [2, 3], values: [5, 5]),
            ]),
        ], band: .minMax)
        let layout = plot.layout()
        XCTAssertEqual(layout.legend.count, 3)
        XCTAssertEqual(layout.panels[0].curves.map(\.label), ["one point", "disjoint seeds"])
        // Seeds that never overlap: each grid point averages the seeds that cover it.
        let disjoint = layout.panels[0].curves[1]
        XCTAssertEqual(disjoint.y.first, 1)
        XCTAssertEqual(disjoint.y.last, 5)
        XCTAssertTrue(disjoint.x.allSatisfy { $0 <= 10 || $0 >= 20 })
        XCTAssertTrue(XMLParser(data: Data(plot.svg().utf8)).parse())
        let canvas = plot.canvas()
        XCTAssertEqual(canvas.color(x: Int(layout.panels[0].point(x: 10, y: 3).x), y: Int(layout.panels[0].point(x: 10, y: 3).y)),
                       LearningCurvePlot.colors[1])
        XCTAssertTrue(XMLParser(data: Data(LearningCurvePlot(series: []).svg().utf8)).parse())
    }
}

/// The PNG font's advance (6 font pixels at scale 2) for locating drawn labels.
private enum BitmapFontMetrics {
    static func width(_ text: String) -> Int { text.count * 12 - 2 }
}
