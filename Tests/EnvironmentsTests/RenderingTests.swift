import XCTest
import Foundation
import Environments

final class CanvasTests: XCTestCase {
    func testBackgroundAndPixels() {
        var canvas = Canvas(width: 3, height: 2, background: RGBColor(10, 20, 30))
        XCTAssertEqual(canvas.pixels.count, 18)
        XCTAssertEqual(canvas.color(x: 2, y: 1), RGBColor(10, 20, 30))
        canvas.setPixel(x: 1, y: 1, .black)
        canvas.setPixel(x: 5, y: 5, .black)  // outside: ignored
        XCTAssertEqual(Array(canvas.pixels[12..<15]), [0, 0, 0])
        XCTAssertEqual(canvas.frame, .rgb(pixels: canvas.pixels, height: 2, width: 3))
    }

    func testAliasedPolygonPaintsPixelsWhoseCentresAreInside() {
        var canvas = Canvas(width: 6, height: 5)
        canvas.fillPolygon([CanvasPoint(1, 1), CanvasPoint(4, 1), CanvasPoint(4, 3), CanvasPoint(1, 3)], color: .black, antialias: false)
        for y in 0..<5 {
            for x in 0..<6 {
                let inside = (1...3).contains(x) && (1...2).contains(y)
                XCTAssertEqual(canvas.color(x: x, y: y), inside ? .black : .white, "(\(x), \(y))")
            }
        }
        // A right triangle above the diagonal: centre (x + 0.5, y + 0.5) is inside when x > y;
        // centres on the diagonal edge count as inside (spans are closed on the left).
        var triangle = Canvas(width: 4, height: 4)
        triangle.fillPolygon([CanvasPoint(0, 0), CanvasPoint(4, 0), CanvasPoint(4, 4)], color: .black, antialias: false)
        for y in 0..<4 { for x in 0..<4 { XCTAssertEqual(triangle.color(x: x, y: y) == .black, x >= y, "(\(x), \(y))") } }
    }

    func testAntialiasedEdgesBlendByCoverage() {
        var canvas = Canvas(width: 4, height: 1)
        // Covers pixel 1 fully, half of pixel 2 and a quarter of pixel 0.
        canvas.fillPolygon([CanvasPoint(0.75, 0), CanvasPoint(2.5, 0), CanvasPoint(2.5, 1), CanvasPoint(0.75, 1)],
                           color: .black, antialias: true)
        XCTAssertEqual(canvas.color(x: 0, y: 0), RGBColor(191, 191, 191))  // 255 * 3/4, rounded
        XCTAssertEqual(canvas.color(x: 1, y: 0), .black)
        XCTAssertEqual(canvas.color(x: 2, y: 0), RGBColor(128, 128, 128))
        XCTAssertEqual(canvas.color(x: 3, y: 0), .white)
        // Colour blends towards the shape colour, not just darker.
        var tinted = Canvas(width: 2, height: 1)
        tinted.fillPolygon([CanvasPoint(0, 0), CanvasPoint(1.5, 0), CanvasPoint(1.5, 1), CanvasPoint(0, 1)],
                           color: RGBColor(202, 152, 101))
        XCTAssertEqual(tinted.color(x: 0, y: 0), RGBColor(202, 152, 101))
        XCTAssertEqual(tinted.color(x: 1, y: 0), RGBColor(229, 204, 178))
    }

