import Agents

/// The algorithms registered in ``AlgorithmRegistry/shared``. Each config's `seed` is the
/// run's seed (``AlgorithmRegistry/resolve`` writes it into the agent's configuration).
enum BuiltinAlgorithms {
    static var entries: [AlgorithmEntry] {
        [
            AlgorithmEntry(name: REINFORCEAgent.algorithmName,
                           summary: "REINFORCE (Williams 1992), the Hands-On ML CartPole setup by default",
                           defaultConfig: REINFORCEConfig(), defaultIterations: 150, presets: reinforcePresets) { config, context in
                try REINFORCEAgent.make(config: config, environment: try context.makeEnvironment())
            },
            AlgorithmEntry(name: DQNAgent.algorithmName,
                           summary: "deep Q-learning; double, dueling, prioritized, n-step switches (RL Zoo CartPole defaults)",
                           defaultConfig: DQNConfig(), defaultTotalSteps: 50_000, presets: dqnPresets) { config, context in
                try DQNAgent.make(config: config, environment: try context.makeEnvironment())
            },
            AlgorithmEntry(name: A2CAgent.algorithmName,
                           summary: "advantage actor-critic, synchronous (SB3 defaults, 8 environments)",
                           defaultConfig: A2CConfig(), defaultTotalSteps: 500_000, presets: a2cPresets) { config, context in
                try A2CAgent.make(config: config) { try context.makeEnvironment() }
            },
            AlgorithmEntry(name: A3CAgent.algorithmName,
                           summary: "asynchronous advantage actor-critic: worker threads update shared weights (2 workers)",
                           defaultConfig: A3CConfig(), defaultTotalSteps: 200_000, presets: a3cPresets) { config, context in
                try A3CAgent.make(config: config) { try context.makeEnvironment() }
            },
            AlgorithmEntry(name: PPOAgent.algorithmName,
                           summary: "proximal policy optimisation, clipped (RL Zoo CartPole defaults, 8 environments)",
                           defaultConfig: PPOConfig(), defaultTotalSteps: 100_000, presets: ppoPresets) { config, context in
                try PPOAgent.make(config: config) { try context.makeEnvironment() }
            },
            AlgorithmEntry(name: SACAgent.algorithmName,
                           summary: "soft actor-critic for continuous (Box) actions, learned entropy coefficient (SB3 defaults)",
                           defaultConfig: SACConfig(), defaultTotalSteps: 20_000, presets: sacPresets) { config, context in
                try SACAgent.make(config: config, environment: try context.makeEnvironment())
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

    /// The options of SB3's `AtariWrapper` (no-op starts, 4-frame skip with max-pooling, 84x84
    /// grayscale, a lost life ends the episode, FIRE after resets, rewards clipped to their
    /// sign) and its `VecFrameStack` of 4, which RL Zoo's Atari entries train on; see
    /// `Environments.AtariPipeline`. FIRE is action 1 in Pong and Breakout; for games without
    /// it add `--env-option fire_reset=false`.
    static let sb3AtariOptions = ["atari_preprocessing": "standard", "frame_stack": "4", "terminal_on_life_loss": "true",
                                  "clip_reward": "true", "fire_reset": "true"]

    /// The Atari ids the Atari presets are picked for (a pattern can only end in `*`, and
    /// `fire_reset` suits only games with FIRE, so they are listed).
    static let atariIDs = ["ALE/Pong-v5", "ALE/Breakout-v5", "PongNoFrameskip-v4", "BreakoutNoFrameskip-v4"]

    static var reinforcePresets: [AlgorithmPreset] {
        [
            // Not PongNoFrameskip-v4: the Pong preprocessing skips no frames itself, so there each
            // step would be a single frame and a game tens of thousands of steps.
            AlgorithmPreset(name: "pong", summary: "Karpathy's Pong from Pixels with a CNN policy: frame differences, RMSprop, 10 games per update",
                            config: REINFORCEConfig.pong, tunedFor: ["ALE/Pong-v5", "Pong-v4", "Pong-v0"], iterations: 1_000,
                            envOptions: ["atari_preprocessing": "pong"]),
        ]
    }

    static var a2cPresets: [AlgorithmPreset] {
        [
            AlgorithmPreset(name: "rl-zoo-cartpole", summary: "RL Zoo's CartPole-v1 A2C (SB3 defaults, 8 environments), 500k steps",
                            config: A2CConfig(), tunedFor: ["CartPole-v1"], totalSteps: 500_000),
            AlgorithmPreset(name: "tutorial", summary: "the TF2 A2C tutorial: 1 environment, 32-step batches, 1,000 updates",
                            config: A2CConfig.tutorial, tunedFor: ["CartPole-v0"], totalSteps: 32_000),
            AlgorithmPreset(name: "per-step", summary: "one environment, an update every step, the A3C paper's shared conv trunk (images)",
                            config: A2CConfig.perStep, totalSteps: 1_000_000),
            AlgorithmPreset(name: "atari", summary: "RL Zoo's Atari A2C: SB3's AtariWrapper, 4 frames, Nature CNN, 16 envs, RMSpropTFLike, 10M steps",
                            config: A2CConfig.rlZooAtari, tunedFor: atariIDs, totalSteps: 10_000_000, envOptions: sb3AtariOptions),
            AlgorithmPreset(name: "pong", summary: "A2C on Karpathy's Pong frame differences: the Pong CNN with a value head, 16 envs, 10M steps",
                            config: A2CConfig.pong, totalSteps: 10_000_000, envOptions: ["atari_preprocessing": "pong"]),
        ]
    }

    static var ppoPresets: [AlgorithmPreset] {
        [
            AlgorithmPreset(name: "rl-zoo-cartpole", summary: "RL Zoo's tuned CartPole-v1 PPO (the defaults), 100k steps",
                            config: PPOConfig.rlZooCartPole, tunedFor: ["CartPole-v1", "CartPole-v0"], totalSteps: 100_000),
            AlgorithmPreset(name: "rl-zoo-acrobot", summary: "RL Zoo's Acrobot-v1 PPO: 16 environments, normalised, 1M steps",
                            config: PPOConfig.rlZooAcrobot, tunedFor: ["Acrobot-v1"], totalSteps: 1_000_000),
            AlgorithmPreset(name: "rl-zoo-pendulum", summary: "RL Zoo's Pendulum-v1 PPO with gSDE, 100k steps",
                            config: PPOConfig.rlZooPendulum, tunedFor: ["Pendulum-v1"], totalSteps: 100_000),
            AlgorithmPreset(name: "rl-zoo-mountaincarcontinuous",
                            summary: "RL Zoo's MountainCarContinuous-v0 PPO: gSDE, normalised, 20k steps",
                            config: PPOConfig.rlZooMountainCarContinuous, tunedFor: ["MountainCarContinuous-v0"], totalSteps: 20_000),
            AlgorithmPreset(name: "minatar", summary: "CleanRL-style Atari PPO on flattened MinAtar grids, 2M steps",
                            config: PPOConfig.minAtar, tunedFor: ["MinAtar/*"], totalSteps: 2_000_000),
            AlgorithmPreset(name: "atari", summary: "RL Zoo's Atari PPO: SB3's AtariWrapper, 4 frames, Nature CNN, 8 envs x 128 steps, 10M steps",
                            config: PPOConfig.rlZooAtari, tunedFor: atariIDs, totalSteps: 10_000_000, envOptions: sb3AtariOptions),
        ]
    }

    static var a3cPresets: [AlgorithmPreset] {
        [
            AlgorithmPreset(name: "cartpole", summary: "2 workers, 16-step rollouts, shared RMSprop, lr 3e-3 annealed to 0 over 200k steps",
                            config: A3CConfig(), tunedFor: ["CartPole-v1"], totalSteps: 200_000),
            AlgorithmPreset(name: "paper", summary: "the paper's t_max 5, shared RMSprop (α 0.99, ε 0.1) and entropy 0.01; untuned, 200k steps",
                            config: A3CConfig.paper, totalSteps: 200_000),
        ]
    }

    static var sacPresets: [AlgorithmPreset] {
        [
            AlgorithmPreset(name: "rl-zoo-pendulum", summary: "RL Zoo's Pendulum-v1 SAC (learning rate 1e-3, SB3 defaults), 20k steps",
                            config: SACConfig.rlZooPendulum, tunedFor: ["Pendulum-v1"], totalSteps: 20_000),
            AlgorithmPreset(name: "rl-zoo-mountaincarcontinuous",
                            summary: "RL Zoo's MountainCarContinuous-v0 SAC: gSDE, 64-64 networks, fixed α 0.1, 50k steps",
                            config: SACConfig.rlZooMountainCarContinuous, tunedFor: ["MountainCarContinuous-v0"], totalSteps: 50_000),
        ]
    }

    static var dqnPresets: [AlgorithmPreset] {
        [
            AlgorithmPreset(name: "rl-zoo-cartpole", summary: "RL Zoo's tuned CartPole-v1 settings (the defaults), 50k steps",
                            config: DQNConfig.rlZooCartPole, tunedFor: ["CartPole-v1", "CartPole-v0"], totalSteps: 50_000),
            AlgorithmPreset(name: "rl-zoo-acrobot", summary: "RL Zoo's tuned Acrobot-v1 settings, 100k steps",
                            config: DQNConfig.rlZooAcrobot, tunedFor: ["Acrobot-v1"], totalSteps: 100_000),
            AlgorithmPreset(name: "rl-zoo-mountaincar", summary: "RL Zoo's tuned MountainCar-v0 settings, 120k steps",
                            config: DQNConfig.rlZooMountainCar, tunedFor: ["MountainCar-v0"], totalSteps: 120_000),
            AlgorithmPreset(name: "minatar", summary: "the MinAtar paper's DQN (Young & Tian 2019), 5M steps",
                            config: DQNConfig.minAtar, tunedFor: ["MinAtar/*"], totalSteps: 5_000_000),
            AlgorithmPreset(name: "textbook", summary: "Hands-On ML's basic DQN: no target network, MSE, 600 episodes of 200 steps",
                            config: DQNConfig.textbook, iterations: 600, envOptions: ["max_episode_steps": "200"]),
            // TF-Agents' AtariPreprocessing (Dopamine's) takes no no-op starts, and its time limit
            // wraps the preprocessed environment: 27,000 agent steps, 108,000 frames.
            AlgorithmPreset(name: "atari", summary: "Hands-On ML's TF-Agents Atari DQN (Nature CNN, RMSprop, 4 frames), 10M steps",
                            config: DQNConfig.atari, tunedFor: atariIDs, totalSteps: 10_000_000,
                            envOptions: ["atari_preprocessing": "standard", "noop_max": "0", "frame_stack": "4",
                                         "max_episode_steps": "27000"]),
        ]
    }
}
