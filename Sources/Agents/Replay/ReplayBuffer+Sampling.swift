import Randomness

extension ReplayBuffer {
    /// Rejection sampling gives up after this many draws per requested row: with at least one
    /// transition per two slots (episodes of one step) a row needs two draws on average.
    static let drawsPerRow = 256

    /// Whether slot `index` holds a transition that can be sampled: complete, and with every
    /// frame of its stack still in the ring.
    func isSampleable(_ index: Int) -> Bool {
        guard kinds[index] == Kind.transition else { return false }
        guard frameStack > 1 else { return true }
        var stamp = stamp(ofSlot: index)
        for _ in 1..<frameStack {
            let previous = previousStamps[slot(stamp)]
            if previous == -1 { return true }
            if previous == -2 || !isAlive(previous) { return false }
            stamp = previous
        }
        return true
    }

    /// `count` sampleable slots drawn uniformly (rejecting observation-only slots, which are
    /// at most one per episode plus one per copy).
    func uniformSlots(_ count: Int, using generator: inout RandomGenerator) throws -> [Int] {
        guard transitionCount > 0 else {
            throw ReplayBufferError.insufficientData("the buffer holds no complete transition")
        }
        let occupied = occupiedSlots
        var slots: [Int] = []
        slots.reserveCapacity(count)
        var draws = 0
        while slots.count < count {
            let index = generator.int(below: occupied)
            if isSampleable(index) {
                slots.append(index)
            } else {
                draws += 1
                if draws > Self.drawsPerRow * count {
                    throw ReplayBufferError.insufficientData("too few of the \(occupied) stored slots hold transitions whose \(frameStack) frames are all stored")
                }
            }
        }
        return slots
    }

    /// Writes the observation of `stamp` (rebuilding its frame stack) as Floats to `destination`.
    func gatherObservation(_ stamp: Int64, into destination: UnsafeMutablePointer<Float>) {
        // Frame j of the stack (j = k − 1 newest) comes from the slot j − (k − 1) steps back.
        var current = stamp, available = true
        for position in stride(from: frameStack - 1, through: 0, by: -1) {
            let target = destination + position * frameSize
            if available {
                copyFrame(slot(current), to: target)
                let previous = previousStamps[slot(current)]
                if position > 0 {
                    if previous >= 0 && isAlive(previous) { current = previous } else { available = false }
                }
            } else if stackPadding == .reset {
                // Repeat the episode's first frame, just written at position + 1.
                target.update(from: target + frameSize, count: frameSize)
            } else {
                target.update(repeating: 0, count: frameSize)
            }
        }
    }

    private func copyFrame(_ index: Int, to target: UnsafeMutablePointer<Float>) {
        let base = index * frameSize
        if observationType == .uint8 {
            byteObservations.withUnsafeBufferPointer { source in
                let start = source.baseAddress! + base
                for k in 0..<frameSize { target[k] = Float(start[k]) }
            }
        } else {
            floatObservations.withUnsafeBufferPointer { source in
                target.update(from: source.baseAddress! + base, count: frameSize)
            }
        }
    }

    /// A batch of `batchSize` transitions; with `nSteps` > 1, n-step transitions
    /// (see ``ReplayBatch``) discounted by `gamma`. Slots are drawn uniformly, or by priority
    /// in a ``PrioritizedReplayBuffer``. With the defaults (one step, γ = 1) `discounts` are
    /// TF-Agents' 0 after termination and 1 otherwise.
    ///
    /// An n-step window stops at the end of its episode (termination, truncation, or an
    /// abandoned episode) and at the newest observation a copy has collected; `steps` and
    /// `discounts` report the m steps actually summed, so such rows remain correct, shorter
    /// targets.
    public func sample(batchSize: Int, nSteps: Int = 1, gamma: Double = 1,
                       using generator: inout RandomGenerator) throws -> ReplayBatch {
        precondition(batchSize > 0, "ReplayBuffer.sample: batchSize must be positive, got \(batchSize)")
        precondition(nSteps > 0, "ReplayBuffer.sample: nSteps must be positive, got \(nSteps)")
        let slots = try drawSlots(batchSize, using: &generator)
        let d = actionLayout.scalarCount, isDiscrete = actionLayout == .discrete
        var observations = [Float](repeating: 0, count: batchSize * observationSize)
        var nextObservations = [Float](repeating: 0, count: batchSize * observationSize)
        var discreteOut = [Int32](repeating: 0, count: isDiscrete ? batchSize : 0)
        var continuousOut = [Float](repeating: 0, count: isDiscrete ? 0 : batchSize * d)
        var rewardsOut = [Float](repeating: 0, count: batchSize)
        var terminatedOut = [Bool](repeating: false, count: batchSize)
        var truncatedOut = [Bool](repeating: false, count: batchSize)
        var discountsOut = [Float](repeating: 0, count: batchSize)
        var stepsOut = [Int32](repeating: 0, count: batchSize)
        observations.withUnsafeMutableBufferPointer { obs in
            nextObservations.withUnsafeMutableBufferPointer { nextObs in
                for (row, index) in slots.enumerated() {
                    gatherObservation(stamp(ofSlot: index), into: obs.baseAddress! + row * observationSize)
                    if isDiscrete {
                        discreteOut[row] = discreteActions[index]
                    } else {
                        for k in 0..<d { continuousOut[row * d + k] = continuousActions[index * d + k] }
                    }
                    // Sutton & Barto eq. 7.1, summed in Double.
                    var current = index, sum = 0.0, scale = 1.0, m = 0, terminal = false
                    while true {
                        sum += scale * Double(rewards[current])
                        m += 1
                        if terminatedFlags[current] { terminal = true; break }
                        scale *= gamma
                        let next = slot(nextStamps[current])
                        if truncatedFlags[current] || m == nSteps || kinds[next] != Kind.transition { break }
                        current = next
                    }
                    rewardsOut[row] = Float(sum)
                    terminatedOut[row] = terminal
                    truncatedOut[row] = truncatedFlags[current]
                    discountsOut[row] = terminal ? 0 : Float(scale)
                    stepsOut[row] = Int32(m)
                    gatherObservation(nextStamps[current], into: nextObs.baseAddress! + row * observationSize)
                }
            }
        }
        return ReplayBatch(batchSize: batchSize, observationShape: observationShape, observations: observations,
                           discreteActions: discreteOut, continuousActions: continuousOut, rewards: rewardsOut,
                           nextObservations: nextObservations, terminated: terminatedOut, truncated: truncatedOut,
                           discounts: discountsOut, steps: stepsOut, indices: slots,
                           weights: importanceWeights(for: slots))
    }

