/// How ``SyncVectorEnvironment`` spreads a step over the cores.
public enum VectorParallelism: Sendable, Hashable {
    /// One copy after the other on the calling thread.
    case sequential
    /// The copies in `chunks` contiguous groups stepped on `DispatchQueue.concurrentPerform`
    /// (nil: one chunk per active core). Worth it only when a copy's step costs much more
    /// than the few microseconds of handing work to another thread.
    case parallel(chunks: Int? = nil)
    /// Measures the first ``StepScheduler/calibrationSteps`` steps sequentially and
    /// goes parallel when a whole vector step takes longer than
    /// ``StepScheduler/parallelThresholdNanoseconds`` and there is more than one core.
    case automatic
}

/// N copies of any ``Environment`` stepped one after the other, or in parallel chunks, as
/// one (Gymnasium's `SyncVectorEnv`, with same-step auto-reset).
///
/// Stepping in parallel gives exactly the results of stepping sequentially: every copy owns
/// its simulator and random generator, each copy is touched by one thread per step, and the
/// results land at the copy's index.
public final class SyncVectorEnvironment: VectorEnvironment {
    /// The copies, in order; copy i receives `actions[i]`.
    public let environments: [any Environment]
    public let parallelism: VectorParallelism

    @exclusivity(unchecked) private var observations: [Observation]
    @exclusivity(unchecked) private var rewards: [Double]
    @exclusivity(unchecked) private var terminated: [Bool]
    @exclusivity(unchecked) private var truncated: [Bool]
    @exclusivity(unchecked) private var finalObservations: [Observation?]
    @exclusivity(unchecked) private var finalInfos: [Info?]
    @exclusivity(unchecked) private var infos: [Info]
    @exclusivity(unchecked) private var errors: [(any Error)?]
    @exclusivity(unchecked) private var hasReset = false
    @exclusivity(unchecked) private var wasSeeded = false
    @exclusivity(unchecked) private var scheduler: StepScheduler

    /// Makes `count` copies with `makeEnvironment(i)`; each call must return a new instance.
    public init(count: Int, parallelism: VectorParallelism = .sequential,
                makeEnvironment: (Int) throws -> any Environment) throws {
        guard count >= 1 else {
            throw EnvironmentError.invalidOption(id: "SyncVectorEnvironment", option: "count",
                                                 reason: "a vector environment needs at least one copy, got \(count)")
        }
        if case let .parallel(chunks?) = parallelism, chunks < 1 {
            throw EnvironmentError.invalidOption(id: "SyncVectorEnvironment", option: "chunks",
                                                 reason: "parallel stepping needs at least one chunk, got \(chunks)")
        }
        var environments: [any Environment] = []
        for i in 0..<count {
            let environment = try makeEnvironment(i)
            if environments.contains(where: { $0 === environment }) {
                throw EnvironmentError.invalidOption(id: environment.id, option: "makeEnvironment", reason:
                    "copy \(i) is the same instance as an earlier copy; the factory must build a new environment per call")
            }
            environments.append(environment)
        }
        let first = environments[0]
        for (i, environment) in environments.enumerated().dropFirst() {
            guard environment.observationSpace == first.observationSpace, environment.actionSpace == first.actionSpace else {
                throw EnvironmentError.invalidOption(id: first.id, option: "makeEnvironment", reason:
                    "copy \(i) (\(environment.id)) has spaces \(environment.observationSpace) / \(environment.actionSpace), copy 0 has \(first.observationSpace) / \(first.actionSpace); every copy must share its spaces")
            }
        }
        self.environments = environments
        self.parallelism = parallelism
        scheduler = StepScheduler(parallelism: parallelism)
        observations = Array(repeating: .discrete(0), count: count)
        rewards = Array(repeating: 0, count: count)
        terminated = Array(repeating: false, count: count)
        truncated = Array(repeating: false, count: count)
        finalObservations = Array(repeating: nil, count: count)
        finalInfos = Array(repeating: nil, count: count)
        infos = Array(repeating: Info(), count: count)
        errors = Array(repeating: nil, count: count)
    }

    /// `count` copies of the registered environment `id`, made with `registry.make`.
    public convenience init(id: String, count: Int, options: [String: String] = [:], registry: Registry = .shared,
                            parallelism: VectorParallelism = .sequential) throws {
        try self.init(count: count, parallelism: parallelism) { _ in try registry.make(id, options: options) }
    }

