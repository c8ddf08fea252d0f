extension LearningRateSchedule {
    /// Why this schedule cannot be evaluated, or nil when it can. ``value(at:)`` stops the
    /// program on these cases, so a configuration read from a file checks here first and
    /// reports the problem instead.
    public var validationError: String? {
        switch self {
        case let .constant(value):
            return value.isFinite ? nil : "the constant \(value) is not a finite number"
        case let .linear(from, to, steps):
            if !from.isFinite || !to.isFinite { return "linear from \(from) to \(to) needs finite ends" }
            return steps >= 0 ? nil : "linear needs steps of 0 or more, got \(steps)"
        case let .polynomialDecay(initial, decaySteps, end, power):
            if ![initial, end, power].allSatisfy(\.isFinite) { return "polynomialDecay needs finite initial, end and power" }
            return decaySteps >= 0 ? nil : "polynomialDecay needs decaySteps of 0 or more, got \(decaySteps)"
        case let .power(initial, steps, power):
            if !initial.isFinite || !power.isFinite { return "power needs finite initial and power" }
            return steps > 0 && steps.isFinite ? nil : "power needs positive steps, got \(steps)"
        case let .exponential(initial, decaySteps, rate, _):
            if !initial.isFinite || !rate.isFinite { return "exponential needs finite initial and rate" }
            return decaySteps > 0 ? nil : "exponential needs positive decaySteps, got \(decaySteps)"
        case let .piecewiseConstant(boundaries, values):
            if values.count != boundaries.count + 1 {
                return "piecewiseConstant needs one more value than boundaries, got \(values.count) values for \(boundaries.count) boundaries"
            }
            if !values.allSatisfy(\.isFinite) { return "piecewiseConstant needs finite values" }
            return zip(boundaries, boundaries.dropFirst()).allSatisfy { $0 < $1 } ? nil
                : "piecewiseConstant needs increasing boundaries, got \(boundaries)"
        }
    }
}
