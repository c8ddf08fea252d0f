import Foundation
import Randomness
import XCTest

final class RandomGeneratorTests: XCTestCase {
    // Expected values below come from the reference C code (xoshiro256plusplus.c and
    // splitmix64.c from prng.di.unimi.it), compiled and run separately.

    func testReferenceOutputsFromSmallState() {
        var rng = RandomGenerator(state: (1, 2, 3, 4))
        // rotl(1 + 4, 23) + 1 = 5 << 23 + 1 = 41943041.
        XCTAssertEqual(rng.next(), 41_943_041)
        XCTAssertEqual(rng.next(), 0x0000_0000_0380_0067)
        XCTAssertEqual(rng.next(), 0x000C_C000_0380_0067)
        XCTAssertEqual(rng.next(), 0x000C_C201_9944_00B2)
        XCTAssertEqual(rng.next(), 0x8012_A201_9AC4_33CD)
        XCTAssertEqual(rng.next(), 0x8A69_978A_CDEE_33BA)
    }

    func testSplitMix64KnownAnswer() {
        var seeder = SplitMix64(seed: 0)
        XCTAssertEqual(seeder.next(), 0xE220_A839_7B1D_CDAF)
        XCTAssertEqual(seeder.next(), 0x6E78_9E6A_A1B9_65F4)
        XCTAssertEqual(seeder.next(), 0x06C4_5D18_8009_454F)
        XCTAssertEqual(seeder.next(), 0xF88B_B8A8_724C_81EC)
    }

    func testSeedFillsStateWithSplitMix64Outputs() {
        let rng = RandomGenerator(seed: 0)
        XCTAssertTrue(
            rng.state == (0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F,
                          0xF88B_B8A8_724C_81EC))
    }

    func testSeededReferenceOutputs() {
        var zero = RandomGenerator(seed: 0)
        XCTAssertEqual(
            (0..<4).map { _ in zero.next() },
            [0x5317_5D61_490B_23DF, 0x61DA_6F3D_C380_D507, 0x5C0F_DF91_EC9A_7BFC, 0x02EE_BF8C_3BBE_5E1A])
        var fortyTwo = RandomGenerator(seed: 42)
        XCTAssertEqual(
            (0..<4).map { _ in fortyTwo.next() },
            [0xD076_4D4F_4476_689F, 0x519E_4174_576F_3791, 0xFBE0_7CFB_0C24_ED8C, 0xB37D_9F60_0CD8_35B8])
    }

    func testSameSeedGivesSameSequence() {
        var a = RandomGenerator(seed: 2024)
        var b = RandomGenerator(seed: 2024)
        for _ in 0..<1000 {
            XCTAssertEqual(a.next(), b.next())
        }
    }

    func testDifferentSeedsGiveDifferentSequences() {
        let firsts = (0..<100).map { seed -> [UInt64] in
            var rng = RandomGenerator(seed: UInt64(seed))
            return (0..<4).map { _ in rng.next() }
        }
        XCTAssertEqual(Set(firsts).count, 100)
        // Adjacent seeds must not give shifted copies of one sequence.
        XCTAssertEqual(Set(firsts.flatMap { $0 }).count, 400)
    }

    func testJumpMatchesReference() {
        var rng = RandomGenerator(state: (1, 2, 3, 4))
        rng.jump()
        XCTAssertTrue(
            rng.state == (0x8C7A_1539_56B5_F3D1, 0x701F_1A71_3401_D85E, 0x6527_F66A_6546_9085,
                          0x8386_B786_C440_8050))
        XCTAssertEqual(rng.next(), 0xEC87_9073_673D_F437)
        XCTAssertEqual(rng.next(), 0x20D2_12A3_9ACA_1EAA)
        XCTAssertEqual(rng.next(), 0xC19D_712A_27E4_0F57)
    }

