import XCTest
import Tensors

/// conv2d against a direct seven-loop convolution, and its gradients against central
/// finite differences and the adjoint identity ⟨conv(x), r⟩ = ⟨x, convᵀ(r)⟩.
final class ConvolutionTests: XCTestCase {
    struct Case {
        var batch = 2, height: Int, width: Int, channels: Int
        var kernel: (Int, Int), filters: Int, strides: (Int, Int), padding: Padding
    }

    static let cases: [Case] = [
        Case(height: 7, width: 5, channels: 3, kernel: (3, 2), filters: 4, strides: (1, 1), padding: .valid),
        Case(height: 7, width: 6, channels: 2, kernel: (3, 3), filters: 3, strides: (2, 2), padding: .same),
        Case(height: 6, width: 5, channels: 2, kernel: (4, 4), filters: 2, strides: (1, 1), padding: .same),
        Case(height: 12, width: 9, channels: 2, kernel: (4, 4), filters: 3, strides: (4, 4), padding: .valid),
        Case(height: 13, width: 10, channels: 3, kernel: (5, 3), filters: 2, strides: (4, 2), padding: .same),
        Case(height: 11, width: 11, channels: 2, kernel: (8, 8), filters: 2, strides: (4, 4), padding: .valid),
        Case(height: 5, width: 4, channels: 3, kernel: (1, 1), filters: 4, strides: (1, 1), padding: .valid),
        Case(height: 5, width: 4, channels: 3, kernel: (1, 1), filters: 2, strides: (2, 2), padding: .same),
        Case(height: 4, width: 3, channels: 1, kernel: (4, 3), filters: 2, strides: (1, 1), padding: .valid),
    ]

    /// Output length and leading padding along one axis, written out from TensorFlow's rules.
    func extent(_ size: Int, _ k: Int, _ s: Int, _ padding: Padding) -> (out: Int, before: Int) {
        if padding == .valid { return ((size - k) / s + 1, 0) }
        let out = Int((Double(size) / Double(s)).rounded(.up))
        return (out, max((out - 1) * s + k - size, 0) / 2)
    }

