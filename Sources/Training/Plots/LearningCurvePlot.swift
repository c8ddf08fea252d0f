import Foundation
import Environments

/// Learning curves in the form CleanRL reports them: a metric (the episodic return) against
/// environment steps and against wall-clock time, side by side, for several series with a
/// legend. A series with several runs (seeds) is drawn as the mean across runs with a shaded
/// band; runs are interpolated linearly onto a common grid first, since episodes end at
/// different steps in each run.
///
/// Renders to SVG (vector, with real text) and PNG (rasterised on a ``Canvas`` with a
/// built-in bitmap font), both from the same ``layout()``:
/// ```swift
/// let run = try LearningCurveRun(contentsOfRunDirectory: runDirectory)
/// let plot = LearningCurvePlot(series: [LearningCurveSeries(label: "PPO", runs: [run])])
/// try plot.write(to: runDirectory)  // learning_curve.svg and learning_curve.png
/// ```
public struct LearningCurvePlot: Sendable {
    /// What the band around a series' mean shows.
    public enum Band: String, Sendable, Codable, CaseIterable {
        /// No band: only the mean.
        case none
        /// From the lowest to the highest run at each x.
        case minMax
        /// The mean ± one standard deviation across runs (population formula).
        case standardDeviation
    }

    /// The series, drawn in order and coloured by ``colors``.
    public var series: [LearningCurveSeries]
    /// A line above the legend, e.g. the environment id; nil for none.
    public var title: String?
    /// The y-axis title.
    public var metricLabel: String
    /// The band drawn across the runs of a series.
    public var band: Band
    /// TensorBoard-style smoothing weight in [0, 1) applied to each run before aggregation;
    /// 0 draws the values as logged, 0.6 to 0.9 calms noisy episodic returns.
    public var smoothing: Double
    /// Figure width in pixels.
    public var width: Int
    /// Figure height in pixels.
    public var height: Int
    /// Points of the common x grid several runs are interpolated onto.
    public var gridPoints: Int
    /// A single run with more points than this is averaged in bins of consecutive points.
    public var maxPointsPerLine: Int

    /// matplotlib's default colour cycle, "tab10" (from Tableau's palette): ten hues that stay
    /// distinguishable for the common forms of colour blindness and in greyscale print.
    public static let colors: [RGBColor] = [
        RGBColor(0x1F, 0x77, 0xB4), RGBColor(0xFF, 0x7F, 0x0E), RGBColor(0x2C, 0xA0, 0x2C), RGBColor(0xD6, 0x27, 0x28),
        RGBColor(0x94, 0x67, 0xBD), RGBColor(0x8C, 0x56, 0x4B), RGBColor(0xE3, 0x77, 0xC2), RGBColor(0x7F, 0x7F, 0x7F),
        RGBColor(0xBC, 0xBD, 0x22), RGBColor(0x17, 0xBE, 0xCF),
    ]
    /// Opacity of the band over the background, as seaborn's `lineplot` (0.2).
    public static let bandOpacity = 0.2

    /// A plot of `series`.
    public init(series: [LearningCurveSeries], title: String? = nil, metricLabel: String = "episodic return",
                band: Band = .minMax, smoothing: Double = 0, width: Int = 1000, height: Int = 420,
                gridPoints: Int = 200, maxPointsPerLine: Int = 2000) {
        precondition(smoothing >= 0 && smoothing < 1, "LearningCurvePlot: smoothing must be in [0, 1), got \(smoothing)")
        precondition(width >= 200 && height >= 150, "LearningCurvePlot: a figure needs at least 200x150 pixels, got \(width)x\(height)")
        precondition(gridPoints >= 2 && maxPointsPerLine >= 2, "LearningCurvePlot: gridPoints and maxPointsPerLine must be at least 2")
        self.series = series
        self.title = title
        self.metricLabel = metricLabel
        self.band = band
        self.smoothing = smoothing
        self.width = width
        self.height = height
        self.gridPoints = gridPoints
        self.maxPointsPerLine = maxPointsPerLine
    }

    /// The PNG file of ``canvas()``.
    public func png() -> [UInt8] {
        let picture = canvas()
        return PNGEncoder.encode(rgb: picture.pixels, width: picture.width, height: picture.height)
    }

    /// Writes `<baseName>.svg` and `<baseName>.png` into `directory` (created if needed) and
    /// returns their locations.
    @discardableResult
    public func write(to directory: URL, baseName: String = "learning_curve") throws -> (svg: URL, png: URL) {
        let svgURL = directory.appendingPathComponent(baseName + ".svg"), pngURL = directory.appendingPathComponent(baseName + ".png")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(svg().utf8).write(to: svgURL, options: .atomic)
            try Data(png()).write(to: pngURL, options: .atomic)
        } catch {
            throw LogFileError.io(file: directory.path, reason: "cannot write the learning-curve plots (\(error.localizedDescription))")
        }
        return (svgURL, pngURL)
    }
}
