/// The image operations of Atari preprocessing, written to give the same bytes as the
/// libraries Gymnasium calls: OpenCV's `cv2.resize(..., interpolation=cv2.INTER_AREA)` and
/// the Arcade Learning Environment's grayscale screen.
public enum ImageProcessing {
    /// ALE's grayscale value of an RGB pixel: `round(0.2989 r + 0.5870 g + 0.1140 b)` in
    /// double precision, rounding halves away from zero (ALE's `ColourPalette.cpp`,
    /// `convertGrayscale`).
    ///
    /// ALE stores this value beside each colour of its palette and `getScreenGrayscale` looks
    /// it up; every pixel of an ALE frame is a palette colour, so applying the formula to the
    /// RGB frame gives exactly ALE's grayscale screen. The weights are MATLAB's `rgb2gray`
    /// ones, close to ITU-R BT.601 luma (0.299, 0.587, 0.114) but not equal: with BT.601
    /// weights some colours come out one grey level higher (RGB (15, 235, 255) gives 171 here,
    /// 172 with BT.601); white stays 255 because 0.9999 × 255 still rounds up.
    @inlinable
    public static func aleGrayscale(red: UInt8, green: UInt8, blue: UInt8) -> UInt8 {
        let luminance = Double(red) * 0.2989 + Double(green) * 0.5870 + Double(blue) * 0.1140
        return UInt8(min(255, luminance.rounded(.toNearestOrAwayFromZero)))
    }

    /// Converts a row-major `[height, width, 3]` RGB image to `[height, width]` grayscale with
    /// ``aleGrayscale(red:green:blue:)``, writing into `destination` (resized as needed).
    public static func aleGrayscale(rgb pixels: [UInt8], into destination: inout [UInt8]) {
        precondition(pixels.count % 3 == 0, "aleGrayscale: \(pixels.count) bytes is not a whole number of RGB pixels")
        let count = pixels.count / 3
        if destination.count != count { destination = Array(repeating: 0, count: count) }
        pixels.withUnsafeBufferPointer { src in
            destination.withUnsafeMutableBufferPointer { dst in
                for i in 0..<count {
                    dst[i] = aleGrayscale(red: src[3 * i], green: src[3 * i + 1], blue: src[3 * i + 2])
                }
            }
        }
    }

    /// Downscales a row-major `[height, width, channels]` byte image to
    /// `[toHeight, toWidth, channels]` exactly as OpenCV's `resize` with `INTER_AREA` does
    /// (imgproc/src/resize.cpp): each output pixel is the area-weighted mean of the source
    /// pixels its footprint covers, with OpenCV's float32 weights, accumulation order and
    /// round-half-to-even; integer factors take OpenCV's fast path (plain block means, the
    /// 2×2 case rounding halves up as its SIMD code does).
    ///
    /// Only shrinking (or keeping) each axis is supported: OpenCV's INTER_AREA falls back to a
    /// bilinear variant when enlarging, which Atari preprocessing never needs.
    public static func resizeArea(_ pixels: [UInt8], height: Int, width: Int, channels: Int,
                                  toHeight: Int, toWidth: Int) -> [UInt8] {
        precondition(pixels.count == height * width * channels,
                     "resizeArea: \(pixels.count) bytes do not make a \(height)x\(width)x\(channels) image")
        precondition(toHeight > 0 && toWidth > 0 && toHeight <= height && toWidth <= width,
                     "resizeArea: only shrinking is supported, got \(height)x\(width) -> \(toHeight)x\(toWidth)")
        // OpenCV derives the scale from the inverse ratio, so the doubles match its rounding.
        let scaleX = 1.0 / (Double(toWidth) / Double(width))
        let scaleY = 1.0 / (Double(toHeight) / Double(height))
        let integerX = Int(scaleX.rounded()), integerY = Int(scaleY.rounded())
        let isFast = abs(scaleX - Double(integerX)) < Double.ulpOfOne && abs(scaleY - Double(integerY)) < Double.ulpOfOne
        if isFast {
            return resizeAreaFast(pixels, width: width, channels: channels, toHeight: toHeight, toWidth: toWidth,
                                  scaleX: integerX, scaleY: integerY)
        }
        let xTable = areaTable(sourceSize: width, destinationSize: toWidth, channels: channels, scale: scaleX)
        let yTable = areaTable(sourceSize: height, destinationSize: toHeight, channels: 1, scale: scaleY)
        let rowLength = toWidth * channels
        var output = [UInt8](repeating: 0, count: toHeight * rowLength)
        var buffer = [Float](repeating: 0, count: rowLength)
        var sum = [Float](repeating: 0, count: rowLength)
        // Unchecked buffers: this runs once per Atari step over the whole 210x160 screen.
        pixels.withUnsafeBufferPointer { src in
            output.withUnsafeMutableBufferPointer { out in
                buffer.withUnsafeMutableBufferPointer { buf in
                    sum.withUnsafeMutableBufferPointer { acc in
                        xTable.withUnsafeBufferPointer { xs in
                            var previousRow = yTable.first?.destination ?? 0
                            func flush(_ row: Int) {
                                for i in 0..<rowLength { out[row * rowLength + i] = saturatingRound(acc[i]) }
                            }
                            for entry in yTable {
                                for i in 0..<rowLength { buf[i] = 0 }
                                let rowStart = entry.source * width * channels
                                for x in xs {
                                    for c in 0..<channels {
                                        buf[x.destination + c] += Float(src[rowStart + x.source + c]) * x.alpha
                                    }
                                }
                                if entry.destination != previousRow {
                                    flush(previousRow)
                                    for i in 0..<rowLength { acc[i] = entry.alpha * buf[i] }
                                    previousRow = entry.destination
                                } else {
                                    for i in 0..<rowLength { acc[i] += entry.alpha * buf[i] }
                                }
                            }
                            flush(previousRow)
                        }
                    }
                }
            }
        }
        return output
    }

