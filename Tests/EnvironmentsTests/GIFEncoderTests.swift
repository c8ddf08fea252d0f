import XCTest
import Environments
import Randomness

/// A minimal GIF reader written from the GIF89a specification, independent of the encoder:
/// it checks the container, decodes LZW and applies the colour tables.
struct DecodedGIF {
    var width = 0
    var height = 0
    var loopCount: Int?
    var frames: [[UInt8]] = []
    /// Hundredths of a second per frame.
    var delays: [Int] = []

    enum Failure: Error { case malformed(String) }

    init(_ data: [UInt8]) throws {
        var p = 0
        func byte() throws -> Int {
            guard p < data.count else { throw Failure.malformed("truncated at \(p)") }
            defer { p += 1 }
            return Int(data[p])
        }
        func uint16() throws -> Int { let lo = try byte(); return lo | (try byte() << 8) }
        func subBlocks() throws -> [UInt8] {
            var out: [UInt8] = []
            while true {
                let n = try byte()
                if n == 0 { return out }
                guard p + n <= data.count else { throw Failure.malformed("sub-block past end") }
                out.append(contentsOf: data[p..<(p + n)])
                p += n
            }
        }
        func colorTable(_ bits: Int) throws -> [[UInt8]] {
            try (0..<(1 << bits)).map { _ in [UInt8(try byte()), UInt8(try byte()), UInt8(try byte())] }
        }
        guard data.count >= 13, String(decoding: data[0..<6], as: UTF8.self) == "GIF89a" else { throw Failure.malformed("header") }
        p = 6
        width = try uint16()
        height = try uint16()
        let packed = try byte()
        p += 2
        let globalTable = packed & 0x80 != 0 ? try colorTable((packed & 7) + 1) : nil
        var canvas = [UInt8](repeating: 0, count: width * height * 3)
        var pendingDelay = 0
        loop: while true {
            switch try byte() {
            case 0x21:
                let label = try byte()
                let body = try subBlocks()
                if label == 0xF9 { pendingDelay = Int(body[1]) | Int(body[2]) << 8 }
                if label == 0xFF, body.count == 14, String(decoding: body[0..<11], as: UTF8.self) == "NETSCAPE2.0" {
                    loopCount = Int(body[12]) | Int(body[13]) << 8
                }
            case 0x2C:
                let left = try uint16(), top = try uint16(), w = try uint16(), h = try uint16()
                let flags = try byte()
                guard flags & 0x40 == 0 else { throw Failure.malformed("interlace not supported by this reader") }
                let table = flags & 0x80 != 0 ? try colorTable((flags & 7) + 1) : globalTable
                guard let table else { throw Failure.malformed("no colour table") }
                let minimumCodeSize = try byte()
                let indices = try DecodedGIF.lzwDecode(try subBlocks(), minimumCodeSize: minimumCodeSize)
                guard indices.count == w * h else { throw Failure.malformed("\(indices.count) pixels for \(w)x\(h)") }
                for y in 0..<h {
                    for x in 0..<w {
                        let color = table[Int(indices[y * w + x])]
                        let i = ((top + y) * width + left + x) * 3
                        canvas[i] = color[0]; canvas[i + 1] = color[1]; canvas[i + 2] = color[2]
                    }
                }
                frames.append(canvas)
                delays.append(pendingDelay)
            case 0x3B:
                break loop
            case let other:
                throw Failure.malformed("unexpected block \(other) at \(p - 1)")
            }
        }
    }

    static func lzwDecode(_ bytes: [UInt8], minimumCodeSize: Int) throws -> [UInt8] {
        let clear = 1 << minimumCodeSize, end = clear + 1
        var table: [[UInt8]] = []
        func resetTable() { table = (0..<(clear + 2)).map { $0 < clear ? [UInt8($0)] : [] } }
        resetTable()
        var codeSize = minimumCodeSize + 1
        var bitPosition = 0
        var previous: [UInt8]? = nil
        var out: [UInt8] = []
        while bitPosition + codeSize <= bytes.count * 8 {
            var code = 0
            for b in 0..<codeSize {
                let bit = (Int(bytes[(bitPosition + b) / 8]) >> ((bitPosition + b) % 8)) & 1
                code |= bit << b
            }
            bitPosition += codeSize
            if code == clear { resetTable(); codeSize = minimumCodeSize + 1; previous = nil; continue }
            if code == end { return out }
            let entry: [UInt8]
            if code < table.count {
                entry = table[code]
                if let previous { table.append(previous + [entry[0]]) }
            } else if code == table.count, let previous {
                entry = previous + [previous[0]]
                table.append(entry)
            } else {
                throw Failure.malformed("code \(code) beyond table \(table.count)")
            }
            out.append(contentsOf: entry)
            previous = entry
            if table.count == (1 << codeSize) && codeSize < 12 { codeSize += 1 }
        }
        throw Failure.malformed("no end code")
    }
}

