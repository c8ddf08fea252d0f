import Foundation
import XCTest
import Environments
import Randomness

/// A scripted environment for wrapper tests: at step t (0 after reset) it observes
/// `observe(t)`, rewards `reward(t)`, terminates at `terminateAt`, and records every action.
final class ScriptedEnvironment: Environment {
    let observationSpace: Space
    let actionSpace: Space
    let terminateAt: Int
    let observe: (Int) -> Observation
    let reward: (Int) -> Double
    var t = 0
    var done = true
    var actions: [Action] = []
    var id: String { "Scripted" }

    init(observationSpace: Space = .box(low: -.infinity, high: .infinity, shape: [2]),
         actionSpace: Space = .discrete(2), terminateAt: Int = 1000,
         observe: @escaping (Int) -> Observation = { .float32([Float($0), Float($0) + 0.5], shape: [2]) },
         reward: @escaping (Int) -> Double = { Double($0) }) {
        self.observationSpace = observationSpace
        self.actionSpace = actionSpace
        self.terminateAt = terminateAt
        self.observe = observe
        self.reward = reward
    }

    func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        t = 0
        done = false
        return (observe(0), [:])
    }

    func step(_ action: Action) throws -> Step {
        if done { throw EnvironmentError.stepAfterDone(id: id) }
        if let reason = actionSpace.violation(of: action) { throw EnvironmentError.invalidAction(id: id, reason: reason) }
        actions.append(action)
        t += 1
        done = t >= terminateAt
        return Step(observation: observe(t), reward: reward(t), terminated: done, truncated: false)
    }
}

/// The fake Atari of Generators/record_wrappers.py: 42x32 RGB frames from an LCG seeded by
/// (t, action), a life lost every 5 frames, game over at 0 of 3 lives,
/// reward = action + (1 on every third frame).
final class FakeAtariEnvironment: Environment {
    let height: Int, width: Int
    var startLives = 3
    var t = 0
    var lives = 3
    var innerSteps = 0
    var reportsLives = true
    var observationSpace: Space { .box(low: 0, high: 255, shape: [height, width, 3], scalarType: .uint8) }

    /// 42x32 as recorded; 210x160 is ALE's screen.
    init(height: Int = 42, width: Int = 32) {
        self.height = height
        self.width = width
    }
    var actionSpace: Space { .discrete(3) }
    var id: String { "FakeAtari" }

    func frame(_ t: Int, _ action: Int) -> Observation {
        .uint8(lcgBytes(seed: t * 1000 + action * 7 + 1, count: height * width * 3), shape: [height, width, 3])
    }

    var info: Info { reportsLives ? ["lives": .int(lives)] : [:] }

    func reset(seed: UInt64?, options: [String: Double]) throws -> (observation: Observation, info: Info) {
        t = 0
        lives = startLives
        return (frame(0, 0), info)
    }

    func step(_ action: Action) throws -> Step {
        guard let a = action.discreteValue, (0..<3).contains(a) else {
            throw EnvironmentError.invalidAction(id: id, reason: "bad action \(action)")
        }
        if lives == 0 { throw EnvironmentError.stepAfterDone(id: id) }
        innerSteps += 1
        t += 1
        if t % 5 == 0 { lives -= 1 }
        return Step(observation: frame(t, a), reward: Double(a) + (t % 3 == 0 ? 1 : 0), terminated: lives == 0, truncated: false, info: info)
    }
}

/// The byte stream of record_wrappers.py's `lcg_bytes` (glibc-style LCG, bits 16...23).
func lcgBytes(seed: Int, count: Int) -> [UInt8] {
    var state = UInt64(seed) & 0x7FFF_FFFF
    return (0..<count).map { _ in
        state = (state &* 1_103_515_245 &+ 12345) & 0x7FFF_FFFF
        return UInt8((state >> 16) & 0xFF)
    }
}

