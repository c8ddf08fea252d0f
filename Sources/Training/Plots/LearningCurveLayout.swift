import Environments

/// Where everything of a ``LearningCurvePlot`` goes, in pixels (SVG user units are the same
/// pixels): computed once and drawn by both the SVG and the PNG renderer, so the two files
/// show the same figure. Coordinates have x to the right and y down, as ``Canvas``.
public struct LearningCurveLayout: Sendable {
    /// An axis-aligned rectangle.
    public struct Rect: Sendable, Equatable {
        /// Left edge.
        public var x: Double
        /// Top edge.
        public var y: Double
        /// Width.
        public var width: Double
        /// Height.
        public var height: Double
        /// Right edge.
        public var maxX: Double { x + width }
        /// Bottom edge.
        public var maxY: Double { y + height }
    }

    /// The line (and band) of one series in one panel, in data coordinates.
    public struct Curve: Sendable, Equatable {
        /// The series' legend label.
        public var label: String
        /// The series' colour.
        public var color: RGBColor
        /// Positions along the panel's x axis (steps, or time in the panel's unit).
        public var x: [Double]
        /// The line: the run's values, or the mean across runs.
        public var y: [Double]
        /// The band's lower edge across runs, when drawn.
        public var lower: [Double]?
        /// The band's upper edge across runs, when drawn.
        public var upper: [Double]?
    }

    /// One pair of axes.
    public struct Panel: Sendable, Equatable {
        /// The plotting area; the axes run along its left and bottom edges.
        public var frame: Rect
        /// The x axis' range and ticks.
        public var xTicks: AxisTicks
        /// The y axis' range and ticks.
        public var yTicks: AxisTicks
        /// The x axis' title, e.g. "environment steps" or "wall-clock time (min)".
        public var xLabel: String
        /// The y axis' title, the metric.
        public var yLabel: String
        /// How many seconds one unit of the x axis is: 1 for steps and seconds, 60 for minutes, 3600 for hours.
        public var xUnitSeconds: Double
        /// One curve per series with data, in series order.
        public var curves: [Curve]

        /// The pixel position of the data point (`x`, `y`).
        public func point(x: Double, y: Double) -> CanvasPoint {
            CanvasPoint(frame.x + (x - xTicks.lower) / (xTicks.upper - xTicks.lower) * frame.width,
                        frame.maxY - (y - yTicks.lower) / (yTicks.upper - yTicks.lower) * frame.height)
        }
    }

    /// How a text is placed relative to its anchor point.
    public enum TextAlignment: Sendable, Equatable {
        /// The text starts at the anchor.
        case start
        /// The text is centred on the anchor.
        case middle
        /// The text ends at the anchor.
        case end
    }

    /// A line of text: anchored at a point, vertically centred on it.
    public struct Text: Sendable, Equatable {
        /// The text.
        public var string: String
        /// The anchor point.
        public var anchor: CanvasPoint
        /// Horizontal placement relative to the anchor (along the text when rotated).
        public var alignment: TextAlignment
        /// Whether the text reads upwards (y-axis titles).
        public var rotated: Bool
    }

    /// A legend entry: a short line in the series' colour followed by its label.
    public struct LegendEntry: Sendable, Equatable {
        /// The series' label.
        public var label: String
        /// The series' colour.
        public var color: RGBColor
        /// The left end of the colour swatch; the swatch is ``LearningCurveLayout/legendSwatchLength`` long.
        public var swatch: CanvasPoint
    }

    /// Figure width in pixels.
    public var width: Int
    /// Figure height in pixels.
    public var height: Int
    /// The panels: return against environment steps, then against wall-clock time.
    public var panels: [Panel]
    /// The legend entries, one per series.
    public var legend: [LegendEntry]
    /// Every text of the figure (title, legend labels, tick labels, axis titles).
    public var texts: [Text]

    /// Pixels per font pixel of the PNG's 5 × 7 bitmap font (about a 14 px font).
    public static let textScale = 2
    /// Length of a legend swatch in pixels.
    public static let legendSwatchLength = 28.0
    /// Length of tick marks outside the axes.
    public static let tickLength = 5.0

