import Agents
import Environments
import Foundation
import Randomness

/// Returns of a policy over several episodes, as `swiftrl eval` prints them and SB3's
/// `evaluate_policy` computes them.
public struct EvaluationResult: Sendable, Equatable, Codable {
    public var episodes: Int
    public var meanReturn: Double
    /// Population standard deviation (NumPy's `np.std`, as SB3 reports).
    public var stdReturn: Double
    public var minReturn: Double
    public var maxReturn: Double
    public var meanLength: Double
    public var returns: [Double]

    public init(returns: [Double], lengths: [Int]) {
        precondition(!returns.isEmpty && returns.count == lengths.count,
                     "EvaluationResult: needs one length per return and at least one episode")
        episodes = returns.count
        meanReturn = returns.reduce(0, +) / Double(returns.count)
        let m = meanReturn
        stdReturn = (returns.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(returns.count)).squareRoot()
        minReturn = returns.min()!
        maxReturn = returns.max()!
        meanLength = Double(lengths.reduce(0, +)) / Double(lengths.count)
        self.returns = returns
    }

    enum CodingKeys: String, CodingKey {
        case episodes, meanReturn = "mean_return", stdReturn = "std_return", minReturn = "min_return",
             maxReturn = "max_return", meanLength = "mean_length", returns
    }
}

/// Evaluation and recording of a policy in an environment.
public enum Evaluation {
    /// Runs `episodes` whole episodes of `policy` (seeded per episode from `seed`) and
    /// summarises their returns. Episodes are cut after `maxEpisodeSteps` steps, so that an
    /// environment without a time limit or termination (the textbook MDP) cannot run forever.
    public static func evaluate(policy: any Policy, environment: any Environment, episodes: Int,
                                seed: UInt64, maxEpisodeSteps: Int = 10_000) throws -> EvaluationResult {
        precondition(episodes > 0, "Evaluation.evaluate: episodes must be positive, got \(episodes)")
        let statistics = EpisodeStatisticsBuffer(bufferSize: episodes)
        let bounded = TimeLimit(environment, maxEpisodeSteps: maxEpisodeSteps)
        let driver = Driver(environment: bounded, policy: policy, observers: [statistics], seed: seed)
        // Episodes that are lives of a game (EpisodicLife) count once the game ends.
        while statistics.finishedCount < episodes { try driver.run(episodes: 1) }
        return EvaluationResult(returns: statistics.returns, lengths: statistics.lengths)
    }

    /// Plays one episode of `policy` in `environment` (made with `render_mode` `rgb_array`),
    /// at most `maxFrames` steps long, writes it as an animated GIF at `url` (atomically), and
    /// returns the episode's summary.
    @discardableResult
    public static func recordGIF(policy: any Policy, environment: any Environment, seed: UInt64, to url: URL,
                                 maxFrames: Int = 1000) throws -> EpisodeSummary {
        let recorder = try VideoRecorder(environment: environment, maxFrames: maxFrames)
        let statistics = EpisodeStatisticsBuffer(bufferSize: 1)
        let bounded = TimeLimit(environment, maxEpisodeSteps: maxFrames)
        let driver = Driver(environment: bounded, policy: policy, observers: [recorder, statistics], seed: seed)
        // A whole game when episodes are its lives (EpisodicLife); the GIF keeps its first maxFrames frames.
        while statistics.finishedCount < 1 { try driver.run(episodes: 1) }
        do {
            try recorder.write(to: url)
        } catch let error as EnvironmentError {
            throw error
        } catch {
            throw RunError.cannotWrite(path: url.path, reason: error.localizedDescription)
        }
        return EpisodeSummary(episodeReturn: statistics.returns[0], length: statistics.lengths[0])
    }
}