/// Fixtures/wrappers_gymnasium.json, written by Generators/record_wrappers.py.
struct WrapperFixture: Decodable {
    struct Resize: Decodable {
        let seed, height, width, channels: Int
        let to_height, to_width: Int
        let output: [UInt8]
    }
    struct AtariStep: Decodable {
        let action: Int
        let observation: [Double]
        let reward: Double
        let terminated, truncated: Bool
        let lives: Int
        let reset: [Double]?
    }
    struct AtariConfig: Decodable {
        let noop_max, frame_skip, screen_size: Int
        let terminal_on_life_loss, grayscale_obs, grayscale_newaxis, scale_obs: Bool?
    }
    struct Atari: Decodable {
        let config: AtariConfig
        let reset: [Double]
        let shape: [Int]
        let steps: [AtariStep]
    }
    struct Normalize: Decodable {
        let observations: [[Double]]
        let rewards: [Double]
        let obs_mean, obs_var: [Double]
        let obs_count, return_mean, return_var, return_count: Double
    }
    let resize: [Resize]
    let atari: [Atari]
    let normalize: Normalize

    static func load() throws -> WrapperFixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/wrappers_gymnasium.json")
        return try JSONDecoder().decode(WrapperFixture.self, from: Data(contentsOf: url))
    }
}

extension SpaceValue {
    /// The float32 values, or nil for another kind.
    var float32Values: [Float]? {
        if case let .float32(values, _) = self { return values }
        return nil
    }
}

final class WrapperTests: XCTestCase {
    func testActionRepeatSumsRewardsAndStopsAtTheEnd() throws {
        let inner = ScriptedEnvironment(terminateAt: 5)
        let env = ActionRepeat(inner, times: 3)
        _ = try env.reset(seed: 0)
        let first = try env.step(.discrete(1))
        XCTAssertEqual(first.reward, 1 + 2 + 3)
        XCTAssertEqual(first.observation, .float32([3, 3.5], shape: [2]))
        XCTAssertFalse(first.isDone)
        let second = try env.step(.discrete(0))
        XCTAssertEqual(second.reward, 4 + 5, "stops after the terminating inner step")
        XCTAssertTrue(second.terminated)
        XCTAssertEqual(inner.actions, [.discrete(1), .discrete(1), .discrete(1), .discrete(0), .discrete(0)])
        XCTAssertThrowsError(try env.step(.discrete(0)))
    }

    func testClipActionClipsIntoTheBoxAndWidensTheSpace() throws {
        let inner = ScriptedEnvironment(actionSpace: .box(low: [-1, 0], high: [1, 2], shape: [2], scalarType: .float32))
        let env = ClipAction(inner)
        XCTAssertEqual(env.actionSpace, .box(low: -.infinity, high: .infinity, shape: [2]))
        _ = try env.reset(seed: 0)
        _ = try env.step(.continuous([5, -3]))
        _ = try env.step(.continuous([0.25, 1.5]))
        XCTAssertEqual(inner.actions, [.continuous([1, 0]), .continuous([0.25, 1.5])])
        XCTAssertThrowsError(try env.step(.continuous([.nan, 0]))) { error in
            guard case .invalidAction = error as? EnvironmentError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try env.step(.continuous([0])))
    }

    func testDiscretizeActionMapsToEvenlySpacedValues() throws {
        let inner = ScriptedEnvironment(actionSpace: .box(low: -2, high: 2, shape: [1]))
        let env = DiscretizeAction(inner, actionsPerDimension: 5)
        XCTAssertEqual(env.actionSpace, .discrete(5))
        _ = try env.reset(seed: 0)
        for index in [0, 1, 2, 3, 4] { _ = try env.step(.discrete(index)) }
        XCTAssertEqual(inner.actions, [-2, -1, 0, 1, 2].map { .continuous([$0]) })
        XCTAssertThrowsError(try env.step(.discrete(5)))

        let inner2 = ScriptedEnvironment(actionSpace: .box(low: [-1, 0], high: [1, 10], shape: [2], scalarType: .float32))
        let env2 = DiscretizeAction(inner2, actionsPerDimension: [3, 6])
        XCTAssertEqual(env2.actionSpace, .multiDiscrete([3, 6]))
        _ = try env2.reset(seed: 0)
        _ = try env2.step(.multiDiscrete([2, 5]))
        _ = try env2.step(.multiDiscrete([1, 1]))
        _ = try env2.step(.multiDiscrete([0, 3]))
        XCTAssertEqual(inner2.actions, [.continuous([1, 10]), .continuous([0, 2]), .continuous([-1, 6])])
        XCTAssertThrowsError(try env2.step(.multiDiscrete([3, 0])))
    }

