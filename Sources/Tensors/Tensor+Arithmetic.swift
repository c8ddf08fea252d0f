// Elementwise arithmetic with broadcasting, each operation beside its gradient.

extension Tensor {
    /// Plain elementwise sum without recording, used by the tape to accumulate gradients.
    func adding(_ other: Tensor) -> Tensor { Tensor.broadcasting(self, other, kernel: .add) }

    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let out = broadcasting(a, b, kernel: .add)
        guard let tape = GradientTape.recording(a, b) else { return out }
        let sa = a.shape, sb = b.shape
        return tape.recordBinary(out, a, b) { g, needA, needB in
            (needA ? g.unbroadcast(to: sa) : nil, needB ? g.unbroadcast(to: sb) : nil)
        }
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let out = broadcasting(a, b, kernel: .subtract)
        guard let tape = GradientTape.recording(a, b) else { return out }
        let sa = a.shape, sb = b.shape
        return tape.recordBinary(out, a, b) { g, needA, needB in
            (needA ? g.unbroadcast(to: sa) : nil, needB ? (-g).unbroadcast(to: sb) : nil)
        }
    }

    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let out = broadcasting(a, b, kernel: .multiply)
        guard let tape = GradientTape.recording(a, b) else { return out }
        let ad = a.detached, bd = b.detached
        return tape.recordBinary(out, a, b) { g, needA, needB in
            (needA ? (g * bd).unbroadcast(to: ad.shape) : nil, needB ? (g * ad).unbroadcast(to: bd.shape) : nil)
        }
    }

    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let out = broadcasting(a, b, kernel: .divide)
        guard let tape = GradientTape.recording(a, b) else { return out }
        let ad = a.detached, bd = b.detached
        return tape.recordBinary(out, a, b) { g, needA, needB in
            (needA ? (g / bd).unbroadcast(to: ad.shape) : nil,
             needB ? (Tensor.broadcasting(g, Tensor.broadcasting(ad, bd) { x, y in -x / (y * y) }, *)).unbroadcast(to: bd.shape) : nil)
        }
    }

    public static prefix func - (a: Tensor) -> Tensor {
        let out = a.mapped { -$0 }
        guard let tape = GradientTape.recording(a) else { return out }
        return tape.recordUnary(out, a) { g in -g }
    }

    public static func + (a: Tensor, b: Float) -> Tensor { a + Tensor(b) }
    public static func + (a: Float, b: Tensor) -> Tensor { Tensor(a) + b }
    public static func - (a: Tensor, b: Float) -> Tensor { a - Tensor(b) }
    public static func - (a: Float, b: Tensor) -> Tensor { Tensor(a) - b }
    public static func * (a: Tensor, b: Float) -> Tensor { a * Tensor(b) }
    public static func * (a: Float, b: Tensor) -> Tensor { Tensor(a) * b }
    public static func / (a: Tensor, b: Float) -> Tensor { a / Tensor(b) }
    public static func / (a: Float, b: Tensor) -> Tensor { Tensor(a) / b }

    public static func += (a: inout Tensor, b: Tensor) { a = a + b }
    public static func -= (a: inout Tensor, b: Tensor) { a = a - b }
    public static func *= (a: inout Tensor, b: Tensor) { a = a * b }
    public static func /= (a: inout Tensor, b: Tensor) { a = a / b }

    /// Applies `transform` to every value, without recording (building block for unary ops).
    @inline(__always)
    public func mapped(_ transform: (Float) -> Float) -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        let pa = storage.pointer, po = out.storage.pointer
        CPU.parallelFor(count, costPerItem: 4) { r in for i in r { po[i] = transform(pa[i]) } }
        return out
    }

    /// Combines two same-shape tensors value by value, without recording (building block for gradients).
    @inline(__always)
    public func zipped(with other: Tensor, _ combine: (Float, Float) -> Float) -> Tensor {
        precondition(shape == other.shape, "zipped: shapes \(shape) and \(other.shape) differ")
        return Tensor.broadcasting(self, other, combine)
    }
}