final class GIFEncoderTests: XCTestCase {
    func testHeaderLoopAndFramesRoundTripExactly() throws {
        let width = 7, height = 5
        let encoder = GIFEncoder(width: width, height: height, framesPerSecond: 50)
        var frames: [[UInt8]] = []
        for t in 0..<3 {
            var canvas = Canvas(width: width, height: height)
            canvas.fillPolygon([CanvasPoint(Double(t), 0), CanvasPoint(Double(t) + 3, 0), CanvasPoint(Double(t) + 3, 4)],
                               color: RGBColor(202, 152, 101))
            canvas.setPixel(x: 6, y: 4, RGBColor(1, 2, 3))
            frames.append(canvas.pixels)
            encoder.addFrame(rgb: canvas.pixels)
        }
        let data = encoder.data()
        XCTAssertEqual(Array(data.prefix(6)), Array("GIF89a".utf8))
        XCTAssertEqual(data.last, 0x3B)
        XCTAssertNotNil(data.firstRange(of: Array("NETSCAPE2.0".utf8)))
        let decoded = try DecodedGIF(data)
        XCTAssertEqual(decoded.width, width)
        XCTAssertEqual(decoded.height, height)
        XCTAssertEqual(decoded.loopCount, 0, "loop forever")
        XCTAssertEqual(decoded.frames, frames)
        XCTAssertEqual(decoded.delays, [2, 2, 2])
    }

    func testDelaysKeepTheAverageRate() throws {
        let encoder = GIFEncoder(width: 1, height: 1, framesPerSecond: 15)
        for _ in 0..<6 { encoder.addFrame(rgb: [9, 9, 9]) }
        let delays = try DecodedGIF(encoder.data()).delays
        XCTAssertEqual(delays, [7, 6, 7, 7, 6, 7])
        XCTAssertEqual(delays.reduce(0, +), 40)
    }

    /// 256 colours and long random images push LZW through code-width changes and table
    /// resets (4096 codes).
    func testLZWWithFullPaletteAndTableResets() throws {
        var g = RandomGenerator(seed: 5)
        let width = 160, height = 120
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for k in 0..<(width * height) {
            // Mostly random among 256 greys, with runs so that long strings get codes too.
            let v = k % 7 < 3 ? UInt8(k / 7 % 256) : UInt8(g.int(below: 256))
            pixels[3 * k] = v; pixels[3 * k + 1] = v; pixels[3 * k + 2] = 255 - v
        }
        let decoded = try DecodedGIF(try GIFEncoder.encode([.rgb(pixels: pixels, height: height, width: width)]))
        XCTAssertEqual(decoded.frames, [pixels])
    }

    func testSmallPalettesAndOneColourFrames() throws {
        for colors in [1, 2, 3, 4, 5, 17] {
            let width = 9, height = 4
            var pixels: [UInt8] = []
            for k in 0..<(width * height) { let c = UInt8(k * 31 % colors * 10); pixels += [c, c &+ 1, c &+ 2] }
            let decoded = try DecodedGIF(try GIFEncoder.encode([.rgb(pixels: pixels, height: height, width: width)]))
            XCTAssertEqual(decoded.frames, [pixels], "\(colors) colours")
        }
    }

    func testMoreThan256ColoursAreQuantisedClosely() throws {
        let width = 64, height = 64
        var pixels: [UInt8] = []
        for y in 0..<height { for x in 0..<width { pixels += [UInt8(x * 4), UInt8(y * 4), UInt8((x + y) * 2)] } }
        let decoded = try DecodedGIF(try GIFEncoder.encode([.rgb(pixels: pixels, height: height, width: width)]))
        let error = zip(decoded.frames[0], pixels).map { abs(Int($0) - Int($1)) }
        XCTAssertLessThan(Double(error.reduce(0, +)) / Double(error.count), 6, "mean channel error")
        XCTAssertLessThan(error.max()!, 40)
    }

    func testRejectsTextAndResizedFrames() {
        let encoder = GIFEncoder(width: 2, height: 2)
        XCTAssertThrowsError(try encoder.addFrame(.text("x")))
        XCTAssertThrowsError(try encoder.addFrame(.rgb(pixels: [UInt8](repeating: 0, count: 12), height: 1, width: 4))) { error in
            XCTAssertTrue("\(error)".contains("frame size changed"))
        }
        XCTAssertThrowsError(try GIFEncoder.encode([]))
    }
}
