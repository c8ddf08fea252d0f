extension MinAtarBreakout {
    /// Breakout's full game state, readable and settable for debugging and for replaying
    /// trajectories recorded from the package (whose random draws ours cannot reproduce).
    public struct State: Sendable, Hashable {
        /// Ball column and row (0 ... 9, row 0 at the top).
        public var ballX: Int, ballY: Int
        /// 0 up-left, 1 up-right, 2 down-right, 3 down-left (the package's `ball_dir`).
        public var ballDirection: Int
        /// Paddle column on row 9 (the package's `pos`).
        public var paddleX: Int
        /// The ball's previous cell, shown in the trail channel.
        public var lastX: Int, lastY: Int
        /// Bricks, row-major, `bricks[row * 10 + column]`.
        public var bricks: [Bool]
        /// The ball hit a brick on the previous step (it passes through a brick it meets
        /// right after a strike, as in the package).
        public var strike: Bool
        /// The episode has ended.
        public var terminal: Bool

        /// A state from its fields (see each property).
        public init(ballX: Int, ballY: Int, ballDirection: Int, paddleX: Int, lastX: Int, lastY: Int, bricks: [Bool],
                    strike: Bool, terminal: Bool) {
            self.ballX = ballX
            self.ballY = ballY
            self.ballDirection = ballDirection
            self.paddleX = paddleX
            self.lastX = lastX
            self.lastY = lastY
            self.bricks = bricks
            self.strike = strike
            self.terminal = terminal
        }

        /// Why this state is impossible, or nil.
        func violation() -> String? {
            let cells = [ballX, ballY, paddleX, lastX, lastY]
            if cells.contains(where: { $0 < 0 || $0 > 9 }) { return "positions must lie in 0...9, got \(cells)" }
            if ballY == 9 && !terminal { return "the ball can be on row 9 only in a terminal state" }
            if !(0...3).contains(ballDirection) { return "ballDirection must be 0...3, got \(ballDirection)" }
            if bricks.count != 100 { return "bricks must hold 100 cells, got \(bricks.count)" }
            return nil
        }
    }
}
