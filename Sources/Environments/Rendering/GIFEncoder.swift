/// Writes an animated GIF (GIF89a) frame by frame, looping forever.
///
/// Frames are compressed as they arrive, so recording a long episode keeps only the
/// compressed bytes (a few kilobytes per classic-control frame), never the raw frames.
/// Each frame carries its own colour table: a frame with at most 256 distinct colours (every
/// frame ``Canvas`` draws for the classic-control environments) is stored exactly; a frame
/// with more is reduced to 256 colours by median cut.
///
/// Format: the GIF89a specification (W3C, 1990), with the NETSCAPE2.0 application
/// extension for looping.
public final class GIFEncoder {
    /// Frame width in pixels.
    public let width: Int
    /// Frame height in pixels.
    public let height: Int
    /// Frames per second the animation plays at.
    public let framesPerSecond: Double
    /// Frames added so far.
    public private(set) var frameCount = 0
    private var bytes: [UInt8] = []

    /// Starts an animation of `width` × `height` frames played at `framesPerSecond`.
    public init(width: Int, height: Int, framesPerSecond: Double = 30) {
        precondition(width > 0 && height > 0 && width <= 65535 && height <= 65535,
                     "GIFEncoder: frame size must be within 1...65535, got \(width)x\(height)")
        precondition(framesPerSecond > 0 && framesPerSecond.isFinite,
                     "GIFEncoder: framesPerSecond must be positive, got \(framesPerSecond)")
        self.width = width
        self.height = height
        self.framesPerSecond = framesPerSecond
        bytes.append(contentsOf: Array("GIF89a".utf8))
        appendUInt16(width)
        appendUInt16(height)
        // No global colour table (each frame has its own), background 0, square pixels.
        bytes.append(contentsOf: [0x00, 0x00, 0x00])
        // NETSCAPE2.0 looping extension: loop count 0 means forever.
        bytes.append(contentsOf: [0x21, 0xFF, 0x0B])
        bytes.append(contentsOf: Array("NETSCAPE2.0".utf8))
        bytes.append(contentsOf: [0x03, 0x01, 0x00, 0x00, 0x00])
    }

    /// Appends a frame of `height` × `width` × 3 row-major RGB bytes.
    public func addFrame(rgb pixels: [UInt8]) {
        precondition(pixels.count == width * height * 3,
                     "GIFEncoder: a \(width)x\(height) frame needs \(width * height * 3) bytes, got \(pixels.count)")
        let (palette, indices) = GIFEncoder.indexedColors(pixels)
        var tableBits = 1
        while (1 << tableBits) < palette.count { tableBits += 1 }
        // Delays are whole centiseconds; taking differences of the rounded running time keeps
        // the average rate exact (15 fps alternates 7 and 6 hundredths).
        let delay = Int((Double(frameCount + 1) * 100 / framesPerSecond).rounded())
            - Int((Double(frameCount) * 100 / framesPerSecond).rounded())
        // Graphic control extension: disposal 1 (leave in place), no transparency.
        bytes.append(contentsOf: [0x21, 0xF9, 0x04, 0x04])
        appendUInt16(min(max(delay, 0), 65535))
        bytes.append(contentsOf: [0x00, 0x00])
        // Image descriptor covering the whole screen, with a local colour table.
        bytes.append(0x2C)
        appendUInt16(0)
        appendUInt16(0)
        appendUInt16(width)
        appendUInt16(height)
        bytes.append(0x80 | UInt8(tableBits - 1))
        for k in 0..<(1 << tableBits) {
            if k < palette.count {
                bytes.append(contentsOf: [palette[k].red, palette[k].green, palette[k].blue])
            } else {
                bytes.append(contentsOf: [0, 0, 0])
            }
        }
        let minimumCodeSize = max(2, tableBits)
        bytes.append(UInt8(minimumCodeSize))
        let compressed = GIFEncoder.lzwCompress(indices, minimumCodeSize: minimumCodeSize)
        var offset = 0
        while offset < compressed.count {
            let count = min(255, compressed.count - offset)
            bytes.append(UInt8(count))
            bytes.append(contentsOf: compressed[offset..<(offset + count)])
            offset += count
        }
        bytes.append(0x00)
        frameCount += 1
    }

