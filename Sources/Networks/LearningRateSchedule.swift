#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value that changes with the step count: the learning rate of an ``Optimizer``, or any
/// other annealed hyperparameter such as an ε-greedy exploration rate (TF-Agents' DQN
/// anneals ε with a `PolynomialDecay`).
///
/// Step `t` counts the updates applied before the one that uses the value, so the first
/// update uses `value(at: 0)`, as in Keras (`optimizer.iterations`) and PyTorch schedulers.
/// A number converts to a constant schedule, so optimizers accept `learningRate: 3e-4` and
/// `learningRate: .linear(from: 3e-4, to: 0, steps: 10_000)` alike. Schedules are Codable,
/// so they can sit in a run configuration.
public enum LearningRateSchedule: Codable, Sendable, Equatable, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral {
    /// The same value at every step.
    case constant(Float)
    /// Moves linearly from `from` at step 0 to `to` at step `steps`, then stays at `to`.
    case linear(from: Float, to: Float, steps: Int)
    /// Keras' `PolynomialDecay` (without cycling):
    /// `(initial − end) · (1 − min(t, decaySteps) / decaySteps)^power + end`.
    case polynomialDecay(initial: Float, decaySteps: Int, end: Float, power: Float)
    /// Power scheduling from *Hands-On Machine Learning* (ch. 11): `initial / (1 + t/steps)^power`.
    /// With power 1 this is Keras' `InverseTimeDecay` and the legacy `decay=` optimizer
    /// argument (see ``inverseTimeDecay(initial:decay:)``).
    case power(initial: Float, steps: Float, power: Float)
    /// Keras' `ExponentialDecay`: `initial · rate^(t / decaySteps)`, with the exponent rounded
    /// down when `staircase` is true. *Hands-On Machine Learning*'s exponential scheduling
    /// `η0 · 0.1^(t/s)` is `rate = 0.1`.
    case exponential(initial: Float, decaySteps: Int, rate: Float, staircase: Bool)
    /// Keras' `PiecewiseConstantDecay`: `values[0]` while `t ≤ boundaries[0]`, `values[i]` while
    /// `boundaries[i−1] < t ≤ boundaries[i]`, and `values.last` after the last boundary.
    /// `values` has one more element than `boundaries`, which increase.
    case piecewiseConstant(boundaries: [Int], values: [Float])

    public init(floatLiteral value: Float) { self = .constant(value) }
    public init(integerLiteral value: Int) { self = .constant(Float(value)) }

    /// Stable-Baselines3's `get_linear_fn(start, end, end_fraction)` for a run of
    /// `totalSteps` steps: linear from `start` to `end` over the first `endFraction` of the
    /// run, then `end` (SB3 drives it with the progress remaining, `1 − t / totalSteps`).
    /// The number of annealing steps is rounded to a whole step.
    public static func linear(start: Float, end: Float, endFraction: Double, totalSteps: Int) -> LearningRateSchedule {
        precondition(endFraction > 0 && totalSteps > 0, "LearningRateSchedule.linear: endFraction and totalSteps must be positive")
        return .linear(from: start, to: end, steps: max(1, Int((endFraction * Double(totalSteps)).rounded())))
    }

    /// The legacy Keras `decay` argument, `lr = initial / (1 + decay · t)`: power
    /// scheduling with `steps = 1 / decay` and power 1.
    public static func inverseTimeDecay(initial: Float, decay: Float) -> LearningRateSchedule {
        precondition(decay > 0, "LearningRateSchedule.inverseTimeDecay: decay must be positive, got \(decay)")
        return .power(initial: initial, steps: 1 / decay, power: 1)
    }

