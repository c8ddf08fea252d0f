import Foundation
import Networks
import XCTest

final class ScheduleTests: XCTestCase {
    func values(_ schedule: LearningRateSchedule, _ steps: [Int]) -> [Float] {
        steps.map { schedule.value(at: $0) }
    }

    func assertValues(_ schedule: LearningRateSchedule, _ expected: [Int: Double],
                      file: StaticString = #filePath, line: UInt = #line) {
        for (step, value) in expected.sorted(by: { $0.key < $1.key }) {
            XCTAssertEqual(Double(schedule.value(at: step)), value, accuracy: 1e-6 * max(1, abs(value)),
                           "step \(step)", file: file, line: line)
        }
    }

    func testLiteralsAreConstant() {
        let schedule: LearningRateSchedule = 3e-4
        XCTAssertEqual(schedule, .constant(3e-4))
        XCTAssertEqual(values(schedule, [0, 1, 1_000_000]), [3e-4, 3e-4, 3e-4])
        let integer: LearningRateSchedule = 1
        XCTAssertEqual(integer.value(at: 5), 1)
    }

    func testLinear() {
        assertValues(.linear(from: 1, to: 0.1, steps: 10), [0: 1, 1: 0.91, 5: 0.55, 9: 0.19, 10: 0.1, 11: 0.1, 1000: 0.1])
        // Increasing schedules work too.
        assertValues(.linear(from: 0, to: 2, steps: 4), [0: 0, 1: 0.5, 3: 1.5, 4: 2, 8: 2])
    }

    func testStableBaselinesLinearFunction() {
        // get_linear_fn(1.0, 0.05, 0.1) over 1000 steps: reaches 0.05 after 100 steps.
        let schedule = LearningRateSchedule.linear(start: 1, end: 0.05, endFraction: 0.1, totalSteps: 1000)
        XCTAssertEqual(schedule, .linear(from: 1, to: 0.05, steps: 100))
        assertValues(schedule, [0: 1, 50: 0.525, 100: 0.05, 999: 0.05])
    }

    func testPolynomialDecay() {
        // Keras PolynomialDecay(1.0, 100, 0.01) with power 1 is TF-Agents' ε-greedy decay.
        assertValues(.polynomialDecay(initial: 1, decaySteps: 100, end: 0.01, power: 1),
                     [0: 1, 25: 0.7525, 50: 0.505, 100: 0.01, 250: 0.01])
        // Power 2: (1 − 0.5)² · (0.1 − 0) + 0 at the midpoint.
        assertValues(.polynomialDecay(initial: 0.1, decaySteps: 10, end: 0, power: 2),
                     [0: 0.1, 5: 0.025, 9: 0.001, 10: 0, 20: 0])
        assertValues(.polynomialDecay(initial: 2, decaySteps: 4, end: 1, power: 0.5),
                     [1: 1 + (0.75).squareRoot(), 4: 1])
    }

    func testPowerScheduling() {
        // η0 / (1 + t/s)^c with η0 = 0.01, s = 20, c = 1: halved at t = s, a third at 2s.
        assertValues(.power(initial: 0.01, steps: 20, power: 1), [0: 0.01, 20: 0.005, 40: 0.01 / 3, 10: 0.01 / 1.5])
        assertValues(.power(initial: 1, steps: 10, power: 2), [10: 0.25, 30: 1.0 / 16])
        // Keras' legacy decay = 1e-4: lr / (1 + 1e-4 · t).
        assertValues(.inverseTimeDecay(initial: 0.01, decay: 1e-4), [0: 0.01, 10_000: 0.005, 30_000: 0.0025])
    }

    func testExponential() {
        // η0 · 0.1^(t/s) with s = 20: a tenth every 20 steps.
        assertValues(.exponential(initial: 0.01, decaySteps: 20, rate: 0.1, staircase: false),
                     [0: 0.01, 10: 0.01 * pow(0.1, 0.5), 20: 0.001, 40: 0.0001])
        assertValues(.exponential(initial: 1, decaySteps: 10, rate: 0.5, staircase: true),
                     [0: 1, 9: 1, 10: 0.5, 19: 0.5, 25: 0.25])
    }

    func testPiecewiseConstant() {
        // Keras' documented example: 1.0 through step 100000, 0.5 through 110000, then 0.1.
        assertValues(.piecewiseConstant(boundaries: [100_000, 110_000], values: [1, 0.5, 0.1]),
                     [0: 1, 100_000: 1, 100_001: 0.5, 110_000: 0.5, 110_001: 0.1])
    }

    func testSchedulesAreCodable() throws {
        let schedules: [LearningRateSchedule] = [
            .constant(1e-3), .linear(from: 1, to: 0, steps: 5),
            .polynomialDecay(initial: 1, decaySteps: 100, end: 0.01, power: 1),
            .power(initial: 0.01, steps: 100, power: 1),
            .exponential(initial: 0.01, decaySteps: 100, rate: 0.1, staircase: true),
            .piecewiseConstant(boundaries: [10], values: [1, 0.5]),
        ]
        let data = try JSONEncoder().encode(schedules)
        XCTAssertEqual(try JSONDecoder().decode([LearningRateSchedule].self, from: data), schedules)
        // A constant is a plain number both ways, so configurations can write `learningRate: 3e-4`.
        XCTAssertEqual(String(decoding: try JSONEncoder().encode([LearningRateSchedule.constant(0.25)]), as: UTF8.self), "[0.25]")
        XCTAssertEqual(try JSONDecoder().decode([LearningRateSchedule].self, from: Data("[0.5, {\"constant\": {\"_0\": 2}}]".utf8)),
                       [.constant(0.5), .constant(2)])
        XCTAssertThrowsError(try JSONDecoder().decode([LearningRateSchedule].self, from: Data("[\"fast\"]".utf8)))
    }
}
