import XCTest
import Tensors

/// Index tensors, gathering by index (both forms) and one-hot encoding.
final class IndexingTests: XCTestCase {
    func testIndexTensorBasics() {
        let a = IndexTensor([2, 0, 1])
        XCTAssertEqual(a.shape, [3])
        XCTAssertEqual(a.scalars, [2, 0, 1] as [Int32])
        XCTAssertEqual(a, IndexTensor([2, 0, 1] as [Int32]))
        XCTAssertNotEqual(a, IndexTensor([2, 0, 2]))
        var b = IndexTensor(shape: [2, 2], scalars: [1, 2, 3, 4] as [Int])
        XCTAssertEqual(b.rank, 2)
        XCTAssertEqual(b.count, 4)
        XCTAssertEqual(b[1, 0], 3)
        b[1, 0] = 7
        XCTAssertEqual(b.scalars, [1, 2, 7, 4])
        XCTAssertEqual(b.reshaped([4]), IndexTensor([1, 2, 7, 4]))
        XCTAssertNotEqual(b, b.reshaped([4]), "shape is part of equality")
        assertTensor(Tensor(b), shape: [2, 2], [1, 2, 7, 4])
    }

    func testGatheringOnePerRow() {
        let q = Tensor([[1, 2, 3], [4, 5, 6]])
        assertTensor(q.gathering(IndexTensor([2, 0]), alongAxis: 1), shape: [2], [3, 4])
        assertTensor(q.gathering(IndexTensor([2, 0]), alongAxis: -1), shape: [2], [3, 4])
        assertTensor(q.gathering(IndexTensor([1, 0, 1]), alongAxis: 0), shape: [3], [4, 2, 6])
        // Middle axis of [2, 3, 2]: out[o, i] = x[o, idx[o, i], i].
        let cube = Tensor(shape: [2, 3, 2], scalars: (0..<12).map(Float.init))
        let picks = IndexTensor(shape: [2, 2], scalars: [2, 0, 1, 1] as [Int])
        assertTensor(cube.gathering(picks, alongAxis: 1), shape: [2, 2], [4, 1, 8, 9])
        // A vector gathers to a scalar.
        assertTensor(Tensor([5, 6, 7]).gathering(IndexTensor(shape: [], scalars: [2] as [Int]), alongAxis: 0), shape: [], [7])
    }

    func testGatheringAlongAxisLikeTakeAlongAxis() {
        let q = Tensor([[1, 2, 3], [4, 5, 6]])
        let rows = IndexTensor(shape: [2, 4], scalars: [2, 2, 0, 1, 1, 1, 1, 1] as [Int])
        assertTensor(q.gathering(rows, alongAxis: 1), shape: [2, 4], [3, 3, 1, 2, 5, 5, 5, 5])
        let columns = IndexTensor(shape: [1, 3], scalars: [1, 0, 0] as [Int])
        assertTensor(q.gathering(columns, alongAxis: 0), shape: [1, 3], [4, 2, 3])
        let same = IndexTensor(shape: [2, 1], scalars: [0, 2] as [Int])
        assertTensor(q.gathering(same, alongAxis: 1), shape: [2, 1], [1, 6])
    }

    func testGatheringGradientScattersAndAccumulates() {
        let q = Tensor([[1, 2, 3], [4, 5, 6]])
        let picks = IndexTensor(shape: [2, 3], scalars: [0, 0, 2, 1, 1, 1] as [Int])
        let (_, grads) = valueWithGradient(at: [q]) { xs in
            (xs[0].gathering(picks, alongAxis: 1) * Tensor([[1, 2, 3], [1, 1, 1]])).sum()
        }
        assertTensor(grads[0], shape: [2, 3], [3, 0, 3, 0, 3, 0])
        let (_, single) = valueWithGradient(at: [q]) { xs in xs[0].gathering(IndexTensor([1, 2]), alongAxis: 1).sum() }
        assertTensor(single[0], shape: [2, 3], [0, 1, 0, 0, 0, 1])
    }

    func testGatheringGradients() {
        var inputs = Inputs(seed: 40)
        let q = inputs.uniform([64, 2])
        let actions = inputs.indices([64], below: 2)
        checkGradients([q], "Q(s, a) from [64, 2]") { $0[0].gathering(actions, alongAxis: 1) }
        let x = inputs.uniform([2, 3, 4])
        for axis in 0..<3 {
            var reducedShape = x.shape
            reducedShape.remove(at: axis)
            let one = inputs.indices(reducedShape, below: x.shape[axis])
            checkGradients([x], "gather one per lane, axis \(axis)") { $0[0].gathering(one, alongAxis: axis) }
            var alongShape = x.shape
            alongShape[axis] = 5
            let many = inputs.indices(alongShape, below: x.shape[axis])
            checkGradients([x], "take along axis \(axis)") { $0[0].gathering(many, alongAxis: axis) }
        }
    }

    func testGatheringLargeBatch() {
        var inputs = Inputs(seed: 41)
        let q = inputs.uniform([1000, 18])
        let actions = inputs.indices([1000], below: 18)
        let picked = q.gathering(actions, alongAxis: 1)
        for b in stride(from: 0, to: 1000, by: 37) {
            XCTAssertEqual(picked.scalars[b], q[b, actions[b]])
        }
    }

    func testOneHot() {
        assertTensor(Tensor.oneHot(IndexTensor([2, 0, 1]), depth: 3), shape: [3, 3], [0, 0, 1, 1, 0, 0, 0, 1, 0])
        assertTensor(Tensor.oneHot(IndexTensor([1]), depth: 4), shape: [1, 4], [0, 1, 0, 0])
        let grid = IndexTensor(shape: [2, 2], scalars: [0, 1, 1, 0] as [Int])
        assertTensor(Tensor.oneHot(grid, depth: 2), shape: [2, 2, 2], [1, 0, 0, 1, 0, 1, 1, 0])
        // Σ oneHot ⊙ q picks Q(s, a), as gathering does.
        let q = Tensor([[1, 2, 3], [4, 5, 6]])
        assertTensor((Tensor.oneHot(IndexTensor([2, 1]), depth: 3) * q).sum(alongAxis: 1), shape: [2], [3, 5])
    }
}
