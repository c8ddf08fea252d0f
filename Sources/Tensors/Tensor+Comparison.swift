// Comparisons, elementwise extrema, clamping and selection. Masks are Float tensors of 0 and
// 1 so they multiply straight into losses (TD-error masks, PPO's clip fraction).

extension Tensor {
    /// 1 where `self > other` (with broadcasting), else 0. Not differentiable.
    public func greater(than other: Tensor) -> Tensor { Tensor.broadcasting(self, other) { $0 > $1 ? 1 : 0 } }
    /// 1 where `self >= other` (with broadcasting), else 0. Not differentiable.
    public func greaterOrEqual(to other: Tensor) -> Tensor { Tensor.broadcasting(self, other) { $0 >= $1 ? 1 : 0 } }
    /// 1 where `self < other` (with broadcasting), else 0. Not differentiable.
    public func less(than other: Tensor) -> Tensor { Tensor.broadcasting(self, other) { $0 < $1 ? 1 : 0 } }
    /// 1 where `self <= other` (with broadcasting), else 0. Not differentiable.
    public func lessOrEqual(to other: Tensor) -> Tensor { Tensor.broadcasting(self, other) { $0 <= $1 ? 1 : 0 } }
    /// 1 where `self == other` exactly (with broadcasting), else 0. Not differentiable.
    public func equal(to other: Tensor) -> Tensor { Tensor.broadcasting(self, other) { $0 == $1 ? 1 : 0 } }
    /// 1 where `self != other` (with broadcasting), else 0. Not differentiable.
    public func notEqual(to other: Tensor) -> Tensor { Tensor.broadcasting(self, other) { $0 != $1 ? 1 : 0 } }

    /// 1 where the value is greater than `value`, else 0. Not differentiable.
    public func greater(than value: Float) -> Tensor { mapped { $0 > value ? 1 : 0 } }
    /// 1 where the value is at least `value`, else 0. Not differentiable.
    public func greaterOrEqual(to value: Float) -> Tensor { mapped { $0 >= value ? 1 : 0 } }
    /// 1 where the value is less than `value`, else 0. Not differentiable.
    public func less(than value: Float) -> Tensor { mapped { $0 < value ? 1 : 0 } }
    /// 1 where the value is at most `value`, else 0. Not differentiable.
    public func lessOrEqual(to value: Float) -> Tensor { mapped { $0 <= value ? 1 : 0 } }
    /// 1 where the value equals `value` exactly, else 0. Not differentiable.
    public func equal(to value: Float) -> Tensor { mapped { $0 == value ? 1 : 0 } }
    /// 1 where the value differs from `value`, else 0. Not differentiable.
    public func notEqual(to value: Float) -> Tensor { mapped { $0 != value ? 1 : 0 } }

    /// Each value limited to `[min, max]`. The gradient passes where `min <= x <= max`
    /// (boundaries included, as in PyTorch) and is 0 outside, which is what PPO's clipped
    /// ratio relies on.
    public func clamped(min lower: Float, max upper: Float) -> Tensor {
        precondition(lower <= upper, "clamped: min \(lower) is greater than max \(upper)")
        let out = mapped { Swift.min(Swift.max($0, lower), upper) }
        guard let tape = GradientTape.recording(self) else { return out }
        let x = detached
        return tape.recordUnary(out, self) { g in
            g.zipped(with: x) { gi, xi in xi >= lower && xi <= upper ? gi : 0 }
        }
    }

    /// Picks `x` where `condition` is nonzero and `y` elsewhere, all three broadcasting to one
    /// shape. Gradients flow to `x` through the selected positions and to `y` through the
    /// others; `condition` is a constant.
    public static func `where`(_ condition: Tensor, _ x: Tensor, _ y: Tensor) -> Tensor {
        let out = select(condition, x, y)
        guard let tape = GradientTape.recording(x, y) else { return out }
        let c = condition.detached, sx = x.shape, sy = y.shape
        return tape.recordBinary(out, x, y) { g, needX, needY in
            let zero = Tensor(0)
            return (needX ? select(c, g, zero).unbroadcast(to: sx) : nil,
                    needY ? select(c, zero, g).unbroadcast(to: sy) : nil)
        }
    }