    /// One source-to-destination weight of OpenCV's `computeResizeAreaTab`.
    private struct AreaWeight {
        var destination: Int
        var source: Int
        var alpha: Float
    }

    /// OpenCV's `computeResizeAreaTab`: for each destination index the source indices its
    /// footprint [d·scale, (d+1)·scale) touches, with the covered fraction of each, partial
    /// cells weighted by their overlap (ignored below 1e-3, as OpenCV does).
    private static func areaTable(sourceSize: Int, destinationSize: Int, channels: Int, scale: Double) -> [AreaWeight] {
        var table: [AreaWeight] = []
        table.reserveCapacity(sourceSize * 2)
        for d in 0..<destinationSize {
            let start = Double(d) * scale
            let end = start + scale
            let cellWidth = min(scale, Double(sourceSize) - start)
            var first = Int(start.rounded(.up))
            var last = Int(end.rounded(.down))
            last = min(last, sourceSize - 1)
            first = min(first, last)
            if Double(first) - start > 1e-3 {
                table.append(AreaWeight(destination: d * channels, source: (first - 1) * channels,
                                        alpha: Float((Double(first) - start) / cellWidth)))
            }
            for s in first..<last {
                table.append(AreaWeight(destination: d * channels, source: s * channels, alpha: Float(1.0 / cellWidth)))
            }
            if end - Double(last) > 1e-3 {
                table.append(AreaWeight(destination: d * channels, source: last * channels,
                                        alpha: Float(min(min(end - Double(last), 1), cellWidth) / cellWidth)))
            }
        }
        return table
    }

    /// OpenCV's `resizeAreaFast_`: block means for integer factors.
    private static func resizeAreaFast(_ pixels: [UInt8], width: Int, channels: Int, toHeight: Int, toWidth: Int,
                                       scaleX: Int, scaleY: Int) -> [UInt8] {
        let area = scaleX * scaleY
        let inverseArea = 1 / Float(area)
        // OpenCV's SIMD kernel for 2x2 blocks of 1, 3 or 4 channels computes (sum + 2) >> 2.
        let roundsHalfUp = scaleX == 2 && scaleY == 2 && (channels == 1 || channels == 3 || channels == 4)
        var output = [UInt8](repeating: 0, count: toHeight * toWidth * channels)
        for dy in 0..<toHeight {
            for dx in 0..<toWidth {
                for c in 0..<channels {
                    var total = 0
                    for sy in 0..<scaleY {
                        let row = (dy * scaleY + sy) * width
                        for sx in 0..<scaleX { total += Int(pixels[(row + dx * scaleX + sx) * channels + c]) }
                    }
                    output[(dy * toWidth + dx) * channels + c] = roundsHalfUp
                        ? UInt8((total + 2) >> 2)
                        : saturatingRound(Float(total) * inverseArea)
                }
            }
        }
        return output
    }

    /// OpenCV's `saturate_cast<uchar>(float)`: round half to even, then clamp to 0...255.
    @inline(__always)
    private static func saturatingRound(_ value: Float) -> UInt8 {
        UInt8(clamping: Int(value.rounded(.toNearestOrEven)))
    }
}
