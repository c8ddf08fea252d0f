import Foundation
import XCTest
import Environments
import Randomness

/// Gymnasium's toy-text tables and rollouts, recorded by Generators/record_toy_text.py.
private struct ToyTextFixture: Decodable {
    struct Rollout: Decodable {
        let actions: [Int]
        let observations: [Int]
        let rewards: [Double]
        let terminated: [Bool]
        let probs: [Double]
        let renders: [String]
    }
    struct Case: Decodable {
        let id: String
        let options: [String: String]
        let stateCount: Int
        let actionCount: Int
        let initialStateDistribution: [Double]
        let maxEpisodeSteps: Int?
        let rewardThreshold: Double?
        /// `P[s][a]`: outcomes as [probability, next state, reward, terminated 0/1].
        let P: [[[[Double]]]]
        let rollouts: [Rollout]
    }
    let gymnasium: String
    let cases: [Case]

    static func load() throws -> ToyTextFixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/toy_text_gymnasium.json")
        return try JSONDecoder().decode(ToyTextFixture.self, from: Data(contentsOf: url))
    }
}

final class ToyTextTests: XCTestCase {
    let registry = Registry(specs: ThreeStateMDP.specs + MarkovChain.specs + FrozenLake.specs + CliffWalking.specs + AliasedGridWorld.specs)

    func tabular(_ env: any Environment) throws -> any TabularEnvironment {
        try XCTUnwrap(env.unwrapped as? any TabularEnvironment)
    }

    func discrete(_ observation: Observation) -> Int { observation.discreteValue ?? -1 }

    // MARK: - The three-state MDP

    func testThreeStateMDPTablesAreTheBooks() {
        let T: [[[Double]?]] = [[[0.7, 0.3, 0], [1, 0, 0], [0.8, 0.2, 0]], [[0, 1, 0], nil, [0, 0, 1]], [nil, [0.8, 0.1, 0.1], nil]]
        let R: [[[Double]]] = [[[10, 0, 0], [0, 0, 0], [0, 0, 0]], [[0, 0, 0], [0, 0, 0], [0, 0, -50]], [[0, 0, 0], [40, 0, 0], [0, 0, 0]]]
        let actions = [[0, 1, 2], [0, 2], [1]]
        XCTAssertEqual(ThreeStateMDP.transitionProbabilities, T)
        XCTAssertEqual(ThreeStateMDP.rewards, R)
        XCTAssertEqual(ThreeStateMDP.possibleActions, actions)
        // The model built from them gives the same arrays back.
        let mdp = ThreeStateMDP.mdp
        XCTAssertEqual(mdp.stateCount, 3)
        XCTAssertEqual(mdp.actionCount, 3)
        XCTAssertEqual(mdp.transitionProbabilities, T)
        XCTAssertEqual(mdp.rewards, R)
        XCTAssertEqual((0..<3).map { mdp.possibleActions(in: $0) }, actions)
        XCTAssertEqual(mdp.terminalStates, [])
        XCTAssertEqual(mdp.initialStateDistribution, [1, 0, 0])
        XCTAssertEqual(mdp.transitions(from: 1, action: 2), [TabularTransition(probability: 1, nextState: 2, reward: -50, terminated: false)])
        XCTAssertTrue(mdp.transitions(from: 2, action: 0).isEmpty)
    }

