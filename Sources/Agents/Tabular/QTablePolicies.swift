import Environments
import Randomness

/// The greedy policy of a ``QTable``: the largest Q-value of the observation's row, the
/// lowest action on ties; impossible actions (−∞) are never chosen.
final class QTableGreedyPolicy: Policy {
    let table: QTable
    let indexer: TabularStateIndexer
    var actionSpace: Space { .discrete(indexer.actionCount, start: indexer.actionStart) }

    init(table: QTable, indexer: TabularStateIndexer) {
        self.table = table
        self.indexer = indexer
    }

    func action(for timeStep: TimeStep, state: PolicyState?, using generator: inout RandomGenerator) throws -> PolicyStep {
        let s = try indexer.index(of: timeStep.observation)
        return PolicyStep(action: indexer.action(table.greedyAction(in: s)), state: state)
    }
}

/// The collect policy of ``QLearningAgent`` and ``SARSAAgent``: one of the
/// ``TabularExploration`` rules over the learner's table, with ε scheduled on the
/// environment steps taken so far. Its greedy choices break ties at random (the evaluation
/// policy keeps the lowest action), so that a table still all zeros explores instead of
/// always taking action 0.
final class QTableExplorationPolicy: Policy {
    unowned let learner: TabularControl
    var actionSpace: Space { .discrete(learner.indexer.actionCount, start: learner.indexer.actionStart) }

    init(learner: TabularControl) {
        self.learner = learner
    }

    func action(for timeStep: TimeStep, state: PolicyState?, using generator: inout RandomGenerator) throws -> PolicyStep {
        let s = try learner.indexer.index(of: timeStep.observation)
        learner.noteLegalActions(in: s)
        let table = learner.table
        let action: Int
        switch learner.exploration {
        case .random:
            action = table.possibleAction(generator.int(below: table.possibleCount(in: s)), in: s)
        case .epsilonGreedy:
            // The uniform draw comes first and always, as in EpsilonGreedyPolicy, so the
            // generator advances the same way whichever branch is taken.
            if generator.uniformDouble() < learner.currentEpsilon {
                action = table.possibleAction(generator.int(below: table.possibleCount(in: s)), in: s)
            } else {
                action = table.greedyAction(in: s, breakingTiesWith: &generator)
            }
        case .countBased:
            action = table.mostPromisingAction(in: s, bonus: learner.explorationBonus).action
        }
        return PolicyStep(action: learner.indexer.action(action), state: state)
    }
}