    func testRecordEpisodeStatistics() throws {
        let env = RecordEpisodeStatistics(ScriptedEnvironment(terminateAt: 3), bufferLength: 2)
        for episode in 0..<3 {
            _ = try env.reset(seed: nil)
            for t in 1...3 {
                let step = try env.step(.discrete(0))
                let statistics = EpisodeStatistics(step.info)
                if t < 3 {
                    XCTAssertNil(statistics)
                } else {
                    XCTAssertEqual(statistics?.episodeReturn, 6)
                    XCTAssertEqual(statistics?.length, 3)
                    XCTAssertGreaterThanOrEqual(statistics?.time ?? -1, 0)
                    XCTAssertEqual(env.episodeCount, episode + 1)
                }
            }
        }
        XCTAssertEqual(env.returnQueue, [6, 6], "keeps only bufferLength episodes")
        XCTAssertEqual(env.lengthQueue, [3, 3])
        XCTAssertEqual(env.timeQueue.count, 2)
        XCTAssertEqual(env.resets, 3)
        XCTAssertEqual(env.totalSteps, 9)

        // A truncated episode counts too, with its own return and length.
        let truncating = RecordEpisodeStatistics(TimeLimit(ScriptedEnvironment(reward: { _ in 0.5 }), maxEpisodeSteps: 2), statsKey: "ep")
        _ = try truncating.reset(seed: 0)
        _ = try truncating.step(.discrete(0))
        let last = try truncating.step(.discrete(0))
        XCTAssertTrue(last.truncated)
        XCTAssertEqual(EpisodeStatistics(last.info, statsKey: "ep")?.episodeReturn, 1)
        XCTAssertEqual(EpisodeStatistics(last.info, statsKey: "ep")?.length, 2)
        XCTAssertEqual(last.info["ep.l"], .int(2))
    }

    func testFrameStackPadsWithTheResetObservationAndShifts() throws {
        let env = FrameStack(ScriptedEnvironment(), stackSize: 3)
        XCTAssertEqual(env.observationSpace.shape, [3, 2])
        XCTAssertEqual(try env.reset(seed: 0).observation, .float32([0, 0.5, 0, 0.5, 0, 0.5], shape: [3, 2]))
        XCTAssertEqual(try env.step(.discrete(0)).observation, .float32([0, 0.5, 0, 0.5, 1, 1.5], shape: [3, 2]))
        XCTAssertEqual(try env.step(.discrete(0)).observation, .float32([0, 0.5, 1, 1.5, 2, 2.5], shape: [3, 2]))
        XCTAssertEqual(try env.step(.discrete(0)).observation, .float32([1, 1.5, 2, 2.5, 3, 3.5], shape: [3, 2]))
        // A new episode starts a fresh stack.
        XCTAssertEqual(try env.reset(seed: nil).observation, .float32([0, 0.5, 0, 0.5, 0, 0.5], shape: [3, 2]))
    }