    func testPolygonOutsideOrDegenerateIsIgnored() {
        var canvas = Canvas(width: 3, height: 3)
        let before = canvas
        canvas.fillPolygon([CanvasPoint(10, 10), CanvasPoint(20, 10), CanvasPoint(20, 20)], color: .black)
        canvas.fillPolygon([CanvasPoint(0, 0), CanvasPoint(2, 2)], color: .black)
        canvas.fillPolygon([CanvasPoint(0, 0), CanvasPoint(.nan, 2), CanvasPoint(2, 0)], color: .black)
        canvas.fillCircle(center: CanvasPoint(1, 1), radius: 0, color: .black)
        // Far-away coordinates clip instead of overflowing.
        canvas.fillPolygon([CanvasPoint(1e300, 0), CanvasPoint(2e300, 0), CanvasPoint(2e300, 1e300)], color: .black)
        canvas.fillCircle(center: CanvasPoint(-1e300, 1e300), radius: 1e299, color: .black)
        canvas.drawLine(from: CanvasPoint(-1e300, -5), to: CanvasPoint(-1e300, 5), color: .black)
        XCTAssertEqual(canvas, before)
        // Partly outside: clipped, no crash.
        canvas.fillPolygon([CanvasPoint(-5, -5), CanvasPoint(8, -5), CanvasPoint(8, 1.5), CanvasPoint(-5, 1.5)], color: .black)
        XCTAssertEqual(canvas.color(x: 2, y: 0), .black)
        XCTAssertEqual(canvas.color(x: 2, y: 2), .white)
    }

    func testCircle() {
        var canvas = Canvas(width: 11, height: 11)
        canvas.fillCircle(center: CanvasPoint(5.5, 5.5), radius: 3, color: .black, antialias: false)
        var painted = 0
        for y in 0..<11 {
            for x in 0..<11 {
                let dx = Double(x) - 5, dy = Double(y) - 5
                XCTAssertEqual(canvas.color(x: x, y: y) == .black, dx * dx + dy * dy <= 9, "(\(x), \(y))")
                if canvas.color(x: x, y: y) == .black { painted += 1 }
            }
        }
        XCTAssertEqual(painted, 29)
        var smooth = Canvas(width: 11, height: 11)
        smooth.fillCircle(center: CanvasPoint(5.5, 5.5), radius: 3, color: .black)
        XCTAssertEqual(smooth.color(x: 5, y: 5), .black)
        XCTAssertEqual(smooth.color(x: 0, y: 0), .white)
        // The rim pixel at distance 3 from the centre is half covered.
        XCTAssertEqual(smooth.color(x: 8, y: 5), RGBColor(128, 128, 128))
    }

    func testLines() {
        var canvas = Canvas(width: 8, height: 5)
        canvas.horizontalLine(y: 2, from: -3, to: 20, color: .black)
        canvas.verticalLine(x: 6, from: 4, to: 0, color: RGBColor(204, 204, 0))
        for x in 0..<8 where x != 6 { XCTAssertEqual(canvas.color(x: x, y: 2), .black) }
        for y in 0..<5 { XCTAssertEqual(canvas.color(x: 6, y: y), RGBColor(204, 204, 0)) }
        XCTAssertEqual(canvas.color(x: 0, y: 1), .white)
        // A one-pixel line along a row of pixel centres paints that row only.
        var line = Canvas(width: 8, height: 3)
        line.drawLine(from: CanvasPoint(0, 1.5), to: CanvasPoint(8, 1.5), color: .black, antialias: false)
        for x in 0..<8 {
            XCTAssertEqual(line.color(x: x, y: 1), .black)
            XCTAssertEqual(line.color(x: x, y: 0), .white)
            XCTAssertEqual(line.color(x: x, y: 2), .white)
        }
        // A diagonal anti-aliased polyline touches every column and stays near the diagonal.
        var diagonal = Canvas(width: 6, height: 6)
        diagonal.drawPolyline([CanvasPoint(0, 0), CanvasPoint(3, 3), CanvasPoint(6, 6)], color: .black)
        for k in 0..<6 {
            XCTAssertLessThan(diagonal.color(x: k, y: k).red, 128)
            if k + 3 < 6 { XCTAssertEqual(diagonal.color(x: k + 3, y: k), .white) }
        }
    }
}

