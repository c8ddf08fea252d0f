/// NumPy broadcasting: shapes are aligned at their last axis and an axis of extent 1
/// stretches to match the other.
extension Tensor {
    /// The shape two shapes broadcast to. Traps with both shapes named when they do not broadcast.
    public static func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int] {
        if a == b { return a }
        let rank = Swift.max(a.count, b.count)
        var out = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            precondition(da == db || da == 1 || db == 1, "Shapes \(a) and \(b) do not broadcast (axis \(i): \(da) vs \(db))")
            out[i] = da == 1 ? db : da
        }
        return out
    }

    /// True when `small` (ignoring leading 1s) equals the trailing axes of `large`, so that
    /// `small` repeats once per leading row of `large`: the bias-add pattern.
    @inlinable
    static func isTrailingSuffix(_ small: [Int], of large: [Int]) -> Bool {
        var s = small[...]
        while let first = s.first, first == 1, s.count > 0 { s = s.dropFirst() }
        guard s.count <= large.count else { return false }
        return large.suffix(s.count).elementsEqual(s)
    }

    /// Applies `op` elementwise with broadcasting. Same-shape, scalar and row-repeat cases
    /// run as flat loops; anything else walks the broadcast index space.
    @inline(__always)
    static func broadcasting(_ a: Tensor, _ b: Tensor, _ op: (Float, Float) -> Float) -> Tensor {
        if a.shape == b.shape {
            var out = Tensor(uninitializedShape: a.shape)
            let pa = a.storage.pointer, pb = b.storage.pointer, po = out.storage.pointer
            let n = a.count
            CPU.parallelFor(n) { r in for i in r { po[i] = op(pa[i], pb[i]) } }
            out.tapeSlot = -1
            return out
        }
        let shape = broadcastShape(a.shape, b.shape)
        let out = Tensor(uninitializedShape: shape)
        let pa = a.storage.pointer, pb = b.storage.pointer, po = out.storage.pointer
        let n = out.count
        if b.count == 1 && a.count == n {
            let s = pb[0]
            CPU.parallelFor(n) { r in for i in r { po[i] = op(pa[i], s) } }
        } else if a.count == 1 && b.count == n {
            let s = pa[0]
            CPU.parallelFor(n) { r in for i in r { po[i] = op(s, pb[i]) } }
        } else if a.count == n && isTrailingSuffix(b.shape, of: a.shape) {
            let cols = b.count, rows = n / Swift.max(cols, 1)
            CPU.parallelFor(rows, costPerItem: cols) { rr in
                for row in rr {
                    let base = row &* cols
                    for j in 0..<cols { po[base &+ j] = op(pa[base &+ j], pb[j]) }
                }
            }
        } else if b.count == n && isTrailingSuffix(a.shape, of: b.shape) {
            let cols = a.count, rows = n / Swift.max(cols, 1)
            CPU.parallelFor(rows, costPerItem: cols) { rr in
                for row in rr {
                    let base = row &* cols
                    for j in 0..<cols { po[base &+ j] = op(pa[j], pb[base &+ j]) }
                }
            }
        } else {
            let sa = broadcastStrides(a.shape, to: shape), sb = broadcastStrides(b.shape, to: shape)
            walk(shape: shape) { outer, inner, offsetOf in
                let oa = offsetOf(sa), ob = offsetOf(sb)
                let ia = sa.last ?? 0, ib = sb.last ?? 0
                for j in 0..<inner { po[outer &+ j] = op(pa[oa &+ j &* ia], pb[ob &+ j &* ib]) }
            }
        }
        return out
    }

    /// The four arithmetic operations, run by vectorised C kernels.
    @usableFromInline
    enum ArithmeticKernel: Int32 {
        case add = 0, subtract, multiply, divide

        var function: (Float, Float) -> Float {
            switch self {
            case .add: return (+)
            case .subtract: return (-)
            case .multiply: return (*)
            case .divide: return (/)
            }
        }
    }

    /// Arithmetic with broadcasting through the C kernels, split across threads when large.
    /// Layouts other than same-shape, scalar and row-repeat use the generic strided walk.
    static func broadcasting(_ a: Tensor, _ b: Tensor, kernel: ArithmeticKernel) -> Tensor {
        let shape = a.shape == b.shape ? a.shape : broadcastShape(a.shape, b.shape)
        let n = Tensor.count(of: shape)
        let op = kernel.rawValue
        let pa = a.storage.pointer, pb = b.storage.pointer
        if a.count == n && (b.count == n || b.count == 1) || (a.count == 1 && b.count == n) {
            let out = Tensor(uninitializedShape: shape)
            let po = out.storage.pointer
            let aStep = a.count == n ? 1 : 0, bStep = b.count == n ? 1 : 0
            CPU.parallelFor(n, costPerItem: 1) { r in
                srl_binary(op, pa + r.lowerBound * aStep, aStep, pb + r.lowerBound * bStep, bStep, po + r.lowerBound, r.count)
            }
            return out
        }
        // One operand is full size and the other repeats once per row (the bias pattern).
        let aRepeats = b.count == n && isTrailingSuffix(a.shape, of: b.shape)
        if aRepeats || (a.count == n && isTrailingSuffix(b.shape, of: a.shape)) {
            let out = Tensor(uninitializedShape: shape)
            let po = out.storage.pointer
            let cols = aRepeats ? a.count : b.count, rows = n / Swift.max(cols, 1)
            let aRowStep = aRepeats ? 0 : cols, bRowStep = aRepeats ? cols : 0
            CPU.parallelFor(rows, costPerItem: cols) { rr in
                for row in rr { srl_binary(op, pa + row * aRowStep, 1, pb + row * bRowStep, 1, po + row * cols, cols) }
            }
            return out
        }
        return broadcasting(a, b, kernel.function)
    }

    /// Strides for reading a tensor of `shape` as if it had `target` shape (0 on stretched axes).
    static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let pad = target.count - shape.count
        var strides = [Int](repeating: 0, count: target.count)
        var step = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[i + pad] = shape[i] == 1 ? 0 : step
            step *= shape[i]
        }
        return strides
    }

    /// Visits every row (all axes but the last) of `shape` in order. The closure receives
    /// the flat offset of the row, the row length and a function mapping strides to the
    /// offset of the same row in a strided operand.
    static func walk(shape: [Int], _ body: (Int, Int, ([Int]) -> Int) -> Void) {
        guard let inner = shape.last else {
            body(0, 1) { _ in 0 }
            return
        }
        let rows = inner == 0 ? 0 : Tensor.count(of: shape) / inner
        var index = [Int](repeating: 0, count: shape.count)
        for row in 0..<rows {
            body(row * inner, inner) { strides in
                var offset = 0
                for d in 0..<(shape.count - 1) { offset += index[d] * strides[d] }
                return offset
            }
            advance(&index, within: shape, axes: shape.count - 1)
        }
    }

    /// Steps a multi-index to the next position in row-major order over the first `axes`
    /// axes of `shape` (an odometer: the last of those axes turns fastest).
    @inline(__always)
    static func advance(_ index: inout [Int], within shape: [Int], axes: Int) {
        var d = axes - 1
        while d >= 0 {
            index[d] += 1
            if index[d] < shape[d] { return }
            index[d] = 0
            d -= 1
        }
    }

    /// Sums the rows of this tensor viewed as [count / columns, columns]: the bias gradient.
    func columnSums(columns: Int) -> Tensor {
        let out = Tensor(uninitializedShape: [columns])
        srl_column_sums(storage.pointer, out.storage.pointer, count / Swift.max(columns, 1), columns, 0)
        return out
    }

    /// Sums this gradient down to `target`, undoing a broadcast: axes that were added or
    /// stretched are summed away.
    public func unbroadcast(to target: [Int]) -> Tensor {
        if shape == target { return self }
        if Tensor.count(of: target) == 1 {
            return Tensor(shape: target, scalars: [sumOfAll()])
        }
        if Tensor.isTrailingSuffix(target, of: shape) {
            return columnSums(columns: Tensor.count(of: target)).withShape(target)
        }
        let pad = shape.count - target.count
        precondition(pad >= 0, "unbroadcast: gradient shape \(shape) has fewer axes than target \(target)")
        var axes: [Int] = Array(0..<pad)
        for i in 0..<target.count where target[i] == 1 && shape[i + pad] != 1 { axes.append(i + pad) }
        return reduced(alongAxes: axes, keepDims: true, initial: 0, +).withShape(target)
    }
}

import CKernels
