import XCTest
import Randomness
import Tensors

/// Checks the tape's gradients of `f` at `inputs` against central finite differences and
/// fails the current test on any mismatch (see ``gradientCheck(_:epsilon:absoluteTolerance:relativeTolerance:seed:_:)``).
///
/// - Parameters:
///   - expectNonzero: fail when every gradient is (numerically and analytically) zero, so a
///     check cannot pass vacuously because the op ignored its input.
func checkGradients(
    _ inputs: [Tensor],
    epsilon: Float = 1e-2,
    absoluteTolerance: Double = 3e-3,
    relativeTolerance: Double = 1e-2,
    expectNonzero: Bool = true,
    seed: UInt64 = 1234,
    _ label: String = "",
    file: StaticString = #filePath,
    line: UInt = #line,
    _ f: ([Tensor]) -> Tensor
) {
    let report = gradientCheck(inputs, epsilon: epsilon, absoluteTolerance: absoluteTolerance,
                               relativeTolerance: relativeTolerance, seed: seed, f)
    for problem in report.problems.prefix(5) {
        XCTFail("\(label): \(problem)", file: file, line: line)
    }
    if report.problems.count > 5 {
        XCTFail("\(label): \(report.problems.count - 5) more mismatches", file: file, line: line)
    }
    if expectNonzero && !report.sawNonzeroGradient {
        XCTFail("\(label): every gradient is zero; the check is vacuous", file: file, line: line)
    }
}

/// What a finite-difference check found.
struct GradientCheckReport {
    /// One line per gradient element (or shape) that disagrees.
    var problems: [String] = []
    /// Whether any element had a gradient clearly away from zero.
    var sawNonzeroGradient = false
}

/// Compares the tape's gradients of `f` at `inputs` with central finite differences.
///
/// A non-scalar output is reduced to the scalar `Σ w ⊙ f(x)` with fixed random weights `w`
/// rather than a plain sum: a plain sum would hide errors in operations whose outputs sum to
/// a constant (softmax) or that only permute values. The loss is accumulated in Double so
/// that rounding in the sum does not swamp the difference quotient; each perturbed value is
/// still evaluated in Float32, so `epsilon` stays around 1e-2 and the tolerances allow for
/// the O(ε²) truncation error of central differences.
func gradientCheck(
    _ inputs: [Tensor],
    epsilon: Float = 1e-2,
    absoluteTolerance: Double = 3e-3,
    relativeTolerance: Double = 1e-2,
    seed: UInt64 = 1234,
    _ f: ([Tensor]) -> Tensor
) -> GradientCheckReport {
    let output = f(inputs)
    var rng = RandomGenerator(seed: seed)
    let weights = Tensor(shape: output.shape, scalars: (0..<output.count).map { _ in rng.uniform(in: -1...1) })
    let w = weights.scalars.map(Double.init)

    func loss(_ xs: [Tensor]) -> Double {
        let y = f(xs)
        precondition(y.shape == output.shape, "output shape changed from \(output.shape) to \(y.shape)")
        var total = 0.0
        for (yi, wi) in zip(y.scalars, w) { total += Double(yi) * wi }
        return total
    }

    let (_, analytic) = valueWithGradient(at: inputs) { xs in (f(xs) * weights).sum() }
    var report = GradientCheckReport()
    for (i, input) in inputs.enumerated() {
        guard analytic[i].shape == input.shape else {
            report.problems.append("gradient of input \(i) has shape \(analytic[i].shape), not \(input.shape)")
            continue
        }
        let grad = analytic[i].scalars
        for j in 0..<input.count {
            var plus = inputs, minus = inputs
            plus[i] = perturbed(input, at: j, by: epsilon)
            minus[i] = perturbed(input, at: j, by: -epsilon)
            let numeric = (loss(plus) - loss(minus)) / (2 * Double(epsilon))
            let a = Double(grad[j])
            if Swift.abs(numeric) > 1e-4 || Swift.abs(a) > 1e-4 { report.sawNonzeroGradient = true }
            let allowed = absoluteTolerance + relativeTolerance * Swift.max(Swift.abs(a), Swift.abs(numeric))
            if !(Swift.abs(a - numeric) <= allowed) {
                report.problems.append("input \(i) \(input.shape) element \(j): analytic \(a), numeric \(numeric)")
            }
        }
    }
    return report
}