    func naive(_ x: [Float], _ w: [Float], _ b: [Float], _ c: Case) -> [Float] {
        let (oh, pt) = extent(c.height, c.kernel.0, c.strides.0, c.padding)
        let (ow, pl) = extent(c.width, c.kernel.1, c.strides.1, c.padding)
        var out = [Float](repeating: 0, count: c.batch * oh * ow * c.filters)
        for n in 0..<c.batch {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    for f in 0..<c.filters {
                        var s = Double(b[f])
                        for ky in 0..<c.kernel.0 {
                            for kx in 0..<c.kernel.1 {
                                let iy = oy * c.strides.0 - pt + ky, ix = ox * c.strides.1 - pl + kx
                                guard iy >= 0, iy < c.height, ix >= 0, ix < c.width else { continue }
                                for ch in 0..<c.channels {
                                    let xv = x[((n * c.height + iy) * c.width + ix) * c.channels + ch]
                                    let wv = w[((ky * c.kernel.1 + kx) * c.channels + ch) * c.filters + f]
                                    s += Double(xv) * Double(wv)
                                }
                            }
                        }
                        out[((n * oh + oy) * ow + ox) * c.filters + f] = Float(s)
                    }
                }
            }
        }
        return out
    }

    func random(_ shape: [Int], _ rng: inout TestRandom) -> Tensor {
        Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in rng.next() })
    }

    func operands(_ c: Case, seed: UInt64) -> (x: Tensor, w: Tensor, b: Tensor) {
        var rng = TestRandom(seed: seed)
        return (random([c.batch, c.height, c.width, c.channels], &rng),
                random([c.kernel.0, c.kernel.1, c.channels, c.filters], &rng),
                random([c.filters], &rng))
    }

    func testForwardMatchesDirectLoop() {
        for (i, c) in Self.cases.enumerated() {
            let (x, w, b) = operands(c, seed: UInt64(i))
            let (oh, _) = extent(c.height, c.kernel.0, c.strides.0, c.padding)
            let (ow, _) = extent(c.width, c.kernel.1, c.strides.1, c.padding)
            let y = conv2d(x, filter: w, bias: b, strides: c.strides, padding: c.padding)
            XCTAssertEqual(y.shape, [c.batch, oh, ow, c.filters], "case \(i)")
            let expected = Tensor(shape: y.shape, scalars: naive(x.scalars, w.scalars, b.scalars, c))
            XCTAssertTrue(y.isApproximatelyEqual(to: expected, tolerance: 1e-5), "case \(i): \(y) vs \(expected)")
            let noBias = conv2d(x, filter: w, strides: c.strides, padding: c.padding)
            let zero = [Float](repeating: 0, count: c.filters)
            XCTAssertTrue(noBias.isApproximatelyEqual(to: Tensor(shape: y.shape, scalars: naive(x.scalars, w.scalars, zero, c)),
                                                      tolerance: 1e-5), "case \(i) without bias")
        }
    }

    func testPaddingFollowsTensorFlow() {
        // in 7, k 3, s 2: out ⌈7/2⌉ = 4, total pad 2·3 + 3 − 7 = 2, one before.
        var g = Convolution2DGeometry(inputShape: [7, 6, 1], kernelSize: (3, 4), outputChannels: 1, strides: (2, 1), padding: .same)
        XCTAssertEqual([g.outputHeight, g.outputWidth, g.padTop, g.padLeft], [4, 6, 1, 1])
        // in 6, k 4, s 1: total pad 3, the extra one after; in 84, k 8, s 4, valid: 20.
        g = Convolution2DGeometry(inputShape: [84, 6, 1], kernelSize: (8, 1), outputChannels: 1, strides: (4, 1), padding: .valid)
        XCTAssertEqual([g.outputHeight, g.outputWidth, g.padTop, g.padLeft], [20, 6, 0, 0])
        // Stride larger than the kernel with same padding needs no padding at all.
        g = Convolution2DGeometry(inputShape: [9, 9, 1], kernelSize: (1, 2), outputChannels: 1, strides: (4, 4), padding: .same)
        XCTAssertEqual([g.outputHeight, g.outputWidth, g.padTop, g.padLeft], [3, 3, 0, 0])
    }

    /// L = Σ conv(x, w, b) ⊙ r, evaluated in Double.
    func loss(_ x: Tensor, _ w: Tensor, _ b: Tensor, _ r: Tensor, _ c: Case) -> Double {
        let y = conv2d(x, filter: w, bias: b, strides: c.strides, padding: c.padding)
        return zip(y.scalars, r.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }

    func testGradientsMatchFiniteDifferences() {
        for (i, c) in Self.cases.enumerated() {
            let (x, w, b) = operands(c, seed: 100 + UInt64(i))
            var rng = TestRandom(seed: 200 + UInt64(i))
            let shape = conv2d(x, filter: w, strides: c.strides, padding: c.padding).shape
            let r = random(shape, &rng)
            let (_, grads) = valueWithGradient(at: [x, w, b]) { v in
                (conv2d(v[0], filter: v[1], bias: v[2], strides: c.strides, padding: c.padding) * r).sum(alongAxes: [0, 1, 2, 3])
            }
            XCTAssertEqual(grads.map(\.shape), [x.shape, w.shape, b.shape])
            // The loss is linear in each operand, so central differences are exact up to rounding.
            let eps: Float = 0.25
            for (which, base) in [x, w, b].enumerated() {
                for index in 0..<base.count {
                    var plus = base, minus = base
                    plus.withUnsafeMutableBufferPointer { $0[index] += eps }
                    minus.withUnsafeMutableBufferPointer { $0[index] -= eps }
                    var args = [x, w, b]
                    args[which] = plus
                    let lp = loss(args[0], args[1], args[2], r, c)
                    args[which] = minus
                    let lm = loss(args[0], args[1], args[2], r, c)
                    let numeric = (lp - lm) / Double(2 * eps)
                    let analytic = Double(grads[which].scalars[index])
                    XCTAssertEqual(analytic, numeric, accuracy: 2e-3 * max(1, abs(numeric)),
                                   "case \(i), operand \(which), index \(index)")
                }
            }
        }
    }

    func testSingleOperandGradients() {
        let c = Self.cases[1]
        let (x, w, _) = operands(c, seed: 7)
        var rng = TestRandom(seed: 8)
        let r = random(conv2d(x, filter: w, strides: c.strides, padding: c.padding).shape, &rng)
        let full = valueWithGradient(at: [x, w]) { v in
            (conv2d(v[0], filter: v[1], strides: c.strides, padding: c.padding) * r).sum(alongAxes: [0, 1, 2, 3])
        }.gradients
        let inputOnly = valueWithGradient(at: [x]) { v in
            (conv2d(v[0], filter: w, strides: c.strides, padding: c.padding) * r).sum(alongAxes: [0, 1, 2, 3])
        }.gradients[0]
        let filterOnly = valueWithGradient(at: [w]) { v in
            (conv2d(x, filter: v[0], strides: c.strides, padding: c.padding) * r).sum(alongAxes: [0, 1, 2, 3])
        }.gradients[0]
        XCTAssertTrue(inputOnly.isApproximatelyEqual(to: full[0], tolerance: 1e-6))
        XCTAssertTrue(filterOnly.isApproximatelyEqual(to: full[1], tolerance: 1e-6))
    }

    /// Shapes big enough that patch extraction and scattering split across threads; checked
    /// against the direct loop and the adjoint identity, which covers every gradient entry.
    func testLargeShapesUseThreadsCorrectly() {
        for c in [Case(batch: 4, height: 24, width: 22, channels: 8, kernel: (3, 3), filters: 8, strides: (1, 1), padding: .same),
                  Case(batch: 3, height: 36, width: 36, channels: 4, kernel: (8, 8), filters: 16, strides: (4, 4), padding: .valid)] {
            let (x, w, _) = operands(c, seed: 99)
            let zero = Tensor.zeros([c.filters])
            let y = conv2d(x, filter: w, strides: c.strides, padding: c.padding)
            let expected = Tensor(shape: y.shape, scalars: naive(x.scalars, w.scalars, zero.scalars, c))
            XCTAssertTrue(y.isApproximatelyEqual(to: expected, tolerance: 1e-4))
            var rng = TestRandom(seed: 5)
            let r = random(y.shape, &rng)
            let (value, grads) = valueWithGradient(at: [x, w]) { v in
                (conv2d(v[0], filter: v[1], strides: c.strides, padding: c.padding) * r).sum(alongAxes: [0, 1, 2, 3])
            }
            // L is linear in x and in w separately: L = ⟨x, ∂L/∂x⟩ = ⟨w, ∂L/∂w⟩.
            let viaInput = zip(x.scalars, grads[0].scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            let viaFilter = zip(w.scalars, grads[1].scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            XCTAssertEqual(viaInput, Double(value.scalar), accuracy: 1e-3 * max(1, abs(Double(value.scalar))))
            XCTAssertEqual(viaFilter, Double(value.scalar), accuracy: 1e-3 * max(1, abs(Double(value.scalar))))
            // A few input entries by finite differences, so a gradient that is wrong yet
            // satisfies the identity (say, permuted) is still caught.
            for index in stride(from: 0, to: x.count, by: x.count / 7) {
                var plus = x, minus = x
                plus.withUnsafeMutableBufferPointer { $0[index] += 0.5 }
                minus.withUnsafeMutableBufferPointer { $0[index] -= 0.5 }
                let lp = loss(plus, w, zero, r, c), lm = loss(minus, w, zero, r, c)
                XCTAssertEqual(Double(grads[0].scalars[index]), lp - lm, accuracy: 1e-3 * max(1, abs(lp - lm)))
            }
        }
    }

    func testRawForwardWithScratchMatchesTensorPath() {
        let c = Self.cases[4]
        let (x, w, _) = operands(c, seed: 3)
        let g = Convolution2DGeometry(inputShape: [c.height, c.width, c.channels], kernelSize: c.kernel,
                                      outputChannels: c.filters, strides: c.strides, padding: c.padding)
        var scratch = [Float](repeating: .nan, count: g.scratchCount(batch: c.batch))
        var out = [Float](repeating: .nan, count: c.batch * g.outputShape.reduce(1, *))
        x.withUnsafeBufferPointer { xp in
            w.withUnsafeBufferPointer { wp in
                scratch.withUnsafeMutableBufferPointer { sp in
                    out.withUnsafeMutableBufferPointer { op in
                        g.forward(xp.baseAddress!, batch: c.batch, filter: wp.baseAddress!, scratch: sp.baseAddress!,
                                  into: op.baseAddress!)
                    }
                }
            }
        }
        let expected = naive(x.scalars, w.scalars, [Float](repeating: 0, count: c.filters), c)
        for (a, e) in zip(out, expected) { XCTAssertEqual(a, e, accuracy: 1e-5) }
    }
}
