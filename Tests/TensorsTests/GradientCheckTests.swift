import XCTest
import Tensors

/// Finite-difference checks of the core operations: arithmetic with broadcasting,
/// activations, sums and means, matrix products, the fused linear op and reshapes.
final class GradientCheckTests: XCTestCase {
    /// Shape pairs covering equal shapes, the bias-add suffix, stretched middle axes,
    /// scalars on either side and a broadcast on both sides at once.
    static let broadcastPairs: [([Int], [Int])] = [
        ([3, 4], [3, 4]), ([3, 4], [4]), ([4], [3, 4]), ([2, 1, 3], [4, 1]), ([3, 4], []),
        ([], [3, 4]), ([3, 1], [1, 4]), ([2, 3, 4], [3, 1]), ([1, 4], [3, 1, 1]),
    ]

    func testAdditionAndSubtraction() {
        var inputs = Inputs(seed: 1)
        for (sa, sb) in Self.broadcastPairs {
            let a = inputs.uniform(sa), b = inputs.uniform(sb)
            checkGradients([a, b], "add \(sa) \(sb)") { $0[0] + $0[1] }
            checkGradients([a, b], "subtract \(sa) \(sb)") { $0[0] - $0[1] }
        }
    }

    func testMultiplication() {
        var inputs = Inputs(seed: 2)
        for (sa, sb) in Self.broadcastPairs {
            let a = inputs.uniform(sa), b = inputs.uniform(sb)
            checkGradients([a, b], "multiply \(sa) \(sb)") { $0[0] * $0[1] }
        }
    }

    func testDivision() {
        var inputs = Inputs(seed: 3)
        for (sa, sb) in Self.broadcastPairs {
            let a = inputs.uniform(sa), b = inputs.signed(sb, magnitude: 0.5...2)
            checkGradients([a, b], "divide \(sa) \(sb)") { $0[0] / $0[1] }
        }
    }

    func testScalarOverloadsAndNegation() {
        var inputs = Inputs(seed: 4)
        let x = inputs.signed([3, 4], magnitude: 0.5...2)
        checkGradients([x], "x + 2") { $0[0] + 2 }
        checkGradients([x], "2 + x") { 2 + $0[0] }
        checkGradients([x], "x - 2") { $0[0] - 2 }
        checkGradients([x], "2 - x") { 2 - $0[0] }
        checkGradients([x], "x * 3") { $0[0] * 3 }
        checkGradients([x], "3 * x") { 3 * $0[0] }
        checkGradients([x], "x / 3") { $0[0] / 3 }
        checkGradients([x], "3 / x") { 3 / $0[0] }
        checkGradients([x], "-x") { -$0[0] }
        checkGradients([x], "compound assignment") { xs in
            var y = xs[0]
            y += xs[0] * xs[0]
            y -= xs[0]
            y *= xs[0]
            y /= xs[0] + 5
            return y
        }
    }

    func testActivations() {
        var inputs = Inputs(seed: 5)
        for shape in [[7], [3, 4], [2, 3, 2]] {
            let smooth = inputs.uniform(shape, in: -2...2)
            let kinked = inputs.avoiding([0], shape, in: -2...2)
            checkGradients([kinked], "relu \(shape)") { $0[0].relu() }
            checkGradients([smooth], "tanh \(shape)") { $0[0].tanh() }
            checkGradients([smooth], "sigmoid \(shape)") { $0[0].sigmoid() }
            checkGradients([smooth], "elu \(shape)") { $0[0].elu() }
            checkGradients([kinked], "elu alpha 0.5 \(shape)") { $0[0].elu(alpha: 0.5) }
            checkGradients([smooth], "softplus \(shape)") { $0[0].softplus() }
        }
        // Far tails, where naive formulas overflow.
        checkGradients([Tensor([-30, -12, 12, 30])], "softplus tails") { $0[0].softplus() }
    }

    func testSumAndMean() {
        var inputs = Inputs(seed: 6)
        let x = inputs.uniform([2, 3, 4])
        let axesCases: [[Int]?] = [nil, [0], [1], [2], [-1], [0, 2], [1, 2], [0, 1, 2]]
        for axes in axesCases {
            for keepDims in [false, true] {
                checkGradients([x], "sum \(String(describing: axes)) keep \(keepDims)") {
                    $0[0].sum(alongAxes: axes, keepDims: keepDims)
                }
                checkGradients([x], "mean \(String(describing: axes)) keep \(keepDims)") {
                    $0[0].mean(alongAxes: axes, keepDims: keepDims)
                }
            }
        }
        checkGradients([x], "sum(alongAxis:)") { $0[0].sum(alongAxis: 1) }
        checkGradients([x], "mean(alongAxis:) keep") { $0[0].mean(alongAxis: -1, keepDims: true) }
        checkGradients([inputs.uniform([5])], "sum of vector") { $0[0].sum() }
    }

