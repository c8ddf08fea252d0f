import Agents
import Environments

/// The mean return of `policy` over `episodes` episodes of `env`, each cut at 10,000 steps
/// (MinAtar has no time limit, and a greedy policy can keep a game going forever).
func meanReturn(of policy: any Policy, env: String, episodes: Int, seed: UInt64) throws -> Double {
    let statistics = EpisodeStatisticsBuffer(bufferSize: episodes)
    let environment = TimeLimit(try make(env), maxEpisodeSteps: 10_000)
    try Driver(environment: environment, policy: policy, observers: [statistics], seed: seed).run(episodes: episodes)
    return statistics.returns.reduce(0, +) / Double(episodes)
}

/// The median of the finite values (nan when there are none).
func median(_ values: [Double]) -> Double {
    let finite = values.filter(\.isFinite)
    return finite.isEmpty ? .nan : Measurement(runs: finite).median
}