    /// Q-value iteration with the model's backup reproduces the book's Q-values for γ = 0.90
    /// (and its remark that γ = 0.95 makes action 2 best in state 1).
    func testQValueIterationMatchesTheBook() {
        let mdp = ThreeStateMDP.mdp
        func solve(gamma: Double) -> [[Double]] {
            var q = (0..<3).map { s in (0..<3).map { a in mdp.possibleActions(in: s).contains(a) ? 0.0 : -Double.infinity } }
            for _ in 0..<2000 {
                let values = q.map { $0.max()! }
                for s in 0..<3 { for a in mdp.possibleActions(in: s) { q[s][a] = mdp.actionValue(of: s, a, values: values, gamma: gamma) } }
            }
            return q
        }
        let q = solve(gamma: 0.90)
        let book: [[Double]] = [[18.91891892, 17.02702703, 13.62162162], [0, -.infinity, -4.87971488], [-.infinity, 50.13365013, -.infinity]]
        for s in 0..<3 {
            for a in 0..<3 {
                if book[s][a].isInfinite { XCTAssertEqual(q[s][a], book[s][a]) } else { XCTAssertEqual(q[s][a], book[s][a], accuracy: 1e-6) }
            }
        }
        XCTAssertEqual(solve(gamma: 0.95).map { row in row.indices.max { row[$0] < row[$1] }! }, [0, 2, 1])
    }

    func testThreeStateMDPEnvironment() throws {
        let env = try registry.make("ThreeStateMDP-v0", options: ["render_mode": "ansi"])
        XCTAssertTrue(env is TabularMDPEnvironment, "continuing: registered without a TimeLimit")
        XCTAssertEqual(env.observationSpace, .discrete(3))
        XCTAssertEqual(env.actionSpace, .discrete(3))
        XCTAssertNil(try registry.spec("ThreeStateMDP-v0").maxEpisodeSteps)
        XCTAssertThrowsError(try env.step(.discrete(0))) { XCTAssertEqual($0 as? EnvironmentError, .stepBeforeReset(id: "ThreeStateMDP-v0")) }
        XCTAssertEqual(discrete(try env.reset(seed: 1).observation), 0, "the book starts in state 0")
        // Action 1 in state 1 and actions 0, 2 in state 2 are impossible: the error names the possible ones.
        let tab = try tabular(env)
        try tab.setState([2])
        for action in [0, 2] {
            XCTAssertThrowsError(try env.step(.discrete(action))) { error in
                XCTAssertTrue("\(error)".contains("possible actions there are [1]"), "\(error)")
            }
        }
        try tab.setState([1])
        XCTAssertThrowsError(try env.step(.discrete(1))) { XCTAssertTrue("\($0)".contains("[0, 2]"), "\($0)") }
        XCTAssertThrowsError(try env.step(.discrete(3)))
        XCTAssertThrowsError(try env.step(.continuous([0])))
        XCTAssertEqual(try env.step(.discrete(2)).reward, -50)
        XCTAssertEqual(tab.currentState, 2)
        guard case let .text(picture) = try env.render() else { return XCTFail("text expected") }
        XCTAssertEqual(picture, "  (action 2)\n 0  1 [2]\n")
        // Sampled frequencies follow T[0][0] = [0.7, 0.3, 0] and T[2][1] = [0.8, 0.1, 0.1].
        for (state, action, expected) in [(0, 0, [0.7, 0.3, 0]), (2, 1, [0.8, 0.1, 0.1])] {
            var counts = [0, 0, 0]
            let n = 40_000
            for _ in 0..<n {
                try tab.setState([Double(state)])
                let step = try env.step(.discrete(action))
                XCTAssertFalse(step.isDone)
                counts[discrete(step.observation)] += 1
            }
            for s in 0..<3 { XCTAssertEqual(Double(counts[s]) / Double(n), expected[s], accuracy: 0.01) }
        }
        // A step limit on request truncates, never terminates.
        let limited = try registry.make("ThreeStateMDP-v0", options: ["max_episode_steps": "5"])
        _ = try limited.reset(seed: 0)
        var last: Step?
        for _ in 0..<5 {
            let tab = try tabular(limited)
            last = try limited.step(.discrete(tab.mdp.possibleActions(in: tab.currentState)[0]))
        }
        XCTAssertEqual(last?.truncated, true)
        XCTAssertEqual(last?.terminated, false)
    }

    // MARK: - The Markov chain

