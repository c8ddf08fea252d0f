#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Elementwise mathematical functions, each beside its gradient. Gradients reuse the saved
// output where that is cheaper than recomputing from the input.

extension Tensor {
    /// eˣ; dy/dx = y.
    public func exp() -> Tensor {
        let out = mapped { expf($0) }
        guard let tape = GradientTape.recording(self) else { return out }
        let y = out
        return tape.recordUnary(out, self) { g in g.zipped(with: y) { gi, yi in gi * yi } }
    }

    /// Natural logarithm; dy/dx = 1 / x.
    public func log() -> Tensor {
        let out = mapped { logf($0) }
        guard let tape = GradientTape.recording(self) else { return out }
        let x = detached
        return tape.recordUnary(out, self) { g in g.zipped(with: x) { gi, xi in gi / xi } }
    }

    /// Square root; dy/dx = 1 / (2y), infinite at 0.
    public func sqrt() -> Tensor {
        let out = mapped { sqrtf($0) }
        guard let tape = GradientTape.recording(self) else { return out }
        let y = out
        return tape.recordUnary(out, self) { g in g.zipped(with: y) { gi, yi in gi * 0.5 / yi } }
    }

    /// |x|. The gradient is sign(x), with the subgradient 0 chosen at 0 so that a value
    /// sitting exactly on the kink (a zero error in an L1 loss) is left alone.
    public func abs() -> Tensor {
        let out = mapped { Swift.abs($0) }
        guard let tape = GradientTape.recording(self) else { return out }
        let x = detached
        return tape.recordUnary(out, self) { g in
            g.zipped(with: x) { gi, xi in xi > 0 ? gi : (xi < 0 ? -gi : 0) }
        }
    }

    /// x²; dy/dx = 2x.
    public func squared() -> Tensor {
        let out = mapped { $0 * $0 }
        guard let tape = GradientTape.recording(self) else { return out }
        let x = detached
        return tape.recordUnary(out, self) { g in g.zipped(with: x) { gi, xi in 2 * gi * xi } }
    }

    /// xᵖ for a constant exponent; dy/dx = p·xᵖ⁻¹ (0 when p is 0, so x = 0 gives no NaN).
    /// Negative bases give NaN unless `exponent` is an integer, as with `powf`.
    public func pow(_ exponent: Float) -> Tensor {
        let out: Tensor
        switch exponent {
        case 1: out = copy()
        case 2: out = mapped { $0 * $0 }
        case 0.5: out = mapped { sqrtf($0) }
        case -1: out = mapped { 1 / $0 }
        default: out = mapped { powf($0, exponent) }
        }
        guard let tape = GradientTape.recording(self) else { return out }
        let x = detached
        return tape.recordUnary(out, self) { g in
            switch exponent {
            case 0: return Tensor.zeros(g.shape)
            case 1: return g
            case 2: return g.zipped(with: x) { gi, xi in 2 * gi * xi }
            default:
                let p1 = exponent - 1
                return g.zipped(with: x) { gi, xi in gi * exponent * powf(xi, p1) }
            }
        }
    }
}

/// `base` raised to `exponent` elementwise, with broadcasting.
///
/// d/dbase = exponent·base^(exponent−1) (0 where the exponent is 0) and
/// d/dexponent = base^exponent·ln(base) (0 where the base is 0, the limit from the right;
/// NaN for negative bases, where the real power is not differentiable in the exponent).
public func pow(_ base: Tensor, _ exponent: Tensor) -> Tensor {
    let out = Tensor.broadcasting(base, exponent) { powf($0, $1) }
    guard let tape = GradientTape.recording(base, exponent) else { return out }
    let bd = base.detached, ed = exponent.detached, y = out
    return tape.recordBinary(out, base, exponent) { g, needBase, needExponent in
        var gBase: Tensor?, gExponent: Tensor?
        if needBase {
            let local = Tensor.broadcasting(bd, ed) { b, e in e == 0 ? 0 : e * powf(b, e - 1) }
            gBase = Tensor.broadcasting(g, local, *).unbroadcast(to: bd.shape)
        }
        if needExponent {
            let logBase = bd.mapped { $0 == 0 ? 0 : logf($0) }
            let local = Tensor.broadcasting(y, logBase, *)
            gExponent = Tensor.broadcasting(g, local, *).unbroadcast(to: ed.shape)
        }
        return (gBase, gExponent)
    }
}

/// `base` raised to a tensor of exponents elementwise.
public func pow(_ base: Float, _ exponent: Tensor) -> Tensor { pow(Tensor(base), exponent) }

/// Each value of `base` raised to a constant exponent (see ``Tensor/pow(_:)``).
public func pow(_ base: Tensor, _ exponent: Float) -> Tensor { base.pow(exponent) }