final class PNGEncoderTests: XCTestCase {
    /// Bitwise CRC-32, independent of the encoder's table.
    func referenceCRC(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = (crc >> 1) ^ (crc & 1 == 1 ? 0xEDB8_8320 : 0) }
        }
        return ~crc
    }

    func be32(_ b: ArraySlice<UInt8>) -> UInt32 { b.reduce(0) { $0 << 8 | UInt32($1) } }

    func testChunksChecksumsAndPixels() throws {
        for (width, height) in [(3, 2), (300, 120)] {  // the second needs two stored blocks
            var pixels: [UInt8] = []
            for k in 0..<(width * height) {
                let r = UInt8(k % 251), g = UInt8(k % 13), b = UInt8(k / 7 % 256)
                pixels += [r, g, b]
            }
            let png = PNGEncoder.encode(rgb: pixels, width: width, height: height, compression: .stored)
            XCTAssertEqual(Array(png.prefix(8)), [137, 80, 78, 71, 13, 10, 26, 10])
            var p = 8
            var chunks: [(String, [UInt8])] = []
            while p < png.count {
                let length = Int(be32(png[p..<(p + 4)]))
                let typeAndData = Array(png[(p + 4)..<(p + 8 + length)])
                XCTAssertEqual(be32(png[(p + 8 + length)..<(p + 12 + length)]), referenceCRC(typeAndData))
                chunks.append((String(decoding: typeAndData.prefix(4), as: UTF8.self), Array(typeAndData.dropFirst(4))))
                p += 12 + length
            }
            XCTAssertEqual(chunks.map(\.0), ["IHDR", "IDAT", "IEND"])
            let widthHigh = UInt8(width >> 8), widthLow = UInt8(width & 255)
            let expectedHeader: [UInt8] = [0, 0, widthHigh, widthLow, 0, 0, 0, UInt8(height), 8, 2, 0, 0, 0]
            XCTAssertEqual(chunks[0].1, expectedHeader)
            let zlib = chunks[1].1
            XCTAssertEqual((Int(zlib[0]) << 8 | Int(zlib[1])) % 31, 0)
            XCTAssertEqual(zlib[0] & 0x0F, 8, "deflate")
            var raw: [UInt8] = []
            var q = 2
            var final = false
            while !final {
                final = zlib[q] & 1 == 1
                XCTAssertEqual(zlib[q] >> 1 & 3, 0, "stored block")
                let len = Int(zlib[q + 1]) | Int(zlib[q + 2]) << 8
                let nlen = Int(zlib[q + 3]) | Int(zlib[q + 4]) << 8
                XCTAssertEqual(len ^ nlen, 0xFFFF)
                raw += zlib[(q + 5)..<(q + 5 + len)]
                q += 5 + len
            }
            var a = 1, b = 0
            for byte in raw { a = (a + Int(byte)) % 65521; b = (b + a) % 65521 }
            XCTAssertEqual(be32(zlib[q..<(q + 4)]), UInt32(b << 16 | a))
            XCTAssertEqual(q + 4, zlib.count)
            var decoded: [UInt8] = []
            let stride = width * 3 + 1
            for row in 0..<height {
                XCTAssertEqual(raw[row * stride], 0, "filter none")
                let start = row * stride + 1
                decoded += raw[start..<(start + width * 3)]
            }
            XCTAssertEqual(decoded, pixels)
        }
        XCTAssertEqual(PNGEncoder.crc32(Array("IEND".utf8)), 0xAE42_6082)
        try checkCompressedPNGDecodes()
        XCTAssertEqual(PNGEncoder.adler32(Array("Wikipedia".utf8)), 0x11E6_0398)
        XCTAssertThrowsError(try PNGEncoder.encode(.text("no")))
    }
}

