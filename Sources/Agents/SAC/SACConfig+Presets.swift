import Networks

/// Published SAC settings. The default ``SACConfig()`` is SB3's; RL Zoo tunes SAC for
/// Pendulum-v1 with only a higher learning rate.
extension SACConfig {
    /// RL Zoo's Pendulum-v1 entry (`hyperparams/sac.yml`), for 20,000 steps: learning rate
    /// 1e-3, everything else SB3's defaults.
    ///
    /// RL Zoo's MountainCarContinuous-v0 entry is not offered: it relies on generalised
    /// state-dependent exploration (`use_sde: True`, `log_std_init: -3.67`), which this SAC
    /// does not implement, and without it the settings are not the published ones.
    public static var rlZooPendulum: SACConfig {
        var config = SACConfig()
        config.learningRate = 1e-3
        return config
    }
}
