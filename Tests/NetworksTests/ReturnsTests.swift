import Networks
import XCTest

/// The checks from *Hands-On Machine Learning*'s REINFORCE section.
final class ReturnsTests: XCTestCase {
    func testDiscountedReturnsTextbookExample() {
        // −50; 0 + 0.8·(−50) = −40; 10 + 0.8·(−40) = −22.
        let returns = discountedReturns(rewards: [10, 0, -50], gamma: 0.8)
        XCTAssertEqual(returns.count, 3)
        for (r, e) in zip(returns, [-22, -40, -50] as [Float]) { XCTAssertEqual(r, e, accuracy: 1e-5) }
    }

    func testDiscountedReturnsEdgeCases() {
        XCTAssertEqual(discountedReturns(rewards: [], gamma: 0.9), [])
        XCTAssertEqual(discountedReturns(rewards: [1, 1, 1], gamma: 0), [1, 1, 1])
        XCTAssertEqual(discountedReturns(rewards: [1, 1, 1], gamma: 1), [3, 2, 1])
    }

    func testDiscountAndNormalizeTextbookExample() {
        let normalized = discountAndNormalize([[10, 0, -50], [10, 20]], gamma: 0.8)
        let expected: [[Float]] = [[-0.28435071, -0.86597718, -1.18910299], [1.26665318, 1.0727777]]
        XCTAssertEqual(normalized.map(\.count), [3, 2])
        for (episode, reference) in zip(normalized, expected) {
            for (x, e) in zip(episode, reference) { XCTAssertEqual(x, e, accuracy: 1e-6) }
        }
    }

    func testNormalizationUsesPopulationStatisticsOverAllEpisodes() {
        // Returns [1] and [3]: mean 2, population std 1 → [−1] and [1]. Per-episode
        // normalisation would give NaN, sample std would give ±0.7071.
        let normalized = discountAndNormalize([[1], [3]], gamma: 0.5)
        XCTAssertEqual(normalized, [[-1], [1]])
    }
}
