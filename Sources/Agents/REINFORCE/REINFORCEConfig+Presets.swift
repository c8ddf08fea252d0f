import Networks

extension REINFORCEConfig {
    /// Policy gradients on Pong from pixels, with Karpathy's settings ("Deep Reinforcement
    /// Learning: Pong from Pixels", 2016, `pg-pong.py`: γ 0.99, an update every 10 episodes,
    /// RMSprop with decay 0.99, lr 1e-4 and ε 1e-5 outside the root, returns restarted at
    /// every point and standardised) and a convolutional policy in place of his 200-unit
    /// MLP: 32 9x9 filters stride 4 and 16 9x9 filters stride 2 (ReLU, valid padding, Keras'
    /// initialisation), his 200 ReLU units, and a softmax over all the game's actions (he
    /// samples UP or DOWN from one sigmoid). The TensorFlow 2 tutorial this convolutional
    /// variant is named after could not be found to check its optimizer and batch, so those
    /// are Karpathy's.
    ///
    /// The observations are `atari_preprocessing=pong`'s: ``Environments/PongPreprocessing``'s
    /// 80x80 court minus the previous one, `[80, 80, 1]`. Whole games are played (no step
    /// limit); with ALE v5's frame skip of 4 a game is about a thousand steps. Other
    /// differences from his script: returns are standardised over the 10-game batch rather
    /// than per game, and the loss is the batch's mean rather than its sum (RMSprop divides
    /// the scale out).
    public static var pong: REINFORCEConfig {
        var config = REINFORCEConfig()
        config.gamma = 0.99
        config.learningRate = 1e-4
        config.episodesPerIteration = 10
        config.maxEpisodeSteps = nil
        config.convLayerParams = [.init(filters: 32, kernelSize: 9, stride: 4), .init(filters: 16, kernelSize: 9, stride: 2)]
        config.hiddenUnits = [200]
        config.activation = .relu
        config.policyHead = .categorical
        config.normalizeReturns = true
        config.optimizer = .rmsprop
        config.rmspropRho = 0.99
        config.rmspropEpsilon = 1e-5
        config.resetReturnsOnReward = true
        return config
    }
}