extension PNGEncoderTests {
    /// The zlib-compressed form (the default) holds the same scanlines as the stored form and
    /// is far smaller on a plot-like image; decoded with Python's zlib when python3 is there.
    func checkCompressedPNGDecodes() throws {
        let width = 300, height = 200
        var pixels = [UInt8](repeating: 255, count: width * height * 3)
        for x in 0..<width { pixels[(x * height / width * width + x) * 3] = 31 }
        let stored = PNGEncoder.encode(rgb: pixels, width: width, height: height, compression: .stored)
        let automatic = PNGEncoder.encode(rgb: pixels, width: width, height: height)
        guard automatic != stored else {
            throw XCTSkip("the system zlib (libz.so.1) did not load, so PNGs are stored uncompressed")
        }
        XCTAssertLessThan(automatic.count, stored.count / 20)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-png-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = [("stored.png", stored), ("automatic.png", automatic)]
        for (name, bytes) in files { try Data(bytes).write(to: directory.appendingPathComponent(name)) }
        // Both files' IDAT payloads inflate to identical scanlines.
        let script = """
            import sys, zlib, struct
            def scanlines(path):
                data = open(path, 'rb').read()[8:]
                idat = b''
                while data:
                    n = struct.unpack('>I', data[:4])[0]
                    if data[4:8] == b'IDAT': idat += data[8:8 + n]
                    data = data[12 + n:]
                return zlib.decompress(idat)
            print(scanlines(sys.argv[1]) == scanlines(sys.argv[2]))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, directory.appendingPathComponent("stored.png").path,
                             directory.appendingPathComponent("automatic.png").path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { throw XCTSkip("python3 is not available to inflate the PNG") }
        process.waitUntilExit()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard process.terminationStatus == 0 else { throw XCTSkip("python3 could not run the check") }
        XCTAssertEqual(output.trimmingCharacters(in: .whitespacesAndNewlines), "True")
    }
}

/// Draws its step count as a bar, so each recorded frame is recognisable.
final class BarEnvironment: Environment, RenderingMetadata {
    let renderMode: RenderMode?
    let length: Int
    var count = 0
    init(renderMode: RenderMode? = .rgbArray, length: Int) { self.renderMode = renderMode; self.length = length }
    var observationSpace: Space { .discrete(100) }
    var actionSpace: Space { .discrete(1) }
    var id: String { "Bar" }
    var renderFPS: Double { 20 }
    func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        count = 0
        return (.discrete(0), [:])
    }
    func step(_ action: Action) throws -> Step {
        count += 1
        return Step(observation: .discrete(count), reward: 0, terminated: count >= length, truncated: false)
    }
    func render() throws -> Frame {
        var canvas = Canvas(width: 10, height: 2)
        if count > 0 { canvas.horizontalLine(y: 0, from: 0, to: count - 1, color: .black) }
        return canvas.frame
    }
}

final class RecordVideoTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-record-video-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testCappedCubicSchedule() {
        let recorded = (0..<3001).filter(RecordVideo.cappedCubicSchedule)
        XCTAssertEqual(recorded, [0, 1, 8, 27, 64, 125, 216, 343, 512, 729, 1000, 2000, 3000])
    }

    func testRecordsTriggeredEpisodesFrameByFrame() throws {
        let env = try RecordVideo(BarEnvironment(length: 3), directory: directory, episodeTrigger: { $0 % 2 == 0 }, namePrefix: "bar")
        XCTAssertEqual(env.framesPerSecond, 20)
        for _ in 0..<3 {
            _ = try env.reset(seed: nil)
            while !(try env.step(.discrete(0))).isDone {}
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        XCTAssertEqual(names, ["bar-episode-0.gif", "bar-episode-2.gif"])
        XCTAssertEqual(env.writtenFiles.map(\.lastPathComponent), ["bar-episode-0.gif", "bar-episode-2.gif"])
        let gif = try DecodedGIF(Array(try Data(contentsOf: env.fileURL(episode: 2))))
        XCTAssertEqual(gif.frames.count, 4, "after reset and after each of 3 steps")
        XCTAssertEqual(gif.delays, [5, 5, 5, 5])
        for (t, frame) in gif.frames.enumerated() {
            let black = (0..<10).filter { frame[$0 * 3] == 0 }
            XCTAssertEqual(black, Array(0..<t))
        }
    }

    func testUnfinishedEpisodeIsWrittenAtCloseAndAtReset() throws {
        let env = try RecordVideo(BarEnvironment(length: 100), directory: directory, framesPerSecond: 10)
        _ = try env.reset(seed: nil)
        _ = try env.step(.discrete(0))
        _ = try env.reset(seed: nil)  // abandons episode 0, which is written
        XCTAssertEqual(try DecodedGIF(Array(try Data(contentsOf: env.fileURL(episode: 0)))).frames.count, 2)
        _ = try env.step(.discrete(0))
        _ = try env.step(.discrete(0))
        XCTAssertTrue(env.isRecording)
        env.close()
        let gif = try DecodedGIF(Array(try Data(contentsOf: env.fileURL(episode: 1))))
        XCTAssertEqual(gif.frames.count, 3)
        XCTAssertEqual(gif.delays, [10, 10, 10])
        XCTAssertEqual(env.fileURL(episode: 1).lastPathComponent, "rl-video-episode-1.gif")
    }

    func testRefusesEnvironmentsWithoutRGBFramesAndBadDirectories() throws {
        XCTAssertThrowsError(try RecordVideo(BarEnvironment(renderMode: nil, length: 1), directory: directory)) { error in
            XCTAssertTrue("\(error)".contains("render_mode"), "\(error)")
        }
        let file = directory.appendingPathComponent("file")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data([1]).write(to: file)
        XCTAssertThrowsError(try RecordVideo(BarEnvironment(length: 1), directory: file)) { error in
            XCTAssertTrue("\(error)".contains(file.path), "\(error)")
        }
        let inside = file.appendingPathComponent("videos")
        XCTAssertThrowsError(try RecordVideo(BarEnvironment(length: 1), directory: inside)) { error in
            XCTAssertTrue("\(error)".contains(inside.path), "\(error)")
        }
        XCTAssertThrowsError(try RecordVideo(BarEnvironment(length: 1), directory: directory, framesPerSecond: 0))
    }
}

final class ClassicControlRenderingTests: XCTestCase {
    struct Fixture: Decodable {
        struct Record: Decodable {
            var id: String
            var state: [Double]
            var action: [Float]?
            var height: Int
            var width: Int
            var labels: String
        }
        var gymnasium: String
        var colours: [String: [UInt8]]
        var frames: [Record]
    }

    func make(_ id: String) throws -> any Environment {
        let registry = Registry(specs: CartPole.specs + MountainCar.specs + MountainCarContinuous.specs + Acrobot.specs + Pendulum.specs)
        return try registry.make(id, options: ["render_mode": "rgb_array"])
    }

    func pixels(_ frame: Frame) -> (pixels: [UInt8], height: Int, width: Int) {
        guard case let .rgb(pixels, height, width) = frame else { XCTFail("not an RGB frame"); return ([], 0, 0) }
        return (pixels, height, width)
    }

    /// Gymnasium's frames (recorded by Generators/record_rendering.py) and ours, compared
    /// by flat colour: the same shapes in the same places and colours, up to edge pixels.
    func testFramesMatchGymnasium() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/rendering_gymnasium_frames.json")
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        XCTAssertEqual(fixture.frames.count, 17)
        for record in fixture.frames {
            let env = try make(record.id)
            _ = try env.reset(seed: 0)
            try XCTUnwrap(env.unwrapped as? any StatefulEnvironment).setState(record.state)
            if let action = record.action { _ = try env.step(.continuous(action)) }
            let (ours, height, width) = pixels(try env.render())
            XCTAssertEqual(height, record.height)
            XCTAssertEqual(width, record.width)
            // Expand the run-length labels.
            var expected: [Character] = []
            expected.reserveCapacity(width * height)
            var count = 0
            for ch in record.labels {
                if let digit = ch.wholeNumberValue { count = count * 10 + digit } else {
                    expected.append(contentsOf: repeatElement(ch, count: count))
                    count = 0
                }
            }
            XCTAssertEqual(expected.count, width * height)
            var labelled = 0, agreeing = 0
            var theirs: [Character: Int] = [:], mine: [Character: Int] = [:], both: [Character: Int] = [:]
            let colours = fixture.colours.map { (Character($0.key), $0.value) }
            for k in 0..<min(expected.count, width * height) {
                let pixel = [ours[3 * k], ours[3 * k + 1], ours[3 * k + 2]]
                let ourLabel = colours.first { $0.1 == pixel }?.0 ?? "."
                mine[ourLabel, default: 0] += 1
                let label = expected[k]
                theirs[label, default: 0] += 1
                guard label != "." else { continue }
                labelled += 1
                if ourLabel == label { agreeing += 1; both[label, default: 0] += 1 }
            }
            let context = "\(record.id) \(record.state) \(record.action ?? [])"
            XCTAssertGreaterThan(Double(agreeing) / Double(labelled), 0.998, context)
            // Every coloured part is where Gymnasium draws it: intersection over union of the
            // pixels of each flat colour. Not for the wheels' grey, which is also black
            // half-covering white on anti-aliased lines, nor for black under Pendulum's
            // torque arrow, which Gymnasium scales from a bitmap into mostly grey pixels.
            for (label, n) in theirs where label != "." && label != "w" && label != "g" && n >= 40 {
                if label == "k" && record.action != nil { continue }
                let union = n + mine[label, default: 0] - both[label, default: 0]
                XCTAssertGreaterThan(Double(both[label, default: 0]) / Double(union), 0.88, "\(context) colour \(label)")
            }
        }
    }

    func testCartPoleCartAndPoleFollowTheState() throws {
        let env = try make("CartPole-v1")
        let cartPole = try XCTUnwrap(env.unwrapped as? CartPole)
        _ = try env.reset(seed: 0)
        let pole = RGBColor(202, 152, 101)
        func color(_ frame: Frame, _ x: Int, _ y: Int) -> RGBColor {
            let (p, _, width) = pixels(frame)
            let i = (y * width + x) * 3
            return RGBColor(p[i], p[i + 1], p[i + 2])
        }
        try cartPole.setState([1.0, 0, 0, 0])
        var frame = try env.render()
        XCTAssertEqual(pixels(frame).width, 600)
        XCTAssertEqual(pixels(frame).height, 400)
        // The cart is centred at x * 125 + 300 = 425; its body spans rows 285...314 (y up
        // from the bottom, flipped as Gymnasium flips it), the track is row 299, the axle
        // is a disc around (425, 292).
        XCTAssertEqual(color(frame, 410, 290), .black)
        XCTAssertEqual(color(frame, 425, 292), RGBColor(129, 132, 203))
        XCTAssertEqual(color(frame, 440, 310), .black)
        XCTAssertEqual(color(frame, 300, 290), .white)
        XCTAssertEqual(color(frame, 10, 299), .black)
        XCTAssertEqual(color(frame, 10, 100), .white)
        // The upright pole (125 pixels from the axle to its far end) rises above the cart.
        XCTAssertEqual(color(frame, 425, 200), pole)
        XCTAssertEqual(color(frame, 425, 180), pole)
        XCTAssertEqual(color(frame, 425, 165), .white)
        // Leaning right by 0.3 rad moves the pole's upper part right.
        try cartPole.setState([1.0, 0, 0.3, 0])
        frame = try env.render()
        XCTAssertEqual(color(frame, 425, 200), .white)
        let tip = (425 + Int(sin(0.3) * 110), 400 - Int(107.5 + cos(0.3) * 110))
        XCTAssertEqual(color(frame, tip.0, tip.1), pole)
        // Far off the screen (setState allows any finite state): nothing but the track.
        try cartPole.setState([1e300, 0, 0, 0])
        XCTAssertEqual(color(try env.render(), 300, 290), .white)
        try cartPole.setState([-1.0, 0, 0, 0])
        frame = try env.render()
        XCTAssertEqual(color(frame, 160, 290), .black)
        XCTAssertEqual(color(frame, 410, 290), .white)
    }

    func testSizesAndFrameRates() throws {
        for (id, width, height, fps) in [("CartPole-v1", 600, 400, 50.0), ("MountainCar-v0", 600, 400, 30),
                                         ("MountainCarContinuous-v0", 600, 400, 30), ("Acrobot-v1", 500, 500, 15),
                                         ("Pendulum-v1", 500, 500, 30)] {
            let env = try make(id)
            _ = try env.reset(seed: 1)
            let frame = pixels(try env.render())
            XCTAssertEqual(frame.width, width, id)
            XCTAssertEqual(frame.height, height, id)
            XCTAssertEqual((env.unwrapped as? any RenderingMetadata)?.renderFPS, fps, id)
            // Each frame has few enough colours for an exact GIF.
            XCTAssertEqual(try DecodedGIF(try GIFEncoder.encode([try env.render()])).frames, [frame.pixels], id)
        }
    }

    func testRenderWithoutRenderModeExplainsTheFix() throws {
        let environments: [any Environment] = [try CartPole(), try MountainCar(), try MountainCarContinuous(), try Acrobot(), try Pendulum()]
        for env in environments {
            _ = try env.reset(seed: 0)
            XCTAssertThrowsError(try env.render()) { error in
                guard case .renderingUnavailable? = error as? EnvironmentError else { return XCTFail("\(error)") }
                XCTAssertTrue("\(error)".contains("render_mode: rgb_array"), "\(error)")
            }
        }
    }

    func testPendulumArrowShowsTorqueDirection() throws {
        let env = try make("Pendulum-v1")
        let pendulum = try XCTUnwrap(env.unwrapped as? Pendulum)
        _ = try env.reset(seed: 0)
        /// Black-ish pixels in the upper part of the arrow's square, left or right.
        func darkPixels(_ frame: Frame, columns: Range<Int>) -> Int {
            let (p, _, width) = pixels(frame)
            var n = 0
            for y in 190..<230 { for x in columns { let i = (y * width + x) * 3; if p[i] < 60 && p[i + 1] < 60 { n += 1 } } }
            return n
        }
        try pendulum.setState([Double.pi, 0])  // hanging down, out of the arrow's way
        let still = try env.render()
        XCTAssertEqual(darkPixels(still, columns: 190..<310), 0, "no arrow without a torque")
        _ = try env.step(.continuous([-2]))
        let clockwise = try env.render()
        try pendulum.setState([Double.pi, 0])
        _ = try env.step(.continuous([2]))
        let counterClockwise = try env.render()
        // The clockwise arc starts at the top and leaves the upper left open (the arrowhead
        // is lower on the left); the counter-clockwise arrow is its mirror image.
        XCTAssertEqual(darkPixels(clockwise, columns: 195..<240), 0)
        XCTAssertGreaterThan(darkPixels(clockwise, columns: 260..<305), 100)
        XCTAssertEqual(darkPixels(counterClockwise, columns: 260..<305), 0)
        XCTAssertGreaterThan(darkPixels(counterClockwise, columns: 195..<240), 100)
    }

    func testRecordVideoOfCartPole() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftrl-cartpole-video-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let env = try RecordVideo(try make("CartPole-v1"), directory: directory)
        XCTAssertEqual(env.framesPerSecond, 50)
        var rendered: [[UInt8]] = []
        _ = try env.reset(seed: 3)
        rendered.append(pixels(try env.render()).pixels)
        var done = false
        while !done {
            done = try env.step(.discrete(1)).isDone  // the pole falls within a few dozen steps
            rendered.append(pixels(try env.render()).pixels)
        }
        XCTAssertEqual(env.writtenFiles.map(\.lastPathComponent), ["rl-video-episode-0.gif"])
        let gif = try DecodedGIF(Array(try Data(contentsOf: env.fileURL(episode: 0))))
        XCTAssertEqual(gif.frames.count, rendered.count)
        XCTAssertTrue(gif.frames == rendered, "frames are stored exactly")
        XCTAssertEqual(Set(gif.delays), [2])
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        XCTAssertEqual(names, ["rl-video-episode-0.gif"], "no temporary files left")
    }

    func testRenderSpeed() throws {
        let env = try make("CartPole-v1")
        _ = try env.reset(seed: 0)
        let count = 200
        let start = Date()
        var checksum = 0
        for _ in 0..<count {
            if case let .rgb(p, _, _) = try env.render() { checksum &+= Int(p[p.count / 2]) }
        }
        let perFrame = Date().timeIntervalSince(start) / Double(count)
        print("CartPole render: \(String(format: "%.3f", perFrame * 1000)) ms per 600x400 frame (checksum \(checksum))")
        XCTAssertLessThan(perFrame, 0.02, "rendering should take a few milliseconds at most")
    }
}