    func testMatmul() {
        var inputs = Inputs(seed: 7)
        let cases: [([Int], [Int], Bool, Bool)] = [
            ([3, 4], [4, 5], false, false),
            ([4, 3], [4, 5], true, false),
            ([3, 4], [5, 4], false, true),
            ([4, 3], [5, 4], true, true),
            ([2, 3, 4], [2, 4, 5], false, false),
            ([2, 4, 3], [2, 5, 4], true, true),
            ([2, 3, 4], [4, 5], false, false),
            ([2, 3, 4], [5, 4], false, true),
            ([3, 4], [2, 4, 5], false, false),
            ([2, 1, 3, 4], [3, 4, 2], false, false),
            ([2, 4, 3], [1, 4, 2], true, false),
        ]
        for (sa, sb, ta, tb) in cases {
            let a = inputs.uniform(sa), b = inputs.uniform(sb)
            checkGradients([a, b], "matmul \(sa)\(ta ? "ᵀ" : "") \(sb)\(tb ? "ᵀ" : "")") {
                matmul($0[0], $0[1], transposeA: ta, transposeB: tb)
            }
        }
        let a = inputs.uniform([3, 4]), b = inputs.uniform([4, 2])
        checkGradients([a, b], "method form") { $0[0].matmul($0[1]) }
    }

    func testLinear() {
        var inputs = Inputs(seed: 8)
        for xShape in [[5, 3], [2, 3, 3], [1, 3]] {
            let x = inputs.uniform(xShape), w = inputs.uniform([3, 4]), b = inputs.uniform([4])
            checkGradients([x, w, b], "linear with bias \(xShape)") { linear($0[0], weight: $0[1], bias: $0[2]) }
            checkGradients([x, w], "linear without bias \(xShape)") { linear($0[0], weight: $0[1], bias: nil) }
        }
        // Only some inputs tracked: a constant input mixed with watched ones.
        let x = inputs.uniform([5, 3]), w = inputs.uniform([3, 4]), b = inputs.uniform([4])
        checkGradients([w, b], "linear with constant input") { linear(x, weight: $0[0], bias: $0[1]) }
        checkGradients([x], "linear with constant weight") { linear($0[0], weight: w, bias: b) }
    }

    func testLinearWithFusedActivation() {
        var inputs = Inputs(seed: 21)
        let x = inputs.uniform([5, 3]), w = inputs.uniform([3, 4]), b = inputs.uniform([4])
        checkGradients([x, w, b], "linear + tanh") { linear($0[0], weight: $0[1], bias: $0[2], activation: .tanh) }
        checkGradients([x, w], "linear + tanh without bias") { linear($0[0], weight: $0[1], bias: nil, activation: .tanh) }
        checkGradients([w, b], "linear + tanh, constant input") { linear(x, weight: $0[0], bias: $0[1], activation: .tanh) }
        // ReLU's kink: finite differences are only valid away from 0, which these draws are.
        checkGradients([x, w, b], "linear + relu") { linear($0[0], weight: $0[1], bias: $0[2], activation: .relu) }
        // The fused forward equals the unfused composition.
        assertTensor(linear(x, weight: w, bias: b, activation: .tanh), shape: [5, 4],
                     linear(x, weight: w, bias: b).tanh().scalars, tolerance: 0)
        assertTensor(linear(x, weight: w, bias: b, activation: .relu), shape: [5, 4],
                     linear(x, weight: w, bias: b).relu().scalars, tolerance: 0)
    }

    func testLinearMatchesMatmulPlusBias() {
        var inputs = Inputs(seed: 9)
        let x = inputs.uniform([6, 3]), w = inputs.uniform([3, 4]), b = inputs.uniform([4])
        let fused = linear(x, weight: w, bias: b)
        var expected = [Float]()
        for r in 0..<6 {
            for c in 0..<4 {
                var s = b[c]
                for k in 0..<3 { s += x[r, k] * w[k, c] }
                expected.append(s)
            }
        }
        assertTensor(fused, shape: [6, 4], expected, tolerance: 1e-5)
    }

    func testReshaped() {
        var inputs = Inputs(seed: 10)
        let x = inputs.uniform([2, 3, 4])
        checkGradients([x], "reshape to [6, 4]") { $0[0].reshaped([6, 4]) }
        checkGradients([x], "reshape with -1") { $0[0].reshaped([4, -1]) * $0[0].reshaped([4, 6]) }
        checkGradients([x], "reshape then reduce") { $0[0].reshaped([-1]).sum(alongAxes: [0]) * $0[0].sum() }
    }
}