    func testFrameStackZeroAndValuePaddingAndDiscreteObservations() throws {
        // Zero padding is clipped into the bounds, as Gymnasium's create_zero_array.
        let space = Space.box(low: [0.25, -10], high: [10, 10], shape: [2], scalarType: .float32)
        let zero = FrameStack(ScriptedEnvironment(observationSpace: space, observe: { .float32([Float($0) + 1, 1], shape: [2]) }),
                              stackSize: 2, paddingType: .zero)
        XCTAssertEqual(zero.observationSpace, .box(low: [0.25, -10, 0.25, -10], high: [10, 10, 10, 10], shape: [2, 2], scalarType: .float32))
        XCTAssertEqual(try zero.reset(seed: 0).observation, .float32([0.25, 0, 1, 1], shape: [2, 2]))
        let valued = FrameStack(ScriptedEnvironment(), stackSize: 2, paddingType: .value(.float32([7, 8], shape: [2])))
        XCTAssertEqual(try valued.reset(seed: 0).observation, .float32([7, 8, 0, 0.5], shape: [2, 2]))

        let discrete = FrameStack(ScriptedEnvironment(observationSpace: .discrete(10), observe: { .discrete($0) }), stackSize: 3)
        XCTAssertEqual(discrete.observationSpace, .multiDiscrete([10, 10, 10]))
        XCTAssertEqual(try discrete.reset(seed: 0).observation, .multiDiscrete([0, 0, 0]))
        XCTAssertEqual(try discrete.step(.discrete(0)).observation, .multiDiscrete([0, 0, 1]))
        XCTAssertEqual(try discrete.step(.discrete(0)).observation, .multiDiscrete([0, 1, 2]))
        XCTAssertTrue(discrete.observationSpace.contains(try discrete.step(.discrete(0)).observation))

        let bytes = FrameStack(ScriptedEnvironment(observationSpace: .box(low: 0, high: 255, shape: [1], scalarType: .uint8),
                                                   observe: { .uint8([UInt8($0 * 10)], shape: [1]) }), stackSize: 2, paddingType: .zero)
        XCTAssertEqual(try bytes.reset(seed: 0).observation, .uint8([0, 0], shape: [2, 1]))
        XCTAssertEqual(try bytes.step(.discrete(0)).observation, .uint8([0, 10], shape: [2, 1]))
    }

    /// The environment of record_wrappers.py's `Wavy`.
    func wavy() -> ScriptedEnvironment {
        ScriptedEnvironment(observationSpace: .box(low: -.infinity, high: .infinity, shape: [3]), terminateAt: 7,
                            observe: { t in .float32([Float(sin(Double(t))), Float(0.5 * Double(t)), Float(t % 3 - 1)], shape: [3]) },
                            reward: { t in cos(Double(t)) + 0.1 * Double(t) })
    }

    func testNormalizeObservationAndRewardMatchGymnasium() throws {
        let fixture = try WrapperFixture.load().normalize
        let observations = NormalizeObservation(wavy())
        let rewards = NormalizeReward(wavy(), gamma: 0.99)
        XCTAssertEqual(observations.observationSpace, .box(low: -.infinity, high: .infinity, shape: [3]))
        var gotObservations = [try observations.reset(seed: 0).observation.floats]
        _ = try rewards.reset(seed: 0)
        var gotRewards: [Double] = []
        for i in 0..<30 {
            if i == 20 {
                observations.updateRunningMean = false
                rewards.updateRunningMean = false
            }
            let step = try observations.step(.discrete(0))
            gotObservations.append(step.observation.floats)
            gotRewards.append(try rewards.step(.discrete(0)).reward)
            if step.terminated {
                gotObservations.append(try observations.reset(seed: nil).observation.floats)
                _ = try rewards.reset(seed: nil)
            }
        }
        XCTAssertEqual(gotObservations.count, fixture.observations.count)
        for (got, want) in zip(gotObservations, fixture.observations) {
            for (g, w) in zip(got, want) { XCTAssertEqual(Double(g), w, accuracy: 2e-6 * max(1, abs(w))) }
        }
        for (g, w) in zip(gotRewards, fixture.rewards) { XCTAssertEqual(g, w, accuracy: 1e-12 * max(1, abs(w))) }
        XCTAssertEqual(observations.obsRMS.count, fixture.obs_count, accuracy: 1e-9)
        for i in 0..<3 {
            XCTAssertEqual(observations.obsRMS.mean[i], fixture.obs_mean[i], accuracy: 1e-6)
            XCTAssertEqual(observations.obsRMS.variance[i], fixture.obs_var[i], accuracy: 1e-5)
        }
        XCTAssertEqual(rewards.returnRMS.mean[0], fixture.return_mean, accuracy: 1e-12)
        XCTAssertEqual(rewards.returnRMS.variance[0], fixture.return_var, accuracy: 1e-12)
        XCTAssertEqual(rewards.returnRMS.count, fixture.return_count, accuracy: 1e-12)
    }

