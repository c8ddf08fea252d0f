/// RL Zoo's tuned PPO settings (`hyperparams/ppo.yml`), with Stable-Baselines3's defaults for
/// every value the file leaves out (learning rate 3e-4, clip 0.2, minibatches of 64, 10
/// epochs, γ 0.99, λ 0.95, 64-64 tanh networks with orthogonal initialisation).
extension PPOConfig {
    /// The SB3 defaults the RL Zoo entries start from.
    static var stableBaselinesDefaults: PPOConfig {
        var config = PPOConfig()
        config.nEnvs = 1
        config.nSteps = 2_048
        config.batchSize = 64
        config.nEpochs = 10
        config.learningRate = .constant(3e-4)
        config.clipRange = .constant(0.2)
        config.gamma = 0.99
        config.gaeLambda = 0.95
        return config
    }

    /// CartPole-v1, 100k steps: the type's defaults.
    public static var rlZooCartPole: PPOConfig { PPOConfig() }

    /// Acrobot-v1, 1M steps: 16 copies of 256 steps, λ 0.94, 4 epochs, `normalize: true`.
    public static var rlZooAcrobot: PPOConfig {
        var config = stableBaselinesDefaults
        config.nEnvs = 16
        config.nSteps = 256
        config.gaeLambda = 0.94
        config.nEpochs = 4
        config.normalizeObservation = true
        config.normalizeReward = true
        config.stepsPerIteration = 16 * 256
        return config
    }

    /// Pendulum-v1, 100k steps: 4 copies of 1,024 steps, γ 0.9, learning rate 1e-3, gSDE
    /// redrawn every 4 steps.
    public static var rlZooPendulum: PPOConfig {
        var config = stableBaselinesDefaults
        config.nEnvs = 4
        config.nSteps = 1_024
        config.gamma = 0.9
        config.learningRate = .constant(1e-3)
        config.useSde = true
        config.sdeSampleFreq = 4
        config.stepsPerIteration = 4 * 1_024
        return config
    }

    /// MountainCarContinuous-v0, 20k steps: one copy, 8-step rollouts, γ 0.9999, learning
    /// rate 7.77e-5, clip 0.1, entropy 0.00429, gSDE with log σ starting at −3.29, no
    /// orthogonal initialisation (`ortho_init=False`; ours falls back to Glorot uniform where
    /// SB3 keeps PyTorch's default), `normalize: true`.
    public static var rlZooMountainCarContinuous: PPOConfig {
        var config = stableBaselinesDefaults
        config.nSteps = 8
        config.batchSize = 256
        config.gamma = 0.9999
        config.learningRate = .constant(7.77e-5)
        config.entCoef = 0.00429
        config.clipRange = .constant(0.1)
        config.nEpochs = 10
        config.gaeLambda = 0.9
        config.maxGradNorm = 5
        config.vfCoef = 0.19
        config.useSde = true
        config.logStdInit = -3.29
        config.orthogonalInit = false
        config.normalizeObservation = true
        config.normalizeReward = true
        config.stepsPerIteration = 1_000
        return config
    }

    /// MinAtar games (our choice; RL Zoo has none): CleanRL's Atari PPO shape (8 copies of 128
    /// steps, 4 epochs of minibatches of 256, clip 0.1, entropy 0.01, learning rate annealed
    /// linearly from 5e-4 over 2M steps) with 256-256 ReLU networks on the flattened 10x10
    /// grids.
    public static var minAtar: PPOConfig {
        var config = stableBaselinesDefaults
        config.nEnvs = 8
        config.nSteps = 128
        config.batchSize = 256
        config.nEpochs = 4
        config.learningRate = .linear(from: 5e-4, to: 0, steps: 2_000_000)
        config.clipRange = .constant(0.1)
        config.entCoef = 0.01
        config.activation = .relu
        config.policyLayers = [256, 256]
        config.valueLayers = [256, 256]
        config.stepsPerIteration = 10_240
        return config
    }

    /// RL Zoo's Atari PPO (`hyperparams/ppo.yml`, `atari`), for 10M steps: 8 copies of 128
    /// steps, 4 epochs of minibatches of 256, learning rate and clip range annealed linearly
    /// from 2.5e-4 and 0.1 to 0 over the 10M steps (`lin_2.5e-4`, `lin_0.1`), entropy 0.01,
    /// value coefficient 0.5; SB3's `CnnPolicy`: the Nature CNN (32 8x8/4, 64 4x4/2, 64
    /// 3x3/1, 512 ReLU units) shared by both heads, orthogonal initialisation, pixels divided
    /// by 255, reading ``Environments/FrameStack``'s channels-first `[4, 84, 84]` stacks of
    /// SB3's `AtariWrapper` frames.
    public static var rlZooAtari: PPOConfig {
        var config = stableBaselinesDefaults
        config.nEnvs = 8
        config.nSteps = 128
        config.nEpochs = 4
        config.batchSize = 256
        config.learningRate = .linear(from: 2.5e-4, to: 0, steps: 10_000_000)
        config.clipRange = .linear(from: 0.1, to: 0, steps: 10_000_000)
        config.vfCoef = 0.5
        config.entCoef = 0.01
        config.useNatureCNNTrunk()
        config.stepsPerIteration = 10_240
        return config
    }
}