    static let margin = 12.0, panelGap = 28.0, textHeight = Double(BitmapFont.height(scale: textScale))

    static func textWidth(_ text: String) -> Double {
        Double(BitmapFont.width(of: text, scale: textScale))
    }
}

extension LearningCurvePlot {
    /// Where everything goes: the curves aggregated across seeds, axes, ticks, legend and texts.
    public func layout() -> LearningCurveLayout {
        typealias Layout = LearningCurveLayout
        let colors = series.indices.map { Self.colors[$0 % Self.colors.count] }

        // Curves in data coordinates, steps and seconds.
        func curves(time: Bool, unit: Double) -> [Layout.Curve] {
            series.indices.compactMap { index in
                let runs = series[index].runs.map { run in
                    SeedAggregation.cleaned(x: (time ? run.wallTimes : run.steps).map { $0 / unit },
                                            y: SeedAggregation.smoothed(run.values, weight: smoothing))
                }
                guard let curve = SeedAggregation.curve(runs: runs, band: band, gridPoints: gridPoints, maxPoints: maxPointsPerLine) else { return nil }
                return Layout.Curve(label: series[index].label, color: colors[index], x: curve.x, y: curve.y, lower: curve.lower, upper: curve.upper)
            }
        }
        let longestTime = series.flatMap { $0.runs.flatMap { $0.wallTimes.filter(\.isFinite) } }.max() ?? 0
        let (timeUnit, timeUnitName): (Double, String) = longestTime <= 180 ? (1, "s") : longestTime <= 3 * 3600 ? (60, "min") : (3600, "h")
        let stepCurves = curves(time: false, unit: 1), timeCurves = curves(time: true, unit: timeUnit)

        let allY = (stepCurves + timeCurves).flatMap { $0.y + ($0.lower ?? []) + ($0.upper ?? []) }
        let yTicks = AxisTicks(covering: allY.min() ?? 0, allY.max() ?? 1, padding: 0.05)
        func xTicks(_ curves: [Layout.Curve]) -> AxisTicks {
            let xs = curves.flatMap(\.x)
            guard let low = xs.min(), let high = xs.max() else { return AxisTicks(covering: 0, 1) }
            // Training curves start at step 0 and time 0; showing the origin shows how soon learning began.
            return AxisTicks(covering: low >= 0 ? 0 : low, high)
        }

        var texts: [Layout.Text] = []
        let margin = Layout.margin, textHeight = Layout.textHeight
        var cursor = margin
        if let title, !title.isEmpty {
            texts.append(.init(string: title, anchor: CanvasPoint(Double(width) / 2, cursor + textHeight / 2), alignment: .middle, rotated: false))
            cursor += textHeight + 10
        }

        // Legend rows, each centred, wrapped to the figure width.
        var legend: [Layout.LegendEntry] = []
        let entryWidths = series.map { Layout.legendSwatchLength + 8 + Layout.textWidth($0.label) }
        var rows: [[Int]] = []
        var rowWidth = 0.0
        for (index, entryWidth) in entryWidths.enumerated() {
            if rows.isEmpty || rowWidth + 24 + entryWidth > Double(width) - 2 * margin {
                rows.append([index])
                rowWidth = entryWidth
            } else {
                rows[rows.count - 1].append(index)
                rowWidth += 24 + entryWidth
            }
        }
        for row in rows {
            let total = row.map { entryWidths[$0] }.reduce(0, +) + 24 * Double(row.count - 1)
            var x = (Double(width) - total) / 2
            let y = cursor + textHeight / 2
            for index in row {
                legend.append(.init(label: series[index].label, color: colors[index], swatch: CanvasPoint(x, y)))
                texts.append(.init(string: series[index].label, anchor: CanvasPoint(x + Layout.legendSwatchLength + 8, y), alignment: .start, rotated: false))
                x += entryWidths[index] + 24
            }
            cursor += textHeight + 8
        }

        // Two panels side by side.
        let top = cursor + (rows.isEmpty ? 0 : 4) + textHeight / 2
        let panelWidth = (Double(width) - 2 * margin - Layout.panelGap) / 2
        let bottomSpace = Layout.tickLength + 5 + textHeight + 10 + textHeight
        let yLabelWidth = yTicks.labels.map(Layout.textWidth).max() ?? 0
        var panels: [Layout.Panel] = []
        for (index, (curves, xLabel, unit)) in [(stepCurves, "environment steps", 1.0),
                                               (timeCurves, "wall-clock time (\(timeUnitName))", timeUnit)].enumerated() {
            let left = margin + Double(index) * (panelWidth + Layout.panelGap)
            let ticks = xTicks(curves)
            let frameX = left + textHeight + 10 + yLabelWidth + Layout.tickLength + 4
            let rightPad = max(8, (ticks.labels.last.map(Layout.textWidth) ?? 0) / 2)
            let frame = Layout.Rect(x: frameX, y: top, width: max(1, left + panelWidth - rightPad - frameX),
                                    height: max(1, Double(height) - margin - bottomSpace - top))
            let panel = Layout.Panel(frame: frame, xTicks: ticks, yTicks: yTicks, xLabel: xLabel, yLabel: metricLabel,
                                     xUnitSeconds: unit, curves: curves)
            panels.append(panel)
            for (value, label) in zip(ticks.values, ticks.labels) {
                let x = panel.point(x: value, y: yTicks.lower).x
                texts.append(.init(string: label, anchor: CanvasPoint(x, frame.maxY + Layout.tickLength + 5 + textHeight / 2), alignment: .middle, rotated: false))
            }
            for (value, label) in zip(yTicks.values, yTicks.labels) {
                let y = panel.point(x: ticks.lower, y: value).y
                texts.append(.init(string: label, anchor: CanvasPoint(frame.x - Layout.tickLength - 4, y), alignment: .end, rotated: false))
            }
            texts.append(.init(string: xLabel, anchor: CanvasPoint(frame.x + frame.width / 2, frame.maxY + bottomSpace - textHeight / 2),
                               alignment: .middle, rotated: false))
            texts.append(.init(string: metricLabel, anchor: CanvasPoint(left + textHeight / 2, frame.y + frame.height / 2),
                               alignment: .middle, rotated: true))
        }
        return LearningCurveLayout(width: width, height: height, panels: panels, legend: legend, texts: texts)
    }
}

