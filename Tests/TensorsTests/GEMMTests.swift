import CKernels
import Dispatch
import Synchronization
import XCTest
import Randomness
import Tensors

/// Our GEMM kernels at every instruction-set level, and OpenBLAS when present, against a
/// plain triple loop, over shapes that hit full panels, narrow panels and padded tails.
final class GEMMTests: XCTestCase {
    static let shapes: [(Int, Int, Int)] = [
        (1, 1, 1), (1, 64, 4), (64, 64, 64), (64, 2, 64), (7, 33, 5), (13, 17, 300),
        (2, 48, 9), (65, 31, 257), (9, 16, 1), (32, 512, 40), (100, 3, 7), (1, 300, 70), (1, 17, 33), (1, 2, 64),
        // Narrow outputs (policy and value heads) on their dot- and outer-product kernels.
        (128, 2, 64), (70, 4, 129), (16, 1, 16), (130, 1, 64), (64, 3, 256),
    ]

    func reference(_ ta: Bool, _ tb: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
                   _ a: [Float], _ b: [Float], _ beta: Float, _ c: [Float]) -> [Float] {
        var out = c
        for i in 0..<m {
            for j in 0..<n {
                var s: Double = 0
                for p in 0..<k {
                    let av = ta ? a[p * m + i] : a[i * k + p]
                    let bv = tb ? b[j * k + p] : b[p * n + j]
                    s += Double(av) * Double(bv)
                }
                out[i * n + j] = alpha * Float(s) + (beta == 0 ? 0 : beta * c[i * n + j])
            }
        }
        return out
    }

    func check(useBLAS: Bool, level: Int?) {
        var rng = TestRandom(seed: 7)
        for (m, n, k) in Self.shapes {
            for ta in [false, true] {
                for tb in [false, true] {
                    for (alpha, beta): (Float, Float) in [(1, 0), (0.5, 2)] {
                        let a = (0..<(m * k)).map { _ in rng.next() }
                        let b = (0..<(k * n)).map { _ in rng.next() }
                        let c = (0..<(m * n)).map { _ in rng.next() }
                        let expected = reference(ta, tb, m, n, k, alpha, a, b, beta, c)
                        var got = c
                        CPU.capInstructionSet(level: level)
                        a.withUnsafeBufferPointer { pa in
                            b.withUnsafeBufferPointer { pb in
                                got.withUnsafeMutableBufferPointer { pc in
                                    CPU.gemm(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: alpha,
                                             a: pa.baseAddress!, lda: ta ? m : k, b: pb.baseAddress!, ldb: tb ? k : n,
                                             beta: beta, c: pc.baseAddress!, ldc: n, route: useBLAS ? .blas : .ownKernels)
                                }
                            }
                        }
                        CPU.capInstructionSet(level: nil)
                        let worst = zip(got, expected).map { abs($0 - $1) }.max() ?? 0
                        XCTAssertLessThan(worst, 1e-3 * Float(k).squareRoot() + 1e-4,
                                          "m\(m) n\(n) k\(k) ta\(ta) tb\(tb) alpha\(alpha) beta\(beta) level \(String(describing: level)) blas \(useBLAS)")
                    }
                }
            }
        }
    }

    func testPortableKernels() { check(useBLAS: false, level: 0) }
    func testAVX2Kernels() { check(useBLAS: false, level: 1) }
    func testBestKernels() { check(useBLAS: false, level: nil) }

    func testOpenBLASWhenInstalled() throws {
        guard CPU.isBLASAvailable else {
            throw XCTSkip("OpenBLAS is not installed (\(CPU.blasDescription)); install libopenblas0 to test that path")
        }
        check(useBLAS: true, level: nil)
    }

    /// Every transpose combination over sizes 1, 3, 17, 64, 65 and 257 for each of M, N, K,
    /// with leading dimensions wider than the matrices, so packing a transposed B panel and
    /// reading a transposed A are checked at every panel and row-block boundary.
    func checkOddShapesWithStrides(level: Int?) {
        var rng = TestRandom(seed: 11)
        let sizes = [1, 3, 17, 64, 65, 257]
        CPU.capInstructionSet(level: level)
        defer { CPU.capInstructionSet(level: nil) }
        let transposes = [(false, false), (false, true), (true, false), (true, true)]
        var combination = 0
        for m in sizes { for n in sizes { for k in sizes {
            // The reference triple loop is the cost here: the largest products get one
            // transpose combination each, in turn.
            let chosen = m * n * k > 1 << 20 ? [transposes[combination % 4]] : transposes
            for (ta, tb) in chosen {
                combination += 1
                let (alpha, beta): (Float, Float) = combination % 2 == 0 ? (1, 0) : (-0.5, 1.5)
                let aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n
                let lda = aCols + 3, ldb = bCols + 5, ldc = n + 2
                let a = (0..<(aRows * lda)).map { _ in rng.next() }
                let b = (0..<(bRows * ldb)).map { _ in rng.next() }
                let c = (0..<(m * ldc)).map { _ in rng.next() }
                var expected = c
                for i in 0..<m {
                    for j in 0..<n {
                        var s: Double = 0
                        for p in 0..<k {
                            s += Double(ta ? a[p * lda + i] : a[i * lda + p]) * Double(tb ? b[j * ldb + p] : b[p * ldb + j])
                        }
                        expected[i * ldc + j] = alpha * Float(s) + (beta == 0 ? 0 : beta * c[i * ldc + j])
                    }
                }
                var got = c
                a.withUnsafeBufferPointer { pa in
                    b.withUnsafeBufferPointer { pb in
                        got.withUnsafeMutableBufferPointer { pc in
                            CPU.gemm(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: alpha,
                                     a: pa.baseAddress!, lda: lda, b: pb.baseAddress!, ldb: ldb,
                                     beta: beta, c: pc.baseAddress!, ldc: ldc, route: .ownKernels)
                        }
                    }
                }
                // Padding columns of C past n must be left alone.
                let worst = zip(got, expected).map { abs($0 - $1) }.max() ?? 0
                XCTAssertLessThan(worst, 1e-3 * Float(k).squareRoot() + 1e-4,
                                  "m\(m) n\(n) k\(k) ta\(ta) tb\(tb) level \(String(describing: level))")
            }
        } } }
    }

