import Randomness

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a classic-control episode stands: what `step` may do next.
enum EpisodePhase {
    /// No `reset` yet: `step` throws ``EnvironmentError/stepBeforeReset(id:)``.
    case needsReset
    case running
    /// The last step terminated: `step` throws ``EnvironmentError/stepAfterDone(id:)``
    /// until `reset` or `setState`. Gymnasium only warns here and returns undefined
    /// rewards; refusing is the safer contract.
    case terminated
}

/// The seed of the first `reset` when none was ever given, so that an unseeded run is still
/// reproducible.
let classicControlDefaultSeed: UInt64 = 0

/// Checks the `render_mode` of a classic-control environment: Gymnasium draws these only as
/// images, so `ansi` is refused.
func validatedImageRenderMode(_ mode: RenderMode?, id: String) throws -> RenderMode? {
    if mode == .ansi {
        throw EnvironmentError.invalidOption(id: id, option: "render_mode", reason:
            "'ansi' is not available for \(id); use 'rgb_array' or leave it unset")
    }
    return mode
}

/// The sampling range of a reset, from reset options `low` and `high` with Gymnasium's
/// defaults (`gymnasium/envs/classic_control/utils.py`, `maybe_parse_reset_bounds`).
///
/// Gymnasium ignores unknown keys; we refuse them, so that a misspelt bound does not
/// silently leave the default in place.
func resetBounds(_ options: [String: Double], id: String, keys: (low: String, high: String) = ("low", "high"),
                 default defaults: (low: Double, high: Double)) throws -> (low: Double, high: Double) {
    for key in options.keys.sorted() where key != keys.low && key != keys.high {
        throw EnvironmentError.invalidOption(id: id, option: key, reason:
            "not a reset option of \(id); it takes '\(keys.low)' and '\(keys.high)'")
    }
    let low = options[keys.low] ?? defaults.low
    let high = options[keys.high] ?? defaults.high
    for (key, value) in [(keys.low, low), (keys.high, high)] where !value.isFinite {
        throw EnvironmentError.invalidOption(id: id, option: key, reason: "\(value) is not a finite number")
    }
    if low > high {
        throw EnvironmentError.invalidOption(id: id, option: keys.low, reason:
            "lower bound (\(low)) must not exceed the upper bound (\(high))")
    }
    return (low, high)
}

/// Checks a state given to `setState`: the right length, every value finite.
func validateState(_ state: [Double], count: Int, names: String, id: String) throws {
    guard state.count == count else {
        throw EnvironmentError.invalidState(id: id, reason:
            "expected \(count) values (\(names)), got \(state.count)")
    }
    if let index = state.firstIndex(where: { !$0.isFinite }) {
        throw EnvironmentError.invalidState(id: id, reason:
            "value \(index) (\(state[index])) is not finite; expected \(names)")
    }
}

extension RandomGenerator {
    /// A double uniform in [low, high), as NumPy's `Generator.uniform` computes it
    /// (`low + (high - low) * u`).
    mutating func uniformDouble(low: Double, high: Double) -> Double {
        low + (high - low) * uniformDouble()
    }
}

/// NumPy's `x ** 2` on a float64: libm's `pow(x, 2)`.
///
/// glibc's `pow` is not correctly rounded: about once in a thousand calls its square differs
/// from `x * x` in the last bit (`powf`, for float32, likewise). LLVM rewrites `pow(x, 2)`
/// with a constant 2 into `x * x`, so the exponent comes from a function the optimizer may not
/// look into; with it, trajectories match Gymnasium's bit for bit on Linux.
@inline(__always)
func numpySquare(_ x: Double) -> Double { pow(x, opaqueTwo()) }

/// NumPy's `x ** 2` on a float32: libm's `powf(x, 2)` (see the Double version).
@inline(__always)
func numpySquare(_ x: Float) -> Float { powf(x, Float(opaqueTwo())) }

@_optimize(none) @inline(never)
func opaqueTwo() -> Double { 2 }

/// The height of the mountain-car track at `position` (`_height` in Gymnasium's
/// mountain_car.py and continuous_mountain_car.py).
func mountainCarTrackHeight(at position: Double) -> Double { sin(3 * position) * 0.45 + 0.55 }