extension LearningCurveLayout.Panel {
    /// The curve's line in pixels, without points closer than `spacing` pixels to the last
    /// point kept (the last point is always kept).
    ///
    /// Dense runs otherwise become thousands of sub-pixel segments: in the PNG each would be
    /// anti-aliased on its own to a coverage that rounds to nothing, and in the SVG they only
    /// add bytes. Any move of `spacing` or more, a spike included, survives.
    func pixelLine(of curve: LearningCurveLayout.Curve, spacing: Double = 1) -> [CanvasPoint] {
        var line: [CanvasPoint] = []
        line.reserveCapacity(curve.x.count)
        for (i, (x, y)) in zip(curve.x, curve.y).enumerated() {
            let point = point(x: x, y: y)
            if let last = line.last, i != curve.x.count - 1 {
                let dx = point.x - last.x, dy = point.y - last.y
                if dx * dx + dy * dy < spacing * spacing { continue }
            }
            line.append(point)
        }
        return line
    }

    /// The outline of the curve's band in pixels (along the upper edge, back along the
    /// lower), or nil when the curve has no band or fewer than two points.
    func bandOutline(of curve: LearningCurveLayout.Curve) -> [CanvasPoint]? {
        guard let lower = curve.lower, let upper = curve.upper, curve.x.count >= 2 else { return nil }
        return zip(curve.x, upper).map { point(x: $0, y: $1) } + zip(curve.x, lower).reversed().map { point(x: $0, y: $1) }
    }
}