    /// Whether `numSteps` consecutive steps of one episode start at slot `index`.
    func startsTrajectory(_ index: Int, numSteps: Int) -> Bool {
        guard isSampleable(index) else { return false }
        var current = index
        for _ in 1..<numSteps {
            if terminatedFlags[current] || truncatedFlags[current] { return false }
            let next = slot(nextStamps[current])
            if kinds[next] != Kind.transition { return false }
            current = next
        }
        return true
    }

    /// `batchSize` trajectories of `numSteps` consecutive steps, drawn uniformly among the
    /// stored ones; none crosses an episode's end or a copy's newest collected step.
    public func sampleTrajectories(batchSize: Int, numSteps: Int,
                                   using generator: inout RandomGenerator) throws -> ReplayTrajectories {
        precondition(batchSize > 0 && numSteps > 0,
                     "ReplayBuffer.sampleTrajectories: batchSize and numSteps must be positive, got \(batchSize), \(numSteps)")
        guard transitionCount > 0 else {
            throw ReplayBufferError.insufficientData("the buffer holds no complete transition")
        }
        let occupied = occupiedSlots
        var starts: [Int] = []
        var draws = 0
        while starts.count < batchSize {
            let index = generator.int(below: occupied)
            if startsTrajectory(index, numSteps: numSteps) {
                starts.append(index)
            } else {
                draws += 1
                if draws > Self.drawsPerRow * batchSize {
                    throw ReplayBufferError.insufficientData("too few stored episodes have \(numSteps) consecutive steps")
                }
            }
        }
        let d = actionLayout.scalarCount, isDiscrete = actionLayout == .discrete, t = numSteps
        var observations = [Float](repeating: 0, count: batchSize * (t + 1) * observationSize)
        var discreteOut = [Int32](repeating: 0, count: isDiscrete ? batchSize * t : 0)
        var continuousOut = [Float](repeating: 0, count: isDiscrete ? 0 : batchSize * t * d)
        var rewardsOut = [Float](repeating: 0, count: batchSize * t)
        var terminatedOut = [Bool](repeating: false, count: batchSize * t)
        var truncatedOut = [Bool](repeating: false, count: batchSize * t)
        observations.withUnsafeMutableBufferPointer { obs in
            for (row, start) in starts.enumerated() {
                var current = start
                for step in 0..<t {
                    let cell = row * t + step
                    gatherObservation(stamp(ofSlot: current), into: obs.baseAddress! + (row * (t + 1) + step) * observationSize)
                    if isDiscrete {
                        discreteOut[cell] = discreteActions[current]
                    } else {
                        for k in 0..<d { continuousOut[cell * d + k] = continuousActions[current * d + k] }
                    }
                    rewardsOut[cell] = rewards[current]
                    terminatedOut[cell] = terminatedFlags[current]
                    truncatedOut[cell] = truncatedFlags[current]
                    if step == t - 1 {
                        gatherObservation(nextStamps[current], into: obs.baseAddress! + (row * (t + 1) + t) * observationSize)
                    } else {
                        current = slot(nextStamps[current])
                    }
                }
            }
        }
        return ReplayTrajectories(batchSize: batchSize, numSteps: t, observationShape: observationShape,
                                  observations: observations, discreteActions: discreteOut,
                                  continuousActions: continuousOut, rewards: rewardsOut, terminated: terminatedOut,
                                  truncated: truncatedOut, indices: starts)
    }
}
