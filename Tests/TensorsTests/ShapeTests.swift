import XCTest
import Tensors

/// Transposes, permutations, flattening, inserting and removing unit axes, joining,
/// slicing and explicit broadcasting.
final class ShapeTests: XCTestCase {
    /// A [2, 3, 4] tensor whose value at [i, j, k] is 100i + 10j + k, so any value names its position.
    let cube: Tensor = {
        var values = [Float]()
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 { values.append(Float(100 * i + 10 * j + k)) } } }
        return Tensor(shape: [2, 3, 4], scalars: values)
    }()

    func testTransposed() {
        let m = Tensor([[1, 2, 3], [4, 5, 6]])
        assertTensor(m.transposed(), shape: [3, 2], [1, 4, 2, 5, 3, 6])
        let t = cube.transposed()
        XCTAssertEqual(t.shape, [2, 4, 3])
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 { XCTAssertEqual(t[i, k, j], Float(100 * i + 10 * j + k)) } } }
        // Larger than one 32×32 tile in both directions, with ragged edges.
        var inputs = Inputs(seed: 50)
        let big = inputs.uniform([70, 45])
        let bt = big.transposed()
        XCTAssertEqual(bt.shape, [45, 70])
        for r in stride(from: 0, to: 70, by: 3) { for c in stride(from: 0, to: 45, by: 4) { XCTAssertEqual(bt[c, r], big[r, c]) } }
    }

    func testPermuted() {
        let p = cube.permuted([2, 0, 1])
        XCTAssertEqual(p.shape, [4, 2, 3])
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 { XCTAssertEqual(p[k, i, j], Float(100 * i + 10 * j + k)) } } }
        let q = cube.permuted([1, 0, 2])
        XCTAssertEqual(q.shape, [3, 2, 4])
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 { XCTAssertEqual(q[j, i, k], Float(100 * i + 10 * j + k)) } } }
        let r = cube.permuted([-1, 1, 0])
        XCTAssertEqual(r.shape, [4, 3, 2])
        XCTAssertEqual(r[3, 2, 1], 123)
        assertTensor(cube.permuted([0, 1, 2]), shape: [2, 3, 4], cube.scalars)
        // NCHW to NHWC, the layout change convolutions need.
        let image = Tensor(shape: [1, 2, 2, 2], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
        assertTensor(image.permuted([0, 2, 3, 1]), shape: [1, 2, 2, 2], [1, 5, 2, 6, 3, 7, 4, 8])
    }

    func testFlattenExpandAndSqueeze() {
        XCTAssertEqual(cube.flattened().shape, [2, 12])
        XCTAssertEqual(cube.flattened(startAxis: 0).shape, [24])
        XCTAssertEqual(cube.flattened(startAxis: 2).shape, [2, 3, 4])
        XCTAssertEqual(cube.flattened(startAxis: -2).shape, [2, 12])
        assertTensor(cube.flattened(), shape: [2, 12], cube.scalars)
        let m = Tensor([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]])
        XCTAssertEqual(m.expandingShape(at: 0).shape, [1, 3, 4])
        XCTAssertEqual(m.expandingShape(at: 1).shape, [3, 1, 4])
        XCTAssertEqual(m.expandingShape(at: -1).shape, [3, 4, 1])
        XCTAssertEqual(m.expandingShape(at: 0, 3).shape, [1, 3, 4, 1])
        XCTAssertEqual(m.expandingShape(at: [0, 2]).shape, [1, 3, 1, 4])
        let u = Tensor(shape: [1, 3, 1, 4, 1], scalars: m.scalars)
        XCTAssertEqual(u.squeezingShape().shape, [3, 4])
        XCTAssertEqual(u.squeezingShape(at: 0).shape, [3, 1, 4, 1])
        XCTAssertEqual(u.squeezingShape(at: 2, -1).shape, [1, 3, 4])
        XCTAssertEqual(u.squeezingShape(at: [0, 2, 4]).shape, [3, 4])
        assertTensor(u.squeezingShape(), shape: [3, 4], m.scalars)
        XCTAssertEqual(Tensor([5]).squeezingShape().shape, [])
    }

    func testConcatenate() {
        let a = Tensor([[1, 2], [3, 4]]), b = Tensor([[5, 6]]), c = Tensor([[7], [8]])
        assertTensor(Tensor.concatenate([a, b], alongAxis: 0), shape: [3, 2], [1, 2, 3, 4, 5, 6])
        assertTensor(Tensor.concatenate([a, c], alongAxis: 1), shape: [2, 3], [1, 2, 7, 3, 4, 8])
        assertTensor(Tensor.concatenate([a, c, a], alongAxis: -1), shape: [2, 5], [1, 2, 7, 1, 2, 3, 4, 8, 3, 4])
        assertTensor(Tensor.concatenate([Tensor([1, 2]), Tensor([3])]), shape: [3], [1, 2, 3])
        let middle = Tensor.concatenate([cube, cube.sliced(alongAxis: 1, range: 0..<1)], alongAxis: 1)
        XCTAssertEqual(middle.shape, [2, 4, 4])
        XCTAssertEqual(middle[1, 3, 2], 102)
        XCTAssertEqual(middle[1, 2, 2], 122)
    }

    func testStack() {
        let a = Tensor([1, 2, 3]), b = Tensor([4, 5, 6])
        assertTensor(Tensor.stack([a, b]), shape: [2, 3], [1, 2, 3, 4, 5, 6])
        assertTensor(Tensor.stack([a, b], alongAxis: 1), shape: [3, 2], [1, 4, 2, 5, 3, 6])
        assertTensor(Tensor.stack([a, b], alongAxis: -1), shape: [3, 2], [1, 4, 2, 5, 3, 6])
        assertTensor(Tensor.stack([Tensor(1), Tensor(2)]), shape: [2], [1, 2])
        let m = Tensor([[1, 2], [3, 4]])
        assertTensor(Tensor.stack([m, m * 10], alongAxis: 1), shape: [2, 2, 2], [1, 2, 10, 20, 3, 4, 30, 40])
    }

    func testSliced() {
        let m = Tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
        assertTensor(m.sliced(alongAxis: 0, range: 1..<3), shape: [2, 3], [4, 5, 6, 7, 8, 9])
        assertTensor(m.sliced(alongAxis: 1, range: 0..<2), shape: [3, 2], [1, 2, 4, 5, 7, 8])
        assertTensor(m.sliced(alongAxis: -1, range: 2..<3), shape: [3, 1], [3, 6, 9])
        assertTensor(m.sliced(alongAxis: 0, range: 1..<1), shape: [0, 3], [])
        assertTensor(m[0..<1], shape: [1, 3], [1, 2, 3])
        let s = cube.sliced(alongAxis: 1, range: 1..<3)
        XCTAssertEqual(s.shape, [2, 2, 4])
        XCTAssertEqual(s[1, 0, 3], 113)
        XCTAssertEqual(s[0, 1, 0], 20)
    }

    func testBroadcasted() {
        assertTensor(Tensor([1, 2]).broadcasted(to: [3, 2]), shape: [3, 2], [1, 2, 1, 2, 1, 2])
        assertTensor(Tensor([[1], [2]]).broadcasted(to: [2, 3]), shape: [2, 3], [1, 1, 1, 2, 2, 2])
        assertTensor(Tensor(7).broadcasted(to: [2, 2]), shape: [2, 2], [7, 7, 7, 7])
        assertTensor(Tensor([[1], [2]]).broadcasted(to: [2, 2, 3]), shape: [2, 2, 3], [1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2])
        assertTensor(Tensor([1, 2]).broadcasted(to: [2]), shape: [2], [1, 2])
    }

    func testShapeGradients() {
        var inputs = Inputs(seed: 51)
        let x = inputs.uniform([2, 3, 4])
        checkGradients([x], "transposed") { $0[0].transposed() }
        checkGradients([inputs.uniform([3, 5])], "transposed matrix") { $0[0].transposed() }
        for order in [[2, 0, 1], [1, 0, 2], [0, 2, 1], [2, 1, 0], [0, 1, 2]] {
            checkGradients([x], "permuted \(order)") { $0[0].permuted(order) }
        }
        checkGradients([x], "flattened") { $0[0].flattened() }
        checkGradients([x], "flattened from 0") { $0[0].flattened(startAxis: 0) }
        checkGradients([x], "expandingShape") { $0[0].expandingShape(at: 1) }
        let u = inputs.uniform([1, 3, 1, 2])
        checkGradients([u], "squeezingShape") { $0[0].squeezingShape() }
        checkGradients([u], "squeezingShape at") { $0[0].squeezingShape(at: 2) }
        for axis in [0, 1, 2, -1] {
            checkGradients([x], "sliced axis \(axis)") { $0[0].sliced(alongAxis: axis, range: 1..<2) }
        }
        checkGradients([x], "subscript range") { $0[0][1..<2] }
        for target in [[2, 3, 4], [5, 2, 3, 4]] {
            checkGradients([x], "broadcasted to \(target)") { $0[0].broadcasted(to: target) }
        }
        checkGradients([inputs.uniform([3, 1])], "broadcasted stretch") { $0[0].broadcasted(to: [2, 3, 4]) }
        checkGradients([inputs.uniform([])], "broadcasted scalar") { $0[0].broadcasted(to: [2, 2]) }
    }

    func testJoinGradients() {
        var inputs = Inputs(seed: 52)
        let a = inputs.uniform([2, 3, 4]), b = inputs.uniform([2, 1, 4]), c = inputs.uniform([2, 2, 4])
        checkGradients([a, b, c], "concatenate axis 1") { Tensor.concatenate($0, alongAxis: 1) }
        checkGradients([a, a], "concatenate axis 0") { Tensor.concatenate($0, alongAxis: 0) }
        let d = inputs.uniform([2, 3, 2])
        checkGradients([a, d], "concatenate last axis") { Tensor.concatenate($0, alongAxis: -1) }
        checkGradients([a], "concatenate with a constant") { Tensor.concatenate([$0[0], a * 2], alongAxis: 0) }
        checkGradients([a], "concatenate the same tensor twice") { Tensor.concatenate([$0[0], $0[0].squared()], alongAxis: 2) }
        for axis in [0, 1, 3, -1] {
            checkGradients([a, a * 0.5, inputs.uniform([2, 3, 4])], "stack axis \(axis)") { Tensor.stack($0, alongAxis: axis) }
        }
    }
}
