import Networks

/// Published DQN settings. The default ``DQNConfig()`` is RL Zoo's CartPole-v1 entry; the
/// command line picks the entry tuned for an environment when there is one
/// (`swiftrl train dqn --env Acrobot-v1`) and takes the others by name (`--preset textbook`).
extension DQNConfig {
    /// RL Zoo's tuned CartPole-v1 settings (the defaults), for 50,000 steps.
    public static var rlZooCartPole: DQNConfig { DQNConfig() }

    /// RL Zoo's tuned Acrobot-v1 settings (`hyperparams/dqn.yml`), for 100,000 steps:
    /// learning rate 6.3e-4, batch 128, buffer 50,000, no warm-up, a hard target update every
    /// 250 steps, 4 gradient steps every 4 steps (`gradient_steps: -1` with one environment),
    /// ε from 1 to 0.1 over the first 12% of the run.
    public static var rlZooAcrobot: DQNConfig {
        var config = DQNConfig()
        config.learningRate = 6.3e-4
        config.batchSize = 128
        config.bufferSize = 50_000
        config.learningStarts = 0
        config.gamma = 0.99
        config.targetUpdateInterval = 250
        config.trainFreq = 4
        config.gradientSteps = 4
        config.epsilon = .linear(from: 1, to: 0.1, steps: 12_000)
        return config
    }

    /// RL Zoo's tuned MountainCar-v0 settings, for 120,000 steps: learning rate 4e-3, batch
    /// 128, buffer 10,000, 1,000 warm-up steps, γ 0.98, a hard target update every 600 steps,
    /// 8 gradient steps every 16 steps, ε from 1 to 0.07 over the first 20% of the run.
    public static var rlZooMountainCar: DQNConfig {
        var config = DQNConfig()
        config.learningRate = 4e-3
        config.batchSize = 128
        config.bufferSize = 10_000
        config.learningStarts = 1_000
        config.gamma = 0.98
        config.targetUpdateInterval = 600
        config.trainFreq = 16
        config.gradientSteps = 8
        config.epsilon = .linear(from: 1, to: 0.07, steps: 24_000)
        return config
    }

    /// The DQN of the MinAtar paper (Young & Tian 2019): the MinAtar network, centred RMSprop
    /// (PyTorch's, lr 2.5e-4, α 0.95, ε 0.01), batch 32, buffer 100,000, 5,000 random
    /// warm-up steps, one gradient step per environment step, a hard target update every 1,000
    /// steps, Huber loss, γ 0.99, ε from 1 to 0.1 over 100,000 steps. (The paper starts the
    /// decay after the warm-up; here it starts at step 0, so ε is 0.95 rather than 1 when
    /// learning starts.) The paper trains for 5 million frames.
    public static var minAtar: DQNConfig {
        var config = DQNConfig()
        config.network = .minAtar
        config.optimizer = .rmsprop
        config.learningRate = 2.5e-4
        config.rmspropRho = 0.95
        config.rmspropEpsilon = 0.01
        config.batchSize = 32
        config.bufferSize = 100_000
        config.learningStarts = 5_000
        config.gamma = 0.99
        config.trainFreq = 1
        config.gradientSteps = 1
        config.targetUpdateInterval = 1_000
        config.epsilon = .linear(from: 1, to: 0.1, steps: 100_000)
        config.maxGradNorm = nil
        config.stepsPerIteration = 10_000
        return config
    }

    /// The basic DQN of *Hands-On Machine Learning* (Géron, 2nd ed., ch. 18) on CartPole: no
    /// target network, MSE, two hidden layers of 32 ELUs (Keras' Glorot initialisation),
    /// Adam 1e-3 (Keras' ε 1e-7), replay of 2,000, batch 32, γ 0.95, one gradient step per
    /// environment step once 51 episodes have ended (the book's `episode > 50`), and
    /// ε = max(1 − episode/500, 0.01), which is linear from 1 to 0.01 over 495 episodes.
    /// Each iteration is one episode; the book plays 600 episodes of at most 200 steps. It
    /// learns, then forgets catastrophically: the chapter's motivation for the refinements.
    public static var textbook: DQNConfig {
        var config = DQNConfig()
        config.network = QNetworkConfig(fcLayerParams: [32, 32], activation: .elu)
        config.targetNetwork = false
        config.loss = .meanSquaredError
        config.learningRate = 1e-3
        config.adamEpsilon = 1e-7
        config.bufferSize = 2_000
        config.batchSize = 32
        config.gamma = 0.95
        config.learningStarts = 0
        config.learningStartsEpisodes = 51
        config.trainFreq = 1
        config.gradientSteps = 1
        config.epsilon = .linear(from: 1, to: 0.01, steps: 495)
        config.epsilonClock = .episodes
        config.maxGradNorm = nil
        config.stepsPerIteration = 1
        return config
    }

    /// The TF-Agents Atari (Breakout) DQN of *Hands-On Machine Learning* (2nd ed., ch. 18):
    /// the Nature CNN on ``FrameStack``'s `[4, 84, 84]` byte frames (stored once each in the
    /// replay buffer), TensorFlow's centred RMSprop (lr 2.5e-4, ρ 0.95,
    /// ε 1e-5 under the square root), ε-greedy decaying from 1 to 0.01 over 250,000 steps
    /// (a `PolynomialDecay` of power 1), a gradient step every 4 steps, a hard target update
    /// every 2,000 gradient steps (8,000 environment steps), Huber loss, γ 0.99, a replay of
    /// 1,000,000, batch 64 and 20,000 random warm-up steps. The replay buffer is not saved
    /// with checkpoints (about 7 GB); set `saveReplayBuffer` for an exact resume. The `atari`
    /// preset runs it on the book's observations: `atari_preprocessing=standard` without
    /// no-op starts (TF-Agents' `AtariPreprocessing` takes none), `frame_stack=4`, and games
    /// cut at 27,000 steps (108,000 frames).
    public static var atari: DQNConfig {
        var config = DQNConfig()
        config.network = .natureCNN
        config.network.inputLayout = .channelsFirst
        config.optimizer = .rmsprop
        config.learningRate = 2.5e-4
        config.rmspropRho = 0.95
        config.rmspropEpsilon = 1e-5
        config.rmspropEpsilonInsideSquareRoot = true
        config.epsilon = .polynomialDecay(initial: 1, decaySteps: 250_000, end: 0.01, power: 1)
        config.trainFreq = 4
        config.gradientSteps = 1
        config.targetUpdateInterval = 8_000
        config.loss = .huber
        config.gamma = 0.99
        config.bufferSize = 1_000_000
        config.batchSize = 64
        config.learningStarts = 20_000
        config.maxGradNorm = nil
        config.stepsPerIteration = 10_000
        config.saveReplayBuffer = false
        return config
    }
}
