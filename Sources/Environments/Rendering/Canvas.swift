/// An 8-bit RGB colour.
public struct RGBColor: Sendable, Hashable {
    /// Red intensity, 0...255.
    public var red: UInt8
    /// Green intensity, 0...255.
    public var green: UInt8
    /// Blue intensity, 0...255.
    public var blue: UInt8

    /// The colour with these intensities.
    public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// 255, 255, 255.
    public static let white = RGBColor(255, 255, 255)
    /// 0, 0, 0.
    public static let black = RGBColor(0, 0, 0)
}

/// A point in canvas coordinates: x to the right, y down, in pixels. Pixel `(i, j)` (column
/// `i`, row `j`) is the unit square from `(i, j)` to `(i + 1, j + 1)`, so its centre is at
/// `(i + 0.5, j + 0.5)`.
public struct CanvasPoint: Sendable, Hashable {
    /// Pixels from the left edge.
    public var x: Double
    /// Pixels from the top edge.
    public var y: Double

    /// The point (`x`, `y`).
    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }
}

/// An RGB raster with the few drawing primitives environment renderers need (filled
/// polygons, circles, lines), so frames come without a window system or a graphics library.
///
/// Anti-aliased shapes get their coverage from four sub-scanlines per row with exact
/// horizontal span coverage, rounded to sixteenths: the rounding keeps a frame made of a
/// few flat colours within 256 distinct colours, so ``GIFEncoder`` stores it losslessly.
public struct Canvas: Sendable, Equatable {
    /// Columns of pixels.
    public let width: Int
    /// Rows of pixels.
    public let height: Int
    /// Height × width × 3 bytes, row-major RGB (the layout of ``Frame/rgb(pixels:height:width:)``).
    public private(set) var pixels: [UInt8]

    /// Sub-scanlines per pixel row for anti-aliased coverage.
    static let subsamples = 4
    /// Coverage levels an anti-aliased edge pixel can take (see the type's documentation).
    static let coverageLevels = 16.0

    /// A canvas filled with `background`.
    public init(width: Int, height: Int, background: RGBColor = .white) {
        precondition(width > 0 && height > 0, "Canvas: width and height must be positive, got \(width)x\(height)")
        self.width = width
        self.height = height
        pixels = []
        if background == .white || background == .black {
            pixels = [UInt8](repeating: background.red, count: width * height * 3)
        } else {
            pixels = [UInt8](unsafeUninitializedCapacity: width * height * 3) { buffer, count in
                for i in stride(from: 0, to: width * height * 3, by: 3) {
                    buffer[i] = background.red
                    buffer[i + 1] = background.green
                    buffer[i + 2] = background.blue
                }
                count = width * height * 3
            }
        }
    }

    /// The picture as an environment frame.
    public var frame: Frame { .rgb(pixels: pixels, height: height, width: width) }

