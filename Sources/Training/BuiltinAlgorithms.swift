import Agents

/// The algorithms registered in ``AlgorithmRegistry/shared``. Each config's `seed` is the
/// run's seed (``AlgorithmRegistry/resolve`` writes it into the agent's configuration).
enum BuiltinAlgorithms {
    static var entries: [AlgorithmEntry] {
        [
            AlgorithmEntry(name: REINFORCEAgent.algorithmName,
                           summary: "REINFORCE (Williams 1992), the Hands-On ML CartPole setup by default",
                           defaultConfig: REINFORCEConfig(), defaultIterations: 150) { config, context in
                try REINFORCEAgent.make(config: config, environment: try context.makeEnvironment())
            },
            AlgorithmEntry(name: DQNAgent.algorithmName,
                           summary: "deep Q-learning; double, dueling, prioritized, n-step switches (RL Zoo CartPole defaults)",
                           defaultConfig: DQNConfig(), defaultTotalSteps: 50_000) { config, context in
                try DQNAgent.make(config: config, environment: try context.makeEnvironment())
            },
            AlgorithmEntry(name: QLearningAgent.algorithmName,
                           summary: "tabular Q-learning with random, epsilon-greedy or count-based exploration",
                           defaultConfig: QLearningConfig(), defaultTotalSteps: 200_000) { config, context in
                try QLearningAgent.make(config: config, environment: try context.makeEnvironment())
            },
            AlgorithmEntry(name: SARSAAgent.algorithmName,
                           summary: "tabular SARSA (on-policy TD control) with epsilon-greedy exploration",
                           defaultConfig: SARSAConfig(), defaultTotalSteps: 200_000) { config, context in
                try SARSAAgent.make(config: config, environment: try context.makeEnvironment())
            },
            AlgorithmEntry(name: GeneticAlgorithmAgent.algorithmName,
                           summary: "genetic algorithm over neural-network policy weights (population 100, 20 elites)",
                           defaultConfig: GeneticAlgorithmConfig(), defaultIterations: 20) { config, context in
                try GeneticAlgorithmAgent.make(config: config, environment: try context.makeEnvironment())
            },
            AlgorithmEntry(name: RandomSearchAgent.algorithmName,
                           summary: "random search over neural-network policy weights",
                           defaultConfig: RandomSearchConfig(), defaultIterations: 20) { config, context in
                try RandomSearchAgent.make(config: config, environment: try context.makeEnvironment())
            },
        ]
    }
}