    public var count: Int { environments.count }
    public var singleObservationSpace: Space { environments[0].observationSpace }
    public var singleActionSpace: Space { environments[0].actionSpace }
    public var id: String { environments[0].id }

    /// True when steps currently run on several threads (for ``VectorParallelism/automatic``,
    /// after calibration).
    public var isSteppingInParallel: Bool { scheduler.isParallel }

    public func reset(seed: UInt64?) throws -> (observations: [Observation], infos: [Info]) {
        let base: UInt64? = seed ?? (wasSeeded ? nil : 0)
        for (i, environment) in environments.enumerated() {
            let (observation, info) = try environment.reset(seed: base.map { $0 &+ UInt64(i) }, options: [:])
            observations[i] = observation
            infos[i] = info
        }
        wasSeeded = true
        hasReset = true
        return (observations, infos)
    }

    public func step(_ actions: [Action]) throws -> VectorStep {
        guard hasReset else { throw EnvironmentError.stepBeforeReset(id: id) }
        try validate(actions)
        stepAll(actions)
        if let index = errors.firstIndex(where: { $0 != nil }) {
            let error = errors[index]!
            for i in errors.indices { errors[i] = nil }
            // A copy failed mid-batch (its own step threw, e.g. stepAfterDone after an
            // external reset bypassed us): the batch is no longer consistent, so make the
            // caller reset before going on.
            hasReset = false
            throw error
        }
        return VectorStep(observations: observations, rewards: rewards, terminated: terminated, truncated: truncated,
                          finalObservations: finalObservations, finalInfos: finalInfos, infos: infos)
    }

    public func close() {
        for environment in environments { environment.close() }
    }

    /// Steps every copy, on several threads when the scheduler says so.
    private func stepAll(_ actions: [Action]) {
        // Pointers are taken once here, on the calling thread, so that no worker triggers a
        // copy-on-write of storage another worker is writing (the previous VectorStep may
        // still share it) and each worker writes only its own copies' elements.
        observations.withUnsafeMutableBufferPointer { observations in
        rewards.withUnsafeMutableBufferPointer { rewards in
        terminated.withUnsafeMutableBufferPointer { terminated in
        truncated.withUnsafeMutableBufferPointer { truncated in
        finalObservations.withUnsafeMutableBufferPointer { finalObservations in
        finalInfos.withUnsafeMutableBufferPointer { finalInfos in
        infos.withUnsafeMutableBufferPointer { infos in
        errors.withUnsafeMutableBufferPointer { errors in
            let outputs = Outputs(environments: environments, actions: actions, observations: observations, rewards: rewards,
                                  terminated: terminated, truncated: truncated, finalObservations: finalObservations,
                                  finalInfos: finalInfos, infos: infos, errors: errors)
            scheduler.run(count: count) { outputs.step($0) }
        }}}}}}}}
    }
}

/// The copies and the output buffers of one vector step, shared by the workers of a
/// parallel step. Unchecked-Sendable because the workers touch disjoint copies and
/// disjoint elements only (see ``SyncVectorEnvironment``), which the type system cannot see.
private struct Outputs: @unchecked Sendable {
    let environments: [any Environment]
    let actions: [Action]
    let observations: UnsafeMutableBufferPointer<Observation>
    let rewards: UnsafeMutableBufferPointer<Double>
    let terminated: UnsafeMutableBufferPointer<Bool>
    let truncated: UnsafeMutableBufferPointer<Bool>
    let finalObservations: UnsafeMutableBufferPointer<Observation?>
    let finalInfos: UnsafeMutableBufferPointer<Info?>
    let infos: UnsafeMutableBufferPointer<Info>
    let errors: UnsafeMutableBufferPointer<(any Error)?>

    /// Steps copies `range`, resetting those whose episode ends.
    func step(_ range: Range<Int>) {
        for i in range {
            do {
                let environment = environments[i]
                let step = try environment.step(actions[i])
                rewards[i] = step.reward
                terminated[i] = step.terminated
                truncated[i] = step.truncated
                if step.terminated || step.truncated {
                    finalObservations[i] = step.observation
                    finalInfos[i] = step.info
                    let (observation, info) = try environment.reset(seed: nil, options: [:])
                    observations[i] = observation
                    infos[i] = info
                } else {
                    finalObservations[i] = nil
                    finalInfos[i] = nil
                    observations[i] = step.observation
                    infos[i] = step.info
                }
            } catch {
                errors[i] = error
            }
        }
    }
}
