import Networks

/// A2C on Atari games through the native pipeline (`Environments.AtariPipeline`).
extension A2CConfig {
    /// RL Zoo's Atari A2C (`hyperparams/a2c.yml`, `atari`), for 10M steps: 16 copies of 5
    /// steps, entropy 0.01, value coefficient 0.25, learning rate 7e-4 constant, SB3's
    /// `RMSpropTFLike` (ρ 0.99, ε 1e-5 inside the root, the average starting at 1); γ 0.99,
    /// n-step returns and gradient norm 0.5 from SB3's defaults; SB3's `CnnPolicy`: the Nature
    /// CNN (32 8x8/4, 64 4x4/2, 64 3x3/1, 512 ReLU units) shared by both heads, orthogonal
    /// initialisation, pixels divided by 255, reading ``Environments/FrameStack``'s
    /// channels-first `[4, 84, 84]` stacks of SB3's `AtariWrapper` frames.
    public static var rlZooAtari: A2CConfig {
        var config = A2CConfig()
        config.nEnvs = 16
        config.nSteps = 5
        config.learningRate = 7e-4
        config.entCoef = 0.01
        config.vfCoef = 0.25
        config.rmspropRho = 0.99
        config.rmspropEpsilon = 1e-5
        config.rmspropEpsilonInsideSquareRoot = true
        config.rmspropInitialSquareAverage = 1
        config.useNatureCNNTrunk()
        config.stepsPerIteration = 10_000
        return config
    }

    /// The actor-critic form of the policy-gradient Pong preset (REINFORCE's `pong`): the
    /// same observations (Karpathy's 80x80 frame differences) and network (32 9x9/4 and
    /// 16 9x9/2 convolutions, 200 ReLU units), now one trunk with a softmax policy head and a
    /// value head, trained as ``rlZooAtari`` trains (16 copies of 5 steps, RMSpropTFLike at
    /// 7e-4, entropy 0.01, value coefficient 0.25, γ 0.99): bootstrapped 5-step advantages
    /// instead of whole-game returns. Our combination; nothing published to compare with.
    public static var pong: A2CConfig {
        var config = rlZooAtari
        config.convLayerParams = [.init(filters: 32, kernelSize: 9, stride: 4), .init(filters: 16, kernelSize: 9, stride: 2)]
        config.policyLayers = [200]
        config.valueLayers = [200]
        config.inputLayout = .channelsLast
        return config
    }
}