    /// Appends a frame; it must be an RGB frame of this encoder's size.
    public func addFrame(_ frame: Frame) throws {
        guard case let .rgb(pixels, frameHeight, frameWidth) = frame else {
            throw EnvironmentError.renderingUnavailable(id: "GIFEncoder", reason: "a GIF needs RGB frames (render_mode rgb_array), got text")
        }
        guard frameWidth == width && frameHeight == height else {
            throw EnvironmentError.renderingUnavailable(id: "GIFEncoder", reason:
                "frame size changed from \(width)x\(height) to \(frameWidth)x\(frameHeight) within one animation")
        }
        addFrame(rgb: pixels)
    }

    /// The complete file: everything added so far and the trailer. The encoder can take
    /// more frames afterwards.
    public func data() -> [UInt8] { bytes + [0x3B] }

    /// The GIF of `frames` (one frame makes a still snapshot).
    public static func encode(_ frames: [Frame], framesPerSecond: Double = 30) throws -> [UInt8] {
        guard case let .rgb(_, height, width)? = frames.first else {
            throw EnvironmentError.renderingUnavailable(id: "GIFEncoder", reason: "a GIF needs at least one RGB frame")
        }
        let encoder = GIFEncoder(width: width, height: height, framesPerSecond: framesPerSecond)
        for frame in frames { try encoder.addFrame(frame) }
        return encoder.data()
    }

    private func appendUInt16(_ value: Int) {
        bytes.append(UInt8(value & 0xFF))
        bytes.append(UInt8((value >> 8) & 0xFF))
    }

    // MARK: Colour tables

    /// The frame's palette (at most 256 colours) and each pixel's index into it: exact when
    /// the frame has at most 256 colours, median cut otherwise.
    static func indexedColors(_ pixels: [UInt8]) -> (palette: [RGBColor], indices: [UInt8]) {
        let count = pixels.count / 3
        var lookup: [UInt32: UInt8] = [:]
        var palette: [RGBColor] = []
        var indices = [UInt8](repeating: 0, count: count)
        var exact = true
        pixels.withUnsafeBufferPointer { p in
            // Rendered frames are long runs of one colour; remembering the last one skips
            // most dictionary lookups.
            var lastKey = UInt32.max
            var lastIndex: UInt8 = 0
            for k in 0..<count {
                let key = UInt32(p[3 * k]) << 16 | UInt32(p[3 * k + 1]) << 8 | UInt32(p[3 * k + 2])
                if key != lastKey {
                    if let index = lookup[key] {
                        lastIndex = index
                    } else {
                        guard palette.count < 256 else { exact = false; return }
                        lastIndex = UInt8(palette.count)
                        lookup[key] = lastIndex
                        palette.append(RGBColor(p[3 * k], p[3 * k + 1], p[3 * k + 2]))
                    }
                    lastKey = key
                }
                indices[k] = lastIndex
            }
        }
        if exact { return (palette.isEmpty ? [.black] : palette, indices) }
        return medianCut(pixels, colors: 256)
    }

    /// Heckbert's median cut (1982) on a histogram of colours with 5 bits per channel:
    /// repeatedly split the box with the widest channel range at its pixel-weighted median,
    /// then map each pixel to its box's mean colour.
    static func medianCut(_ pixels: [UInt8], colors: Int) -> (palette: [RGBColor], indices: [UInt8]) {
        let count = pixels.count / 3
        var histogram = [Int](repeating: 0, count: 1 << 15)
        @inline(__always) func key(_ k: Int) -> Int {
            Int(pixels[3 * k] >> 3) << 10 | Int(pixels[3 * k + 1] >> 3) << 5 | Int(pixels[3 * k + 2] >> 3)
        }
        for k in 0..<count { histogram[key(k)] += 1 }
        var boxes: [[Int]] = [(0..<(1 << 15)).filter { histogram[$0] > 0 }]
        func channel(_ c: Int, _ shift: Int) -> Int { (c >> shift) & 31 }
        while boxes.count < colors {
            // The splittable box with the widest channel range.
            var best = -1, bestRange = 0, bestShift = 0
            for (b, box) in boxes.enumerated() where box.count > 1 {
                for shift in [10, 5, 0] {
                    var low = 31, high = 0
                    for c in box { let v = channel(c, shift); low = min(low, v); high = max(high, v) }
                    if high - low > bestRange { best = b; bestRange = high - low; bestShift = shift }
                }
            }
            guard best >= 0 else { break }
            let sorted = boxes[best].sorted { channel($0, bestShift) < channel($1, bestShift) }
            let total = sorted.reduce(0) { $0 + histogram[$1] }
            var running = 0, cut = 1
            for (i, c) in sorted.enumerated() {
                running += histogram[c]
                if running * 2 >= total { cut = min(max(i + 1, 1), sorted.count - 1); break }
            }
            boxes[best] = Array(sorted[..<cut])
            boxes.append(Array(sorted[cut...]))
        }
        var paletteIndex = [UInt8](repeating: 0, count: 1 << 15)
        var palette: [RGBColor] = []
        for (b, box) in boxes.enumerated() {
            var r = 0, g = 0, bl = 0, n = 0
            for c in box {
                let w = histogram[c]
                r += (channel(c, 10) * 8 + 4) * w; g += (channel(c, 5) * 8 + 4) * w; bl += (channel(c, 0) * 8 + 4) * w
                n += w
                paletteIndex[c] = UInt8(b)
            }
            palette.append(RGBColor(UInt8(r / n), UInt8(g / n), UInt8(bl / n)))
        }
        var indices = [UInt8](repeating: 0, count: count)
        for k in 0..<count { indices[k] = paletteIndex[key(k)] }
        return (palette, indices)
    }