    /// The value for the update that follows `step` earlier updates.
    public func value(at step: Int) -> Float {
        precondition(step >= 0, "LearningRateSchedule.value: negative step \(step)")
        let t = Double(step)
        switch self {
        case let .constant(value):
            return value
        case let .linear(from, to, steps):
            guard steps > 0, step < steps else { return to }
            return Float(Double(from) + (Double(to) - Double(from)) * t / Double(steps))
        case let .polynomialDecay(initial, decaySteps, end, power):
            guard decaySteps > 0 else { return end }
            let fraction = min(t, Double(decaySteps)) / Double(decaySteps)
            return Float((Double(initial) - Double(end)) * pow(1 - fraction, Double(power)) + Double(end))
        case let .power(initial, steps, power):
            precondition(steps > 0, "LearningRateSchedule.power: steps must be positive, got \(steps)")
            return Float(Double(initial) / pow(1 + t / Double(steps), Double(power)))
        case let .exponential(initial, decaySteps, rate, staircase):
            precondition(decaySteps > 0, "LearningRateSchedule.exponential: decaySteps must be positive, got \(decaySteps)")
            var exponent = t / Double(decaySteps)
            if staircase { exponent.round(.down) }
            return Float(Double(initial) * pow(Double(rate), exponent))
        case let .piecewiseConstant(boundaries, values):
            precondition(values.count == boundaries.count + 1,
                         "LearningRateSchedule.piecewiseConstant: \(values.count) values for \(boundaries.count) boundaries; need one more value")
            let index = boundaries.firstIndex { step <= $0 } ?? boundaries.count
            return values[index]
        }
    }
}

extension LearningRateSchedule {
    /// The other cases as Swift's synthesized coding writes them (`{"linear": {"from": …}}`).
    private enum Coded: Codable {
        case constant(Float)
        case linear(from: Float, to: Float, steps: Int)
        case polynomialDecay(initial: Float, decaySteps: Int, end: Float, power: Float)
        case power(initial: Float, steps: Float, power: Float)
        case exponential(initial: Float, decaySteps: Int, rate: Float, staircase: Bool)
        case piecewiseConstant(boundaries: [Int], values: [Float])
    }

    /// A plain number is a constant schedule (`--set agent.clipRange=0.1`, `learningRate: 3e-4`
    /// in YAML); other schedules are one-key objects such as `{"linear": {"from": 1, "to": 0.05,
    /// "steps": 10000}}`.
    public init(from decoder: any Decoder) throws {
        if let value = try? decoder.singleValueContainer().decode(Float.self) {
            self = .constant(value)
            return
        }
        switch try Coded(from: decoder) {
        case let .constant(value): self = .constant(value)
        case let .linear(from, to, steps): self = .linear(from: from, to: to, steps: steps)
        case let .polynomialDecay(initial, decaySteps, end, power):
            self = .polynomialDecay(initial: initial, decaySteps: decaySteps, end: end, power: power)
        case let .power(initial, steps, power): self = .power(initial: initial, steps: steps, power: power)
        case let .exponential(initial, decaySteps, rate, staircase):
            self = .exponential(initial: initial, decaySteps: decaySteps, rate: rate, staircase: staircase)
        case let .piecewiseConstant(boundaries, values): self = .piecewiseConstant(boundaries: boundaries, values: values)
        }
    }

    /// A constant is written as its number; the other schedules as one-key objects.
    public func encode(to encoder: any Encoder) throws {
        let coded: Coded
        switch self {
        case let .constant(value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
            return
        case let .linear(from, to, steps): coded = .linear(from: from, to: to, steps: steps)
        case let .polynomialDecay(initial, decaySteps, end, power):
            coded = .polynomialDecay(initial: initial, decaySteps: decaySteps, end: end, power: power)
        case let .power(initial, steps, power): coded = .power(initial: initial, steps: steps, power: power)
        case let .exponential(initial, decaySteps, rate, staircase):
            coded = .exponential(initial: initial, decaySteps: decaySteps, rate: rate, staircase: staircase)
        case let .piecewiseConstant(boundaries, values): coded = .piecewiseConstant(boundaries: boundaries, values: values)
        }
        try coded.encode(to: encoder)
    }
}