/// `tensor` with the value at flat position `index` moved by `delta`.
func perturbed(_ tensor: Tensor, at index: Int, by delta: Float) -> Tensor {
    var t = tensor.copy()
    t.withUnsafeMutableBufferPointer { $0[index] += delta }
    return t
}

/// Seeded test inputs.
struct Inputs {
    var rng: RandomGenerator

    init(seed: UInt64 = 42) { rng = RandomGenerator(seed: seed) }

    /// Uniform values in `range`.
    mutating func uniform(_ shape: [Int], in range: ClosedRange<Float> = -1...1) -> Tensor {
        Tensor(shape: shape, scalars: (0..<Tensor.count(of: shape)).map { _ in rng.uniform(in: range) })
    }

    /// Uniform values in `range` with a random sign: magnitudes away from zero, for
    /// denominators.
    mutating func signed(_ shape: [Int], magnitude range: ClosedRange<Float>) -> Tensor {
        Tensor(shape: shape, scalars: (0..<Tensor.count(of: shape)).map { _ in
            rng.uniform(in: range) * (rng.bernoulli(0.5) ? 1 : -1)
        })
    }

    /// Uniform values in `range`, none within `margin` of any of `kinks`, so finite
    /// differences never straddle a point where the function is not differentiable.
    mutating func avoiding(_ kinks: [Float], margin: Float = 0.05, _ shape: [Int],
                           in range: ClosedRange<Float> = -1...1) -> Tensor {
        Tensor(shape: shape, scalars: (0..<Tensor.count(of: shape)).map { _ in
            while true {
                let x = rng.uniform(in: range)
                if kinks.allSatisfy({ Swift.abs(x - $0) >= margin }) { return x }
            }
        })
    }

    /// Values on a shuffled grid `offset + k·spacing` with small jitter: all distinct by at
    /// least `spacing / 2`, so maxima and orderings survive a perturbation of ε < spacing / 4.
    mutating func distinct(_ shape: [Int], spacing: Float = 0.1, offset: Float = 0) -> Tensor {
        let n = Tensor.count(of: shape)
        let order = rng.permutation(n)
        return Tensor(shape: shape, scalars: order.map { k in
            offset + (Float(k) - Float(n) / 2) * spacing + rng.uniform(in: -spacing / 4...spacing / 4)
        })
    }

    /// Values `offset + 0.2·k` for random integers k in -5...5: two grids with offsets 0
    /// and 0.1 never come closer than 0.1, so elementwise extrema of them have no ties.
    mutating func grid(_ shape: [Int], offset: Float) -> Tensor {
        Tensor(shape: shape, scalars: (0..<Tensor.count(of: shape)).map { _ in offset + 0.2 * Float(rng.int(in: -5...5)) })
    }

    /// Random indices in `0..<bound`.
    mutating func indices(_ shape: [Int], below bound: Int) -> IndexTensor {
        IndexTensor(shape: shape, scalars: (0..<Tensor.count(of: shape)).map { _ in rng.int(below: bound) })
    }
}

/// Asserts that `tensor` has `shape` and values within `tolerance` of `expected`.
func assertTensor(_ tensor: Tensor, shape: [Int], _ expected: [Float], tolerance: Float = 1e-5,
                  _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(tensor.shape, shape, "shape \(message)", file: file, line: line)
    XCTAssertEqual(tensor.count, expected.count, "count \(message)", file: file, line: line)
    for (i, (a, e)) in zip(tensor.scalars, expected).enumerated() where !(Swift.abs(a - e) <= tolerance) {
        XCTFail("element \(i): got \(a), expected \(e) \(message)", file: file, line: line)
        return
    }
}