    // MARK: LZW

    /// GIF's variable-width LZW (codes of 3 to 12 bits, least significant bit first), with
    /// the string table kept in an open-addressing hash of (prefix code, next index) as in
    /// Unix `compress`, and a clear code whenever the table fills.
    static func lzwCompress(_ indices: [UInt8], minimumCodeSize: Int) -> [UInt8] {
        let clearCode = 1 << minimumCodeSize
        let endCode = clearCode + 1
        let tableSize = 5003
        var hashKeys = [Int32](repeating: -1, count: tableSize)
        var hashCodes = [Int16](repeating: 0, count: tableSize)
        var output = [UInt8](repeating: 0, count: indices.count * 2 + 64)
        var written = 0
        var bitBuffer: UInt64 = 0
        var bitCount: UInt64 = 0
        var codeSize = minimumCodeSize + 1
        var nextCode = endCode + 1
        output.withUnsafeMutableBufferPointer { out in
            hashKeys.withUnsafeMutableBufferPointer { keys in
                hashCodes.withUnsafeMutableBufferPointer { codes in
                    indices.withUnsafeBufferPointer { input in
                        @inline(__always) func emit(_ code: Int) {
                            bitBuffer |= UInt64(code) << bitCount
                            bitCount += UInt64(codeSize)
                            while bitCount >= 8 {
                                out[written] = UInt8(truncatingIfNeeded: bitBuffer)
                                written += 1
                                bitBuffer >>= 8
                                bitCount -= 8
                            }
                        }
                        emit(clearCode)
                        guard !input.isEmpty else { emit(endCode); return }
                        var prefix = Int(input[0])
                        for position in 1..<input.count {
                            let symbol = Int(input[position])
                            let key = Int32(prefix << 8 | symbol)
                            var slot = (symbol << 4 ^ prefix) % tableSize
                            var found = false
                            while keys[slot] != -1 {
                                if keys[slot] == key { prefix = Int(codes[slot]); found = true; break }
                                slot = slot == 0 ? tableSize - 1 : slot - 1
                            }
                            if found { continue }
                            emit(prefix)
                            prefix = symbol
                            if nextCode < 4096 {
                                keys[slot] = key
                                codes[slot] = Int16(nextCode)
                                // The decoder adds its entry one code later, so the width grows
                                // once the code just assigned no longer fits.
                                if nextCode == (1 << codeSize) { codeSize += 1 }
                                nextCode += 1
                            } else {
                                emit(clearCode)
                                for i in 0..<tableSize { keys[i] = -1 }
                                codeSize = minimumCodeSize + 1
                                nextCode = endCode + 1
                            }
                        }
                        emit(prefix)
                        // The decoder adds an entry on reading that last code too, and may widen
                        // before the end code (as `compress` does in its `output`).
                        if nextCode == (1 << codeSize) && codeSize < 12 { codeSize += 1 }
                        emit(endCode)
                    }
                }
            }
            if bitCount > 0 {
                out[written] = UInt8(truncatingIfNeeded: bitBuffer)
                written += 1
            }
        }
        output.removeLast(output.count - written)
        return output
    }
}