    func testLongJumpMatchesReference() {
        var rng = RandomGenerator(state: (1, 2, 3, 4))
        rng.longJump()
        XCTAssertTrue(
            rng.state == (0x096A_8EB7_1295_A400, 0xDBF8_4991_E50F_4516, 0x534E_E745_810D_2A0E,
                          0x3165_5CA1_A221_5BF1))
        XCTAssertEqual(rng.next(), 0xB5C4_EA37_0B33_0BF5)
    }

    func testJumpIsDeterministicAndLeavesTheOriginalStream() {
        let original = RandomGenerator(seed: 7)
        var first = original
        var second = original
        first.jump()
        second.jump()
        XCTAssertEqual(first, second)
        XCTAssertNotEqual(first, original)

        var base = original
        let baseOutputs = (0..<64).map { _ in base.next() }
        let jumpedOutputs = (0..<64).map { _ in first.next() }
        XCTAssertTrue(Set(baseOutputs).isDisjoint(with: jumpedOutputs))
    }

    func testJumpCommutesWithStepping() {
        // A jump is a power of the linear transition, so it must commute with `next()`.
        var stepThenJump = RandomGenerator(seed: 99)
        var jumpThenStep = stepThenJump
        for _ in 0..<5 { _ = stepThenJump.next() }
        stepThenJump.jump()
        jumpThenStep.jump()
        for _ in 0..<5 { _ = jumpThenStep.next() }
        XCTAssertEqual(stepThenJump, jumpThenStep)
    }

    func testStateRoundTripRewindsTheSequence() {
        var rng = RandomGenerator(seed: 5)
        _ = rng.next()
        let saved = rng.state
        let expected = (0..<100).map { _ in rng.next() }
        rng.state = saved
        XCTAssertEqual((0..<100).map { _ in rng.next() }, expected)
        var rebuilt = RandomGenerator(state: saved)
        rng.state = saved
        XCTAssertEqual(rebuilt, rng)
        XCTAssertEqual(rebuilt.next(), expected[0])
    }

    func testHashableDistinguishesStates() {
        var rng = RandomGenerator(seed: 3)
        var seen: Set<RandomGenerator> = []
        for _ in 0..<100 {
            seen.insert(rng)
            _ = rng.next()
        }
        XCTAssertEqual(seen.count, 100)
        XCTAssertTrue(seen.contains(RandomGenerator(seed: 3)))
    }

    func testCodableRoundTripRestoresExactSequence() throws {
        var rng = RandomGenerator(seed: 0xDEAD_BEEF)
        // Mix in a normal draw so the test would catch a cached Box–Muller spare.
        _ = rng.normal()
        _ = rng.uniformFloat()
        // Seeded words exceed 2^53, so a Double round trip anywhere would corrupt them.
        XCTAssertGreaterThan(rng.state.0 | rng.state.1 | rng.state.2 | rng.state.3, 1 << 53)
        let data = try JSONEncoder().encode(rng)
        var restored = try JSONDecoder().decode(RandomGenerator.self, from: data)
        XCTAssertEqual(restored, rng)
        for _ in 0..<100 {
            XCTAssertEqual(restored.next(), rng.next())
        }
        XCTAssertEqual(restored.normal(), rng.normal())
    }

    func testEncodedFormIsTheFourStateWords() throws {
        let rng = RandomGenerator(state: (1, 2, 3, UInt64.max))
        let data = try JSONEncoder().encode(rng)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        XCTAssertEqual(object?.keys.sorted(), ["state"])
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(text.contains("18446744073709551615"), text)
    }

    func testDecodingRejectsCorruptState() {
        let decoder = JSONDecoder()
        XCTAssertThrowsError(
            try decoder.decode(RandomGenerator.self, from: Data(#"{"state":[0,0,0,0]}"#.utf8)))
        XCTAssertThrowsError(
            try decoder.decode(RandomGenerator.self, from: Data(#"{"state":[1,2,3]}"#.utf8)))
        XCTAssertNoThrow(
            try decoder.decode(RandomGenerator.self, from: Data(#"{"state":[0,0,0,1]}"#.utf8)))
    }
}
