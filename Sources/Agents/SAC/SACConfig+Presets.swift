import Networks

/// Published SAC settings. The default ``SACConfig()`` is SB3's; RL Zoo tunes SAC for
/// Pendulum-v1 with only a higher learning rate, and for MountainCarContinuous-v0 with gSDE.
extension SACConfig {
    /// RL Zoo's Pendulum-v1 entry (`hyperparams/sac.yml`), for 20,000 steps: learning rate
    /// 1e-3, everything else SB3's defaults.
    public static var rlZooPendulum: SACConfig {
        var config = SACConfig()
        config.learningRate = 1e-3
        return config
    }

    /// RL Zoo's MountainCarContinuous-v0 entry, for 50,000 steps: gSDE with log σ starting
    /// at −3.67, 64-64 networks, a fixed α of 0.1, γ 0.9999, τ 0.01, 32 gradient steps on
    /// minibatches of 512 every 32 steps, a 50,000-step replay and no random warm-up.
    public static var rlZooMountainCarContinuous: SACConfig {
        var config = SACConfig()
        config.learningRate = 3e-4
        config.bufferSize = 50_000
        config.batchSize = 512
        config.entCoef = .fixed(0.1)
        config.trainFreq = 32
        config.gradientSteps = 32
        config.gamma = 0.9999
        config.tau = 0.01
        config.learningStarts = 0
        config.useSde = true
        config.logStdInit = -3.67
        config.policyLayers = [64, 64]
        config.criticLayers = [64, 64]
        return config
    }
}