    func testMarkovChainMatrixAndSimulation() {
        let chain = MarkovChain.textbook
        XCTAssertEqual(chain.transitionMatrix, [[0.7, 0.2, 0, 0.1], [0, 0, 0.9, 0.1], [0, 1, 0, 0], [0, 0, 0, 1]])
        XCTAssertEqual(chain.terminalStates, [3])
        for row in chain.transitionMatrix { XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-12) }
        // Transition frequencies over many sample runs match the matrix.
        var g = RandomGenerator(seed: 42)
        var counts = [[Int]](repeating: [0, 0, 0, 0], count: 4)
        var lengths = 0
        let runs = 20_000
        for _ in 0..<runs {
            let run = chain.simulate(from: 0, steps: 1_000, using: &g)
            XCTAssertEqual(run.first, 0)
            XCTAssertEqual(run.last, 3, "runs end in the terminal state")
            XCTAssertFalse(run.dropLast().contains(3))
            for (a, b) in zip(run, run.dropFirst()) { counts[a][b] += 1 }
            lengths += run.count - 1
        }
        for s in 0..<3 {
            let total = Double(counts[s].reduce(0, +))
            for next in 0..<4 { XCTAssertEqual(Double(counts[s][next]) / total, chain.transitionMatrix[s][next], accuracy: 0.01) }
        }
        // The expected number of steps to absorption from state 0 is 16 (t1 = 1 + 0.9 t2,
        // t2 = 1 + t1 gives t1 = 19; t0 = (1 + 0.2 t1) / 0.3 = 16).
        XCTAssertEqual(Double(lengths) / Double(runs), 16, accuracy: 0.5)
        // The step bound and a terminal start.
        for _ in 0..<100 {
            let run = chain.simulate(from: 2, steps: 4, using: &g)
            XCTAssertEqual(Array(run.prefix(2)), [2, 1], "state 2 always moves to 1")
            XCTAssertTrue(run.count == 5 || run.last == 3, "\(run)")
        }
        XCTAssertEqual(chain.simulate(from: 3, steps: 10, using: &g), [3])
        XCTAssertEqual(chain.simulate(from: 2, steps: 0, using: &g), [2])
    }

    func testMarkovChainEnvironment() throws {
        let env = try registry.make("MarkovChain-v0")
        XCTAssertEqual(env.actionSpace, .discrete(1))
        XCTAssertEqual(env.observationSpace, .discrete(4))
        XCTAssertEqual(discrete(try env.reset(seed: 3).observation), 0)
        XCTAssertThrowsError(try env.step(.discrete(1)))
        var steps = 0
        while true {
            let step = try env.step(.discrete(0))
            steps += 1
            XCTAssertEqual(step.reward, 0)
            if step.terminated { XCTAssertEqual(discrete(step.observation), 3); break }
            XCTAssertNotEqual(discrete(step.observation), 3)
        }
        XCTAssertThrowsError(try env.step(.discrete(0))) { XCTAssertEqual($0 as? EnvironmentError, .stepAfterDone(id: "MarkovChain-v0")) }
        XCTAssertEqual(try tabular(env).mdp.terminalStates, [3])
    }

    // MARK: - FrozenLake and CliffWalking against Gymnasium

    func testTablesAndRolloutsMatchGymnasium() throws {
        let fixture = try ToyTextFixture.load()
        XCTAssertEqual(fixture.cases.count, 8)
        for record in fixture.cases {
            let label = "\(record.id) \(record.options)"
            let spec = try registry.spec(record.id)
            XCTAssertEqual(spec.maxEpisodeSteps, record.maxEpisodeSteps, label)
            XCTAssertEqual(spec.rewardThreshold, record.rewardThreshold, label)
            let env = try registry.make(record.id, options: record.options)
            XCTAssertEqual(env is TimeLimit, record.maxEpisodeSteps != nil, label)
            let mdp = try tabular(env).mdp
            XCTAssertEqual(env.observationSpace, .discrete(record.stateCount), label)
            XCTAssertEqual(env.actionSpace, .discrete(record.actionCount), label)
            XCTAssertEqual(mdp.initialStateDistribution, record.initialStateDistribution, label)
            XCTAssertEqual(mdp.stateCount, record.stateCount, label)
            for s in 0..<record.stateCount {
                for a in 0..<record.actionCount {
                    let expected = record.P[s][a].map {
                        TabularTransition(probability: $0[0], nextState: Int($0[1]), reward: $0[2], terminated: $0[3] == 1)
                    }
                    XCTAssertEqual(mdp.transitions(from: s, action: a), expected, "\(label) P[\(s)][\(a)]")
                }
            }
            // Entering a terminal state is exactly what terminates.
            let terminal = mdp.terminalStates
            for list in mdp.outcomes.joined() { for o in list { XCTAssertEqual(o.terminated, terminal.contains(o.nextState), label) } }
            for rollout in record.rollouts {
                let env = try registry.make(record.id, options: record.options.merging(["render_mode": "ansi"]) { $1 })
                let (observation, info) = try env.reset(seed: 0)
                XCTAssertEqual(discrete(observation), rollout.observations[0], label)
                XCTAssertEqual(info["prob"], .double(rollout.probs[0]), label)
                XCTAssertEqual(try env.render(), .text(rollout.renders[0]), label)
                for (i, action) in rollout.actions.prefix(rollout.rewards.count).enumerated() {
                    let step = try env.step(.discrete(action))
                    XCTAssertEqual(discrete(step.observation), rollout.observations[i + 1], "\(label) step \(i)")
                    XCTAssertEqual(step.reward, rollout.rewards[i], "\(label) step \(i)")
                    XCTAssertEqual(step.terminated, rollout.terminated[i], "\(label) step \(i)")
                    XCTAssertFalse(step.truncated)
                    XCTAssertEqual(step.info["prob"], .double(rollout.probs[i + 1]), "\(label) step \(i)")
                    XCTAssertEqual(try env.render(), .text(rollout.renders[i + 1]), "\(label) step \(i)")
                }
            }
        }
    }

    /// Slippery moves sample the table's outcomes with its probabilities: from the start of
    /// FrozenLake, "down" slides left (stays), down or right with 1/3 each; on slippery
    /// CliffWalking, "right" from the start goes up, onto the cliff (back to start, −100) or
    /// into the wall (stays, −1) with 1/3 each.
    func testSlipperyFrequencies() throws {
        let lake = try registry.make("FrozenLake-v1")
        _ = try lake.reset(seed: 5)
        var counts = [Int: Int]()
        let n = 30_000
        for _ in 0..<n {
            try tabular(lake).setState([0])
            counts[discrete(try lake.step(.discrete(1)).observation), default: 0] += 1
        }
        XCTAssertEqual(Set(counts.keys), [0, 1, 4])
        for (_, count) in counts { XCTAssertEqual(Double(count) / Double(n), 1.0 / 3.0, accuracy: 0.012) }

        let cliff = try registry.make("CliffWalkingSlippery-v1")
        _ = try cliff.reset(seed: 5)
        var outcomes = [String: Int]()
        for _ in 0..<n {
            try tabular(cliff).setState([36])
            let step = try cliff.step(.discrete(1))
            outcomes["\(discrete(step.observation)) \(step.reward)", default: 0] += 1
        }
        XCTAssertEqual(Set(outcomes.keys), ["24 -1.0", "36 -100.0", "36 -1.0"])
        for (_, count) in outcomes { XCTAssertEqual(Double(count) / Double(n), 1.0 / 3.0, accuracy: 0.012) }
        // The dense view averages the two ways back to the start: R[36][1][36] = (−100 − 1) / 2.
        let mdp = try tabular(cliff).mdp
        XCTAssertEqual(mdp.transitionProbabilities[36][1]![36], 2.0 / 3.0, accuracy: 1e-15)
        XCTAssertEqual(mdp.rewards[36][1][36], -50.5, accuracy: 1e-12)
    }

    /// Value iteration on the non-slippery lake finds the 6-step path (γ^5 at the start), and
    /// on CliffWalking the optimal return from the start is −13 (the path along the cliff edge).
    func testPlannersSeeTheRightModel() throws {
        func valueIteration(_ mdp: TabularMDP, gamma: Double, sweeps: Int) -> [Double] {
            var v = [Double](repeating: 0, count: mdp.stateCount)
            for _ in 0..<sweeps {
                v = (0..<mdp.stateCount).map { s in
                    mdp.possibleActions(in: s).map { mdp.actionValue(of: s, $0, values: v, gamma: gamma) }.max()!
                }
            }
            return v
        }
        let lake = try FrozenLake(isSlippery: false)
        XCTAssertEqual(valueIteration(lake.mdp, gamma: 0.9, sweeps: 50)[0], pow(0.9, 5), accuracy: 1e-12)
        let cliff = try CliffWalking()
        XCTAssertEqual(valueIteration(cliff.mdp, gamma: 1, sweeps: 100)[CliffWalking.startState], -13)
        // Slippery FrozenLake 4x4: 100 sweeps give the best success probability within the 100-step
        // limit, Gymnasium's "optimum = 0.74" (0.74419028782927 by NumPy on Gymnasium's P);
        // without a limit it is 14/17.
        let slippery = try FrozenLake()
        XCTAssertEqual(valueIteration(slippery.mdp, gamma: 1, sweeps: 100)[0], 0.7441902878292689, accuracy: 1e-12)
        XCTAssertEqual(valueIteration(slippery.mdp, gamma: 1, sweeps: 3000)[0], 14.0 / 17.0, accuracy: 1e-9)
    }

    // MARK: - Contract of every tabular environment

    func testContract() throws {
        let cases: [(id: String, action: Action, bad: [Action])] = [
            ("ThreeStateMDP-v0", .discrete(0), [.discrete(3), .discrete(-1), .continuous([0]), .multiDiscrete([0])]),
            ("MarkovChain-v0", .discrete(0), [.discrete(1), .discrete(-1), .continuous([0])]),
            ("FrozenLake-v1", .discrete(1), [.discrete(4), .discrete(-1), .continuous([1]), .continuous([.nan])]),
            ("FrozenLake8x8-v1", .discrete(2), [.discrete(4), .multiDiscrete([1])]),
            ("CliffWalking-v1", .discrete(0), [.discrete(4), .discrete(-1), .uint8([1], shape: [1])]),
            ("CliffWalkingSlippery-v1", .discrete(0), [.discrete(5)]),
            ("AliasedGridWorld-v0", .discrete(1), [.discrete(4), .multiDiscrete([0, 0, 0, 0]), .continuous([1])]),
        ]
        for (id, action, bad) in cases {
            XCTAssertFalse(try registry.spec(id).summary.isEmpty)
            let env = try registry.make(id, options: ["render_mode": "ansi"])
            XCTAssertThrowsError(try env.step(action)) { XCTAssertEqual($0 as? EnvironmentError, .stepBeforeReset(id: id)) }
            XCTAssertThrowsError(try env.render(), id)
            // Same seed, same trajectory (random actions from a fixed generator, resetting when done).
            func trajectory(seed: UInt64) throws -> [String] {
                var g = RandomGenerator(seed: 9)
                var log = ["\(try env.reset(seed: seed).observation)"]
                for _ in 0..<300 {
                    let tab = try tabular(env)
                    let possible = tab.mdp.possibleActions(in: tab.currentState)
                    let step = try env.step(.discrete(possible[g.int(below: possible.count)]))
                    log.append("\(step.observation) \(step.reward) \(step.terminated) \(step.truncated)")
                    if step.isDone { log.append("\(try env.reset().observation)") }
                }
                return log
            }
            XCTAssertEqual(try trajectory(seed: 11), try trajectory(seed: 11), id)
            if id != "CliffWalking-v1" {  // deterministic moves from a fixed start: seeds cannot matter
                XCTAssertNotEqual(try trajectory(seed: 11), try trajectory(seed: 12), id)
            }
            // The first reset without a seed uses seed 0.
            func firstSteps(_ env: any Environment, seed: UInt64?) throws -> [String] {
                var log = ["\(try env.reset(seed: seed).observation)"]
                for _ in 0..<20 {
                    let tab = try tabular(env)
                    let step = try env.step(.discrete(tab.mdp.possibleActions(in: tab.currentState)[0]))
                    log.append("\(step.observation) \(step.reward)")
                    if step.isDone { break }
                }
                return log
            }
            XCTAssertEqual(try firstSteps(registry.make(id), seed: nil), try firstSteps(registry.make(id), seed: 0), id)
            _ = try env.reset(seed: 0)
            for value in bad {
                XCTAssertThrowsError(try env.step(value), "\(id) \(value)") { error in
                    guard case .invalidAction(id, _) = error as? EnvironmentError else { return XCTFail("\(id): \(error)") }
                }
            }
            // The render shows the agent, and it follows the agent.
            let tab = try tabular(env)
            let before = try env.render()
            guard case let .text(text) = before else { return XCTFail("\(id): text expected") }
            XCTAssertFalse(text.isEmpty)
            for value in [[-1.0], [Double(tab.mdp.stateCount)], [0.5], [.nan], [], [0, 0]] {
                XCTAssertThrowsError(try tab.setState(value), "\(id) \(value)") { error in
                    guard case .invalidState = error as? EnvironmentError else { return XCTFail("\(id): \(error)") }
                }
            }
            let other = (tab.currentState + 1) % tab.mdp.stateCount
            try tab.setState([Double(other)])
            XCTAssertEqual(tab.state, [Double(other)])
            XCTAssertNotEqual(try env.render(), before, id)
            // Rendering needs render_mode ansi; rgb_array is refused when the environment is made.
            let silent = try registry.make(id)
            _ = try silent.reset(seed: 0)
            XCTAssertThrowsError(try silent.render()) { XCTAssertTrue("\($0)".contains("render_mode 'ansi'"), "\($0)") }
            XCTAssertThrowsError(try registry.make(id, options: ["render_mode": "rgb_array"])) { XCTAssertTrue("\($0)".contains("ansi"), "\($0)") }
        }
    }

    func testStepAfterTerminationThrows() throws {
        for (id, actions) in [("FrozenLake-v1", [1, 2]), ("CliffWalking-v1", [0] + Array(repeating: 1, count: 11) + [2]),
                              ("AliasedGridWorld-v0", [2])] {
            let env = try registry.make(id, options: id == "FrozenLake-v1" ? ["is_slippery": "false"] : [:])
            _ = try env.reset(seed: 0)
            if id == "AliasedGridWorld-v0" { try tabular(env).setState([0]) }
            var last: Step?
            for a in actions { last = try env.step(.discrete(a)) }
            XCTAssertEqual(last?.terminated, true, id)
            XCTAssertThrowsError(try env.step(.discrete(0))) { XCTAssertEqual($0 as? EnvironmentError, .stepAfterDone(id: id)) }
            _ = try env.reset()
            XCTAssertNoThrow(try env.step(.discrete(0)), id)
        }
    }

    func testFrozenLakeOptions() throws {
        XCTAssertThrowsError(try registry.make("FrozenLake-v1", options: ["map_name": "5x5"])) { XCTAssertTrue("\($0)".contains("4x4 or 8x8"), "\($0)") }
        XCTAssertThrowsError(try registry.make("FrozenLake-v1", options: ["desc": "SFF,FG"]))
        XCTAssertThrowsError(try registry.make("FrozenLake-v1", options: ["desc": "SFX,FFG"])) { XCTAssertTrue("\($0)".contains("'X'"), "\($0)") }
        XCTAssertThrowsError(try registry.make("FrozenLake-v1", options: ["desc": "FFF,FFG"])) { XCTAssertTrue("\($0)".contains("no start"), "\($0)") }
        XCTAssertThrowsError(try registry.make("FrozenLake-v1", options: ["reward_schedule": "1,0"]))
        XCTAssertThrowsError(try registry.make("FrozenLake-v1", options: ["success_rate": "1.5"]))
        XCTAssertThrowsError(try registry.make("FrozenLake-v1", options: ["is_slippery": "maybe"]))
        // The 8x8 map under the 4x4 id keeps the 4x4 step limit, as Gymnasium's kwargs do.
        let big = try registry.make("FrozenLake-v1", options: ["map_name": "8x8"])
        XCTAssertEqual((big as? TimeLimit)?.maxEpisodeSteps, 100)
        XCTAssertEqual(big.observationSpace, .discrete(64))
        // Two start tiles: reset picks either, uniformly.
        let lake = try FrozenLake(desc: ["SFS", "FHF", "FFG"], isSlippery: false)
        XCTAssertEqual(lake.mdp.initialStateDistribution, [0.5, 0, 0.5, 0, 0, 0, 0, 0, 0])
        var starts = Set<Int>()
        _ = try lake.reset(seed: 1)
        for _ in 0..<50 { starts.insert(discrete(try lake.reset().observation)) }
        XCTAssertEqual(starts, [0, 2])
        // Random maps always have a path to the goal and are reproducible from the seed.
        var g = RandomGenerator(seed: 3), h = RandomGenerator(seed: 3)
        for _ in 0..<20 {
            let map = FrozenLake.randomMap(size: 6, frozenProbability: 0.6, using: &g)
            XCTAssertEqual(map, FrozenLake.randomMap(size: 6, frozenProbability: 0.6, using: &h))
            XCTAssertEqual(map.count, 6)
            XCTAssertEqual(map[0].first, "S")
            XCTAssertEqual(map[5].last, "G")
            let solved = try FrozenLake(desc: map, isSlippery: false)
            var v = [Double](repeating: 0, count: 36)
            for _ in 0..<40 { v = (0..<36).map { s in (0..<4).map { solved.mdp.actionValue(of: s, $0, values: v, gamma: 1) }.max()! } }
            XCTAssertEqual(v[0], 1, "the goal is reachable")
        }
    }

    // MARK: - The aliased grid world

    func testAliasedGridWorldObservations() throws {
        let walls = (0..<5).map(AliasedGridWorld.walls(around:))
        XCTAssertEqual(walls, [[1, 0, 0, 1], [1, 0, 1, 0], [1, 0, 0, 0], [1, 0, 1, 0], [1, 1, 0, 0]])
        XCTAssertEqual(walls[1], walls[3], "the second and fourth corridor cells are aliased")
        XCTAssertEqual(Set(walls).count, 4)
        XCTAssertEqual(AliasedGridWorld.index(of: .multiDiscrete([1, 0, 1, 0])), 10)
        XCTAssertNil(AliasedGridWorld.index(of: .discrete(3)))
        let env = try registry.make("AliasedGridWorld-v0", options: ["render_mode": "ansi"])
        XCTAssertEqual((env as? TimeLimit)?.maxEpisodeSteps, 100)
        XCTAssertEqual(env.observationSpace, .multiDiscrete([2, 2, 2, 2]))
        var starts = Set<Int>()
        _ = try env.reset(seed: 0)
        for _ in 0..<200 {
            let observation = try env.reset().observation
            let state = try tabular(env).currentState
            XCTAssertEqual(observation, .multiDiscrete(walls[state]))
            starts.insert(state)
        }
        XCTAssertEqual(starts, [0, 1, 3, 4], "never starts above the treasure")
        try tabular(env).setState([1])
        XCTAssertEqual(try env.render(), .text("\no  x  o  o  o\nD  #  T  #  D\n"))
        let step = try env.step(.discrete(1))
        XCTAssertEqual(step.observation, .multiDiscrete([1, 0, 0, 0]))
        XCTAssertEqual(try env.render(), .text("  (East)\no  o  x  o  o\nD  #  T  #  D\n"))
        let treasure = try env.step(.discrete(2))
        XCTAssertEqual(treasure.reward, 1)
        XCTAssertTrue(treasure.terminated)
        XCTAssertEqual(try env.render(), .text("  (South)\no  o  o  o  o\nD  #  x  #  D\n"))
        // Walls hold the agent; the outer cells drop into danger.
        for (state, action, next, reward, done) in [(1, 2, 1, 0.0, false), (0, 3, 0, 0, false), (4, 1, 4, 0, false), (3, 0, 3, 0, false),
                                                    (0, 2, 5, -1, true), (4, 2, 7, -1, true)] {
            try tabular(env).setState([Double(state)])
            let step = try env.step(.discrete(action))
            XCTAssertEqual(try tabular(env).currentState, next)
            XCTAssertEqual(step.reward, reward)
            XCTAssertEqual(step.terminated, done)
        }
    }

    /// No deterministic map from observations to actions reaches the treasure from every
    /// start (the best reaches it from two of the four), while moving east or west at random
    /// in the aliased cells reaches it from every start.
    func testOnlyAStochasticPolicyReachesTheTreasure() throws {
        let env = try AliasedGridWorld()
        let observations = Array(Set((0..<5).map(AliasedGridWorld.walls(around:)))).sorted { $0.lexicographicallyPrecedes($1) }
        XCTAssertEqual(observations.count, 4)
        _ = try env.reset(seed: 0)
        var best = 0
        for code in 0..<256 {
            let policy = Dictionary(uniqueKeysWithValues: observations.enumerated().map { i, o in (o, (code >> (2 * i)) & 3) })
            var successes = 0
            for start in [0, 1, 3, 4] {
                try env.setState([Double(start)])
                var observation = AliasedGridWorld.walls(around: start)
                for _ in 0..<100 {
                    let step = try env.step(.discrete(policy[observation]!))
                    if step.terminated { if step.reward == 1 { successes += 1 }; break }
                    guard case let .multiDiscrete(bits) = step.observation else { return XCTFail("multi-discrete expected") }
                    observation = bits
                }
            }
            XCTAssertLessThan(successes, 4, "deterministic policy \(policy) reached the treasure from every start")
            best = max(best, successes)
        }
        XCTAssertEqual(best, 2)

        let registered = try registry.make("AliasedGridWorld-v0")
        var g = RandomGenerator(seed: 1)
        var starts = [Int: Int]()
        var totalSteps = 0
        let episodes = 5_000
        _ = try registered.reset(seed: 21)
        for _ in 0..<episodes {
            var observation = try registered.reset().observation
            starts[try tabular(registered).currentState, default: 0] += 1
            while true {
                let action: Int
                switch observation {
                case .multiDiscrete([1, 0, 0, 1]): action = 1  // left end: east
                case .multiDiscrete([1, 1, 0, 0]): action = 3  // right end: west
                case .multiDiscrete([1, 0, 0, 0]): action = 2  // above the treasure: south
                default: action = g.bernoulli(0.5) ? 1 : 3     // aliased: east or west at random
                }
                let step = try registered.step(.discrete(action))
                totalSteps += 1
                if step.isDone {
                    XCTAssertTrue(step.terminated)
                    XCTAssertEqual(step.reward, 1, "the stochastic policy never falls into danger")
                    break
                }
                observation = step.observation
            }
        }
        XCTAssertEqual(starts.count, 4)
        // From a corridor cell next to the middle, each try succeeds with probability 1/2 and a failed
        // try costs 2 steps, so an episode takes 2 + 2 * 1 = 4 steps from cells 1 and 3 and 5 from 0 and 4.
        XCTAssertEqual(Double(totalSteps) / Double(episodes), 4.5, accuracy: 0.1)
    }
}