    /// The colour of pixel (`x`, `y`).
    public func color(x: Int, y: Int) -> RGBColor {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "Canvas: pixel (\(x), \(y)) is outside \(width)x\(height)")
        let i = (y * width + x) * 3
        return RGBColor(pixels[i], pixels[i + 1], pixels[i + 2])
    }

    /// Sets pixel (`x`, `y`); pixels outside the canvas are ignored.
    public mutating func setPixel(x: Int, y: Int, _ color: RGBColor) {
        guard x >= 0 && x < width && y >= 0 && y < height else { return }
        let i = (y * width + x) * 3
        pixels[i] = color.red
        pixels[i + 1] = color.green
        pixels[i + 2] = color.blue
    }

    /// Fills the polygon with vertices `points` (even-odd rule; any winding, convex or not).
    /// Without anti-aliasing a pixel is painted when its centre lies inside.
    public mutating func fillPolygon(_ points: [CanvasPoint], color: RGBColor, antialias: Bool = true) {
        guard points.count >= 3, points.allSatisfy({ $0.x.isFinite && $0.y.isFinite }) else { return }
        var minY = Double.infinity, maxY = -Double.infinity, minX = Double.infinity, maxX = -Double.infinity
        for p in points {
            minY = min(minY, p.y); maxY = max(maxY, p.y)
            minX = min(minX, p.x); maxX = max(maxX, p.x)
        }
        // Clamped before converting, so far-away shapes clip instead of overflowing Int.
        let firstRow = Int(min(max(minY, 0), Double(height)).rounded(.down))
        let lastRow = Int(min(max(maxY, -1), Double(height - 1)).rounded(.up))
        let firstColumn = Int(min(max(minX, 0), Double(width)).rounded(.down))
        let lastColumn = Int(min(max(maxX, -1), Double(width - 1)).rounded(.up))
        guard firstRow <= lastRow, firstColumn <= lastColumn else { return }
        let samples = antialias ? Canvas.subsamples : 1
        var coverage = [Double](repeating: 0, count: lastColumn - firstColumn + 2)
        var crossings: [Double] = []
        crossings.reserveCapacity(points.count)
        for row in firstRow...lastRow {
            var touched = false
            for sub in 0..<samples {
                let y = Double(row) + (Double(sub) + 0.5) / Double(samples)
                crossings.removeAll(keepingCapacity: true)
                var previous = points[points.count - 1]
                for p in points {
                    // Half-open in y, so a vertex shared by two edges is counted once.
                    if (previous.y <= y) != (p.y <= y) {
                        crossings.append(previous.x + (y - previous.y) * (p.x - previous.x) / (p.y - previous.y))
                    }
                    previous = p
                }
                guard crossings.count >= 2 else { continue }
                crossings.sort()
                var k = 0
                while k + 1 < crossings.count {
                    let left = max(crossings[k], Double(firstColumn)), right = min(crossings[k + 1], Double(lastColumn + 1))
                    k += 2
                    guard left < right else { continue }
                    touched = true
                    if antialias {
                        Canvas.accumulate(span: left, right, into: &coverage, origin: firstColumn, weight: 1 / Double(samples))
                    } else {
                        // Pixels whose centres lie in [left, right).
                        let from = Int((left - 0.5).rounded(.up)), to = Int((right - 0.5).rounded(.up)) - 1
                        if from <= to { for c in from...to { coverage[c - firstColumn] = 1 } }
                    }
                }
            }
            guard touched else { continue }
            blendRow(row, coverage: &coverage, origin: firstColumn, color: color)
        }
    }

    /// Fills the disc of `radius` around `center`.
    public mutating func fillCircle(center: CanvasPoint, radius: Double, color: RGBColor, antialias: Bool = true) {
        guard radius > 0, center.x.isFinite, center.y.isFinite, radius.isFinite else { return }
        let firstRow = Int(min(max(center.y - radius, 0), Double(height)).rounded(.down))
        let lastRow = Int(min(max(center.y + radius, -1), Double(height - 1)).rounded(.up))
        let firstColumn = Int(min(max(center.x - radius, 0), Double(width)).rounded(.down))
        let lastColumn = Int(min(max(center.x + radius, -1), Double(width - 1)).rounded(.up))
        guard firstRow <= lastRow, firstColumn <= lastColumn else { return }
        var coverage = [Double](repeating: 0, count: lastColumn - firstColumn + 2)
        for row in firstRow...lastRow {
            let dy = Double(row) + 0.5 - center.y
            var touched = false
            for column in firstColumn...lastColumn {
                let dx = Double(column) + 0.5 - center.x
                let distance = (dx * dx + dy * dy).squareRoot()
                // The signed distance of the pixel centre to the rim approximates the covered
                // fraction of the pixel within half a pixel of the rim.
                let c = antialias ? min(1, max(0, radius + 0.5 - distance)) : (distance <= radius ? 1 : 0)
                if c > 0 { coverage[column - firstColumn] = c; touched = true }
            }
            if touched { blendRow(row, coverage: &coverage, origin: firstColumn, color: color) }
        }
    }

    /// Draws a straight line `width` pixels wide with flat ends at the two points.
    public mutating func drawLine(from start: CanvasPoint, to end: CanvasPoint, color: RGBColor,
                                  width lineWidth: Double = 1, antialias: Bool = true) {
        let dx = end.x - start.x, dy = end.y - start.y
        let length = (dx * dx + dy * dy).squareRoot()
        guard length > 0, length.isFinite else { return }
        let nx = -dy / length * lineWidth / 2, ny = dx / length * lineWidth / 2
        fillPolygon([CanvasPoint(start.x + nx, start.y + ny), CanvasPoint(end.x + nx, end.y + ny),
                     CanvasPoint(end.x - nx, end.y - ny), CanvasPoint(start.x - nx, start.y - ny)],
                    color: color, antialias: antialias)
    }

    /// Draws connected line segments through `points`.
    public mutating func drawPolyline(_ points: [CanvasPoint], color: RGBColor, width lineWidth: Double = 1,
                                      antialias: Bool = true) {
        guard points.count >= 2 else { return }
        for i in 1..<points.count {
            drawLine(from: points[i - 1], to: points[i], color: color, width: lineWidth, antialias: antialias)
        }
    }

    /// Paints a run of whole pixels: row `y`, columns `x0...x1` (clipped).
    public mutating func horizontalLine(y: Int, from x0: Int, to x1: Int, color: RGBColor) {
        guard y >= 0 && y < height else { return }
        let from = max(0, min(x0, x1)), to = min(width - 1, max(x0, x1))
        guard from <= to else { return }
        for x in from...to { setPixel(x: x, y: y, color) }
    }

    /// Paints a run of whole pixels: column `x`, rows `y0...y1` (clipped).
    public mutating func verticalLine(x: Int, from y0: Int, to y1: Int, color: RGBColor) {
        guard x >= 0 && x < width else { return }
        let from = max(0, min(y0, y1)), to = min(height - 1, max(y0, y1))
        guard from <= to else { return }
        for y in from...to { setPixel(x: x, y: y, color) }
    }

    /// Adds the overlap of `[left, right)` with each pixel column, times `weight`.
    static func accumulate(span left: Double, _ right: Double, into coverage: inout [Double], origin: Int, weight: Double) {
        let leftColumn = Int(left.rounded(.down)), rightColumn = Int(right.rounded(.down))
        if leftColumn == rightColumn {
            coverage[leftColumn - origin] += (right - left) * weight
            return
        }
        coverage[leftColumn - origin] += (Double(leftColumn + 1) - left) * weight
        if leftColumn + 1 < rightColumn {
            for c in (leftColumn + 1)..<rightColumn { coverage[c - origin] += weight }
        }
        if rightColumn - origin < coverage.count { coverage[rightColumn - origin] += (right - Double(rightColumn)) * weight }
    }

    /// Blends `color` into row `row` with the given per-column coverage, and clears the coverage.
    mutating func blendRow(_ row: Int, coverage: inout [Double], origin: Int, color: RGBColor) {
        let levels = Canvas.coverageLevels
        let red = Double(color.red), green = Double(color.green), blue = Double(color.blue)
        let columns = min(coverage.count, width - origin)
        pixels.withUnsafeMutableBufferPointer { buffer in
            var i = (row * width + origin) * 3
            for k in 0..<columns {
                let alpha = (min(1, coverage[k]) * levels).rounded() / levels
                coverage[k] = 0
                if alpha >= 1 {
                    buffer[i] = color.red; buffer[i + 1] = color.green; buffer[i + 2] = color.blue
                } else if alpha > 0 {
                    buffer[i] = UInt8((Double(buffer[i]) + (red - Double(buffer[i])) * alpha).rounded())
                    buffer[i + 1] = UInt8((Double(buffer[i + 1]) + (green - Double(buffer[i + 1])) * alpha).rounded())
                    buffer[i + 2] = UInt8((Double(buffer[i + 2]) + (blue - Double(buffer[i + 2])) * alpha).rounded())
                }
                i += 3
            }
        }
        for k in columns..<coverage.count { coverage[k] = 0 }
    }
}