    func testNormalizationStatisticsSaveAndRestore() throws {
        let trained = NormalizeObservation(wavy())
        _ = try trained.reset(seed: 0)
        for _ in 0..<5 { _ = try trained.step(.discrete(0)) }
        let saved = try JSONEncoder().encode(trained.obsRMS)

        let evaluation = NormalizeObservation(wavy())
        evaluation.obsRMS = try JSONDecoder().decode(RunningMeanStd.self, from: saved)
        evaluation.updateRunningMean = false
        trained.updateRunningMean = false
        XCTAssertEqual(try evaluation.reset(seed: 0).observation, try trained.reset(seed: 0).observation)
        XCTAssertEqual(try evaluation.step(.discrete(0)).observation, try trained.step(.discrete(0)).observation)
        XCTAssertEqual(evaluation.obsRMS, trained.obsRMS, "frozen statistics do not move")

        let rewardStats = NormalizeReward(wavy())
        _ = try rewardStats.reset(seed: 0)
        _ = try rewardStats.step(.discrete(0))
        let restored = try JSONDecoder().decode(RunningMeanStd.self, from: try JSONEncoder().encode(rewardStats.returnRMS))
        XCTAssertEqual(restored, rewardStats.returnRMS)
    }

    func testRunningMeanStdMatchesTheBatchFormula() {
        // Hand computation: count 1e-4, mean 0, var 1, then samples 1, 3.
        var stats = RunningMeanStd(count: 1)
        stats.update([1.0])
        let c1 = 1e-4 + 1
        XCTAssertEqual(stats.mean[0], 1 / c1, accuracy: 1e-15)
        XCTAssertEqual(stats.variance[0], (1e-4 + 1 * 1e-4 / c1) / c1, accuracy: 1e-15)
        stats.update([3.0])
        let mean1 = 1 / c1
        let c2 = c1 + 1
        XCTAssertEqual(stats.mean[0], mean1 + (3 - mean1) / c2, accuracy: 1e-15)
        // With a tiny prior, the statistics approach the sample's: mean 2, variance 1.
        XCTAssertEqual(stats.mean[0], 2, accuracy: 1e-3)
        XCTAssertEqual(stats.variance[0], 1, accuracy: 1e-3)
        var batch = RunningMeanStd(count: 1, epsilon: 0)
        batch.update(batchMean: [2], batchVariance: [1], batchCount: 2)
        XCTAssertEqual(batch.mean, [2])
        XCTAssertEqual(batch.variance, [1])
    }

    func testRewardWrappers() throws {
        let clipped = ClipReward(ScriptedEnvironment(), minReward: 1.5, maxReward: 2.5)
        _ = try clipped.reset(seed: 0)
        XCTAssertEqual(try (0..<4).map { _ in try clipped.step(.discrete(0)).reward }, [1.5, 2, 2.5, 2.5])
        let lower = ClipReward(ScriptedEnvironment(reward: { -Double($0) }), minReward: -2)
        _ = try lower.reset(seed: 0)
        XCTAssertEqual(try (0..<3).map { _ in try lower.step(.discrete(0)).reward }, [-1, -2, -2])
        let scaled = TransformReward(ScriptedEnvironment()) { $0 * 0.5 }
        _ = try scaled.reset(seed: 0)
        XCTAssertEqual(try scaled.step(.discrete(0)).reward, 0.5)
        XCTAssertEqual(try scaled.step(.discrete(0)).reward, 1)
    }

    func testTransformObservation() throws {
        let env = TransformObservation(ScriptedEnvironment(), observationSpace: .discrete(100)) { .discrete(Int($0.floats[0]) * 2) }
        XCTAssertEqual(env.observationSpace, .discrete(100))
        XCTAssertEqual(try env.reset(seed: 0).observation, .discrete(0))
        XCTAssertEqual(try env.step(.discrete(0)).observation, .discrete(2))
        XCTAssertEqual(TransformObservation(ScriptedEnvironment()) { $0 }.observationSpace, ScriptedEnvironment().observationSpace)
    }