    func testOddShapesPortable() { checkOddShapesWithStrides(level: 0) }
    func testOddShapesAVX2() { checkOddShapesWithStrides(level: 1) }
    func testOddShapesBest() { checkOddShapesWithStrides(level: nil) }

    func testLargeParallelGEMMMatchesSingleThread() {
        var rng = TestRandom(seed: 3)
        let (m, n, k) = (300, 200, 150)
        let a = Tensor(shape: [m, k], scalars: (0..<(m * k)).map { _ in rng.next() })
        let b = Tensor(shape: [k, n], scalars: (0..<(k * n)).map { _ in rng.next() })
        let bt = Tensor(shape: [n, k], scalars: (0..<(k * n)).map { i in b.scalars[(i % k) * n + i / k] })
        let savedThreads = CPU.threadCount, savedBLAS = CPU.blasEnabled, savedThreshold = CPU.gemmParallelThreshold
        CPU.blasEnabled = false
        CPU.gemmParallelThreshold = 0
        CPU.threadCount = 1
        let single = matmul(a, b)
        let singleT = matmul(a, bt, transposeB: true)
        CPU.threadCount = 2
        let parallel = matmul(a, b)
        let parallelT = matmul(a, bt, transposeB: true)
        CPU.threadCount = savedThreads
        CPU.blasEnabled = savedBLAS
        CPU.gemmParallelThreshold = savedThreshold
        XCTAssertTrue(single.isApproximatelyEqual(to: parallel, tolerance: 0))
        XCTAssertTrue(single.isApproximatelyEqual(to: singleT, tolerance: 0))
        XCTAssertTrue(single.isApproximatelyEqual(to: parallelT, tolerance: 0))
    }

    /// The helper team under contention: four threads (as A3C's workers) run split GEMMs at
    /// once, with and without transposes (a transposed B wide enough is split by columns,
    /// the rest by rows), and every product equals the single-threaded one bit for bit; only
    /// one caller owns the team at a time, the others run their parts alone.
    func testTeamGEMMFromSeveralThreadsMatchesSingleThread() {
        var rng = TestRandom(seed: 5)
        let (m, n, k) = (96, 130, 64)
        let a = (0..<(m * k)).map { _ in rng.next() }, b = (0..<(k * n)).map { _ in rng.next() }
        @Sendable func product(_ ta: Bool, _ tb: Bool, parts: Int) -> [Float] {
            var c = [Float](repeating: 0, count: m * n)
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        // op(A) is m x k and op(B) k x n either way: a transposed operand is read as
                        // its transpose, from the same values.
                        srl_sgemm_team(ta ? 1 : 0, tb ? 1 : 0, m, n, k, 1, pa.baseAddress!, ta ? m : k, pb.baseAddress!,
                                       tb ? k : n, 0, pc.baseAddress!, n, parts)
                    }
                }
            }
            return c
        }
        let cases = [(false, false), (true, false), (false, true), (true, true)]
        let expected = cases.map { product($0.0, $0.1, parts: 1) }
        let mismatches = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            for round in 0..<200 {
                let index = (thread + round) % cases.count
                if product(cases[index].0, cases[index].1, parts: 2 + round % 3) != expected[index] {
                    mismatches.add(1, ordering: .relaxed)
                }
            }
        }
        XCTAssertEqual(mismatches.load(ordering: .relaxed), 0)
    }

    /// CPU.parallelFor over the team visits every index exactly once, for counts that do
    /// and do not divide evenly.
    func testParallelForCoversEveryIndexOnce() {
        let saved = CPU.threadCount
        CPU.threadCount = 3
        defer { CPU.threadCount = saved }
        for count in [70_000, 100_003, 1 << 17] {
            let visits = UnsafeMutableBufferPointer<Int32>.allocate(capacity: count)
            visits.initialize(repeating: 0)
            defer { visits.deallocate() }
            CPU.parallelFor(count) { range in for i in range { visits[i] += 1 } }
            XCTAssertTrue(visits.allSatisfy { $0 == 1 }, "count \(count)")
        }
    }

    func testTransposeKernelAtEveryLevel() {
        for level in [0, 1, nil] {
            CPU.capInstructionSet(level: level)
            for (rows, cols) in [(1, 1), (8, 8), (13, 21), (64, 3), (3, 64), (33, 40)] {
                let src = Tensor(shape: [rows, cols], scalars: (0..<(rows * cols)).map(Float.init))
                let t = src.transposed()
                for r in 0..<rows { for c in 0..<cols { XCTAssertEqual(t[c, r], src[r, c]) } }
            }
        }
        CPU.capInstructionSet(level: nil)
    }
}

/// A tiny deterministic generator for test data, independent of the library's own.
struct TestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E3779B97F4A7C15 }
    mutating func next() -> Float {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(Int64(bitPattern: state >> 11) % 2001 - 1000) / 1000
    }
}