    /// The value of ``where(_:_:_:)`` without recording.
    static func select(_ condition: Tensor, _ x: Tensor, _ y: Tensor) -> Tensor {
        let pc = condition.storage.pointer, px = x.storage.pointer, py = y.storage.pointer
        if condition.shape == x.shape && x.shape == y.shape {
            let out = Tensor(uninitializedShape: x.shape)
            let po = out.storage.pointer
            CPU.parallelFor(out.count) { r in for i in r { po[i] = pc[i] != 0 ? px[i] : py[i] } }
            return out
        }
        let shape = broadcastShape(broadcastShape(condition.shape, x.shape), y.shape)
        let out = Tensor(uninitializedShape: shape)
        let po = out.storage.pointer
        let sc = broadcastStrides(condition.shape, to: shape)
        let sx = broadcastStrides(x.shape, to: shape), sy = broadcastStrides(y.shape, to: shape)
        let ic = sc.last ?? 0, ix = sx.last ?? 0, iy = sy.last ?? 0
        walk(shape: shape) { outer, inner, offsetOf in
            let oc = offsetOf(sc), ox = offsetOf(sx), oy = offsetOf(sy)
            for j in 0..<inner {
                po[outer &+ j] = pc[oc &+ j &* ic] != 0 ? px[ox &+ j &* ix] : py[oy &+ j &* iy]
            }
        }
        return out
    }
}

/// The larger of `a` and `b` elementwise, with broadcasting. Where they are equal the
/// gradient is split evenly between them, the symmetric subgradient.
public func maximum(_ a: Tensor, _ b: Tensor) -> Tensor {
    let out = Tensor.broadcasting(a, b) { Swift.max($0, $1) }
    guard let tape = GradientTape.recording(a, b) else { return out }
    let ad = a.detached, bd = b.detached
    return tape.recordBinary(out, a, b) { g, needA, needB in
        (needA ? Tensor.extremumShare(g, ad, bd, prefersFirstWhen: >).unbroadcast(to: ad.shape) : nil,
         needB ? Tensor.extremumShare(g, bd, ad, prefersFirstWhen: >).unbroadcast(to: bd.shape) : nil)
    }
}

/// The smaller of `a` and `b` elementwise, with broadcasting. Where they are equal the
/// gradient is split evenly between them.
public func minimum(_ a: Tensor, _ b: Tensor) -> Tensor {
    let out = Tensor.broadcasting(a, b) { Swift.min($0, $1) }
    guard let tape = GradientTape.recording(a, b) else { return out }
    let ad = a.detached, bd = b.detached
    return tape.recordBinary(out, a, b) { g, needA, needB in
        (needA ? Tensor.extremumShare(g, ad, bd, prefersFirstWhen: <).unbroadcast(to: ad.shape) : nil,
         needB ? Tensor.extremumShare(g, bd, ad, prefersFirstWhen: <).unbroadcast(to: bd.shape) : nil)
    }
}

/// The larger of each value and a constant.
public func maximum(_ a: Tensor, _ b: Float) -> Tensor { maximum(a, Tensor(b)) }
/// The larger of a constant and each value.
public func maximum(_ a: Float, _ b: Tensor) -> Tensor { maximum(Tensor(a), b) }
/// The smaller of each value and a constant.
public func minimum(_ a: Tensor, _ b: Float) -> Tensor { minimum(a, Tensor(b)) }
/// The smaller of a constant and each value.
public func minimum(_ a: Float, _ b: Tensor) -> Tensor { minimum(Tensor(a), b) }

extension Tensor {
    /// The part of `g` (already of the broadcast shape) owed to `mine` in an elementwise
    /// extremum of `mine` and `theirs`: all of it where `mine` wins, half on ties.
    @inline(__always)
    static func extremumShare(_ g: Tensor, _ mine: Tensor, _ theirs: Tensor,
                              prefersFirstWhen wins: (Float, Float) -> Bool) -> Tensor {
        let share = broadcasting(mine, theirs) { m, t in wins(m, t) ? 1 : (m == t ? 0.5 : 0) }
        return broadcasting(g, share, *)
    }
}