    func testFrameDifference() throws {
        let env = FrameDifference(ScriptedEnvironment(observe: { .float32([Float($0 * $0), 1], shape: [2]) }))
        XCTAssertEqual(try env.reset(seed: 0).observation, .float32([0, 0], shape: [2]), "no previous frame after reset")
        XCTAssertEqual(try env.step(.discrete(0)).observation, .float32([1, 0], shape: [2]))
        XCTAssertEqual(try env.step(.discrete(0)).observation, .float32([3, 0], shape: [2]))
        XCTAssertEqual(try env.step(.discrete(0)).observation, .float32([5, 0], shape: [2]))
        XCTAssertEqual(try env.reset(seed: nil).observation, .float32([0, 0], shape: [2]))

        // Bytes become signed float differences.
        let frames: [[UInt8]] = [[10, 200], [30, 100], [0, 255]]
        let bytes = FrameDifference(ScriptedEnvironment(observationSpace: .box(low: 0, high: 255, shape: [2], scalarType: .uint8),
                                                        observe: { .uint8(frames[$0 % 3], shape: [2]) }))
        XCTAssertEqual(bytes.observationSpace, .box(low: -255, high: 255, shape: [2]))
        XCTAssertEqual(try bytes.reset(seed: 0).observation, .float32([0, 0], shape: [2]))
        XCTAssertEqual(try bytes.step(.discrete(0)).observation, .float32([20, -100], shape: [2]))
        XCTAssertEqual(try bytes.step(.discrete(0)).observation, .float32([-30, 155], shape: [2]))
    }

    // MARK: Atari preprocessing

    func testAreaResizeByHand() {
        // Scale 2.5: output 0 covers pixels 0, 1 fully and half of 2; output 1 the rest.
        let row = ImageProcessing.resizeArea([10, 20, 30, 40, 50], height: 1, width: 5, channels: 1, toHeight: 1, toWidth: 2)
        XCTAssertEqual(row, [18, 42]) // 0.4·10 + 0.4·20 + 0.2·30, 0.2·30 + 0.4·40 + 0.4·50
        // 2x2 blocks round halves up (OpenCV's SIMD kernel): (1 + 2 + 3 + 4 + 2) >> 2 = 3.
        XCTAssertEqual(ImageProcessing.resizeArea([1, 2, 3, 4], height: 2, width: 2, channels: 1, toHeight: 1, toWidth: 1), [3])
        XCTAssertEqual(ImageProcessing.resizeArea([7, 9, 11], height: 1, width: 3, channels: 1, toHeight: 1, toWidth: 3), [7, 9, 11])
    }

    func testAreaResizeMatchesOpenCV() throws {
        for c in try WrapperFixture.load().resize {
            let pixels = lcgBytes(seed: c.seed, count: c.height * c.width * c.channels)
            let got = ImageProcessing.resizeArea(pixels, height: c.height, width: c.width, channels: c.channels,
                                                 toHeight: c.to_height, toWidth: c.to_width)
            let mismatches = zip(got, c.output).filter { $0 != $1 }.count
            XCTAssertEqual(mismatches, 0, "\(c.height)x\(c.width)x\(c.channels) -> \(c.to_height)x\(c.to_width)")
        }
    }

    func testGrayscaleMatchesALEPalette() {
        // Entries of ALE's NTSC palette with the grey ALE stores beside them.
        let palette: [(UInt32, UInt8)] = [(0x484800, 0x40), (0x69690F, 0x5F), (0x86861D, 0x7A), (0xA2A22A, 0x94),
                                          (0x7C2C00, 0x3F), (0x901C00, 0x3B), (0x940000, 0x2C), (0xA71A1A, 0x44),
                                          (0x000000, 0), (0xECECEC, 0xEC)]
        for (rgb, grey) in palette {
            XCTAssertEqual(ImageProcessing.aleGrayscale(red: UInt8(rgb >> 16), green: UInt8((rgb >> 8) & 0xFF), blue: UInt8(rgb & 0xFF)), grey,
                           String(rgb, radix: 16))
        }
        XCTAssertEqual(ImageProcessing.aleGrayscale(red: 255, green: 255, blue: 255), 255)
    }

