/// The discounted return from every step of one episode, `G_t = r_t + γ G_{t+1}` with
/// `G_T = r_T` at the last step: `discount_rewards` from *Hands-On Machine Learning*'s
/// REINFORCE (ch. 18). Discounting `[10, 0, −50]` with γ = 0.8 gives `[−22, −40, −50]`.
public func discountedReturns(rewards: [Float], gamma: Float) -> [Float] {
    var returns = rewards
    var running: Float = 0
    for t in rewards.indices.reversed() {
        running = rewards[t] + gamma * running
        returns[t] = running
    }
    return returns
}

/// Discounted returns of several episodes, standardised with the mean and the population
/// standard deviation of all episodes' returns together: `discount_and_normalize_rewards`
/// from *Hands-On Machine Learning*'s REINFORCE. Standardising across episodes (not per
/// episode) keeps the better episodes' actions positive and the worse ones' negative.
///
/// The statistics are computed in Double. When every return is equal the standard
/// deviation is 0 and, as with NumPy, the results are not finite.
public func discountAndNormalize(_ allRewards: [[Float]], gamma: Float) -> [[Float]] {
    let all = allRewards.map { discountedReturns(rewards: $0, gamma: gamma) }
    let flat = all.flatMap { $0 }.map(Double.init)
    precondition(!flat.isEmpty, "discountAndNormalize: no rewards")
    let mean = flat.reduce(0, +) / Double(flat.count)
    let variance = flat.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(flat.count)
    let std = variance.squareRoot()
    return all.map { episode in episode.map { Float((Double($0) - mean) / std) } }
}