    func testAtariPreprocessingMatchesGymnasium() throws {
        for record in try WrapperFixture.load().atari {
            let config = record.config
            let env = AtariPreprocessing(FakeAtariEnvironment(), noopMax: config.noop_max, frameSkip: config.frame_skip,
                                         screenSize: config.screen_size, terminalOnLifeLoss: config.terminal_on_life_loss ?? false,
                                         grayscaleObservation: config.grayscale_obs ?? true,
                                         grayscaleNewAxis: config.grayscale_newaxis ?? false, scaleObservation: config.scale_obs ?? false)
            let name = "\(config)"
            XCTAssertEqual(env.observationSpace.shape, record.shape, name)
            let reset = try env.reset(seed: 0).observation
            XCTAssertTrue(env.observationSpace.contains(reset), name)
            assertObservation(reset, equals: record.reset, name + " reset")
            for (index, want) in record.steps.enumerated() {
                let step = try env.step(.discrete(want.action))
                XCTAssertEqual(step.reward, want.reward, "\(name) step \(index)")
                XCTAssertEqual(step.terminated, want.terminated, "\(name) step \(index)")
                XCTAssertEqual(step.truncated, want.truncated, "\(name) step \(index)")
                XCTAssertEqual(step.info["lives"], .int(want.lives), "\(name) step \(index)")
                assertObservation(step.observation, equals: want.observation, "\(name) step \(index)")
                if step.isDone {
                    let next = try env.reset(seed: nil).observation
                    assertObservation(next, equals: want.reset ?? [], "\(name) reset after step \(index)")
                }
            }
        }
    }

    func assertObservation(_ observation: Observation, equals want: [Double], _ message: String) {
        let got = observation.floats
        XCTAssertEqual(got.count, want.count, message)
        let mismatches = zip(got, want).filter { abs(Double($0) - $1) > 1e-6 }.count
        XCTAssertEqual(mismatches, 0, message)
    }

    func testAtariNoopResetAndFullSizeOutput() throws {
        let fake = FakeAtariEnvironment(height: 210, width: 160)
        fake.startLives = 100
        let env = AtariPreprocessing(fake, noopMax: 30)
        XCTAssertEqual(env.observationSpace, .box(low: 0, high: 255, shape: [84, 84], scalarType: .uint8))
        var counts: [Int] = []
        for seed in 0..<20 as Range<UInt64> {
            fake.innerSteps = 0
            _ = try env.reset(seed: seed)
            counts.append(fake.innerSteps)
        }
        XCTAssertTrue(counts.allSatisfy { (1...30).contains($0) }, "\(counts)")
        XCTAssertGreaterThan(Set(counts).count, 5, "no-op counts vary with the seed: \(counts)")
        fake.innerSteps = 0
        let first = try env.reset(seed: 3).observation
        XCTAssertEqual(fake.innerSteps, counts[3], "same seed, same number of no-ops")
        XCTAssertEqual(try env.reset(seed: 3).observation, first)
        let step = try env.step(.discrete(1))
        XCTAssertEqual(fake.innerSteps, counts[3] * 2 + 4, "four frames per step")
        XCTAssertTrue(env.observationSpace.contains(step.observation))

        let scaled = AtariPreprocessing(FakeAtariEnvironment(height: 210, width: 160), noopMax: 0, scaleObservation: true)
        XCTAssertEqual(scaled.observationSpace, .box(low: 0, high: 1, shape: [84, 84]))
        XCTAssertTrue(scaled.observationSpace.contains(try scaled.reset(seed: 0).observation))
    }

    func testAtariLifeLossNeedsLivesInInfo() {
        let fake = FakeAtariEnvironment()
        fake.reportsLives = false
        let env = AtariPreprocessing(fake, noopMax: 0, screenSize: 16, terminalOnLifeLoss: true)
        XCTAssertThrowsError(try env.reset(seed: 0)) { error in
            XCTAssertTrue("\(error)".contains("lives"), "\(error)")
        }
        // Without life-loss termination the info is not needed.
        XCTAssertNoThrow(try AtariPreprocessing(fake, noopMax: 0, screenSize: 16).reset(seed: 0))
    }

    func testWrappersStackAndPassTheChecker() throws {
        let fake = FakeAtariEnvironment(height: 210, width: 160)
        let env = FrameStack(AtariPreprocessing(fake, noopMax: 5), stackSize: 4)
        XCTAssertEqual(env.observationSpace.shape, [4, 84, 84])
        XCTAssertTrue(env.unwrapped === fake)
        XCTAssertEqual(try checkEnvironment(env, seed: 1, steps: 20), [])
    }
}
