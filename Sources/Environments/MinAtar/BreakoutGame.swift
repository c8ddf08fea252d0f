/// Breakout's rules (`Env.act` of minatar/environments/breakout.py) on a compact state:
/// bricks as a 100-bit mask (cells 0 ..< 64 in `lowBricks`, 64 ..< 100 in `highBricks`), so a
/// step is a few integer operations and a reset is two stores.
struct BreakoutGame {
    /// Rows 1 ... 3, the wall at reset (`brick_map[1:4, :] = 1`).
    static let wall: UInt64 = (1 << 40) - (1 << 10)

    var ballX = 0, ballY = 3, ballDirection = 2, paddleX = 4, lastX = 0, lastY = 3
    var lowBricks = BreakoutGame.wall
    var highBricks: UInt64 = 0
    var strike = false
    var terminal = false

    @inline(__always)
    func brick(_ cell: Int) -> Bool {
        cell < 64 ? (lowBricks >> UInt64(cell)) & 1 != 0 : (highBricks >> UInt64(cell - 64)) & 1 != 0
    }

    @inline(__always)
    mutating func removeBrick(_ cell: Int) {
        if cell < 64 { lowBricks &= ~(1 << UInt64(cell)) } else { highBricks &= ~(1 << UInt64(cell - 64)) }
    }

    mutating func reset(ballX: Int, ballDirection: Int) {
        self = BreakoutGame()
        self.ballX = ballX
        self.ballDirection = ballDirection
        lastX = ballX
    }

    init() {}

    init(_ state: MinAtarBreakout.State) {
        ballX = state.ballX
        ballY = state.ballY
        ballDirection = state.ballDirection
        paddleX = state.paddleX
        lastX = state.lastX
        lastY = state.lastY
        lowBricks = 0
        for cell in 0..<100 where state.bricks[cell] {
            if cell < 64 { lowBricks |= 1 << UInt64(cell) } else { highBricks |= 1 << UInt64(cell - 64) }
        }
        strike = state.strike
        terminal = state.terminal
    }

    var state: MinAtarBreakout.State {
        MinAtarBreakout.State(ballX: ballX, ballY: ballY, ballDirection: ballDirection, paddleX: paddleX, lastX: lastX,
                              lastY: lastY, bricks: (0..<100).map(brick), strike: strike, terminal: terminal)
    }

    /// Writes the whole observation. Channels: 0 paddle, 1 ball, 2 trail, 3 brick.
    func draw(into observation: inout [UInt8]) {
        observation.withUnsafeMutableBufferPointer { obs in
            obs.update(repeating: 0)
            obs[(90 + paddleX) * 4] = 1
            obs[(ballY * 10 + ballX) * 4 + 1] = 1
            obs[(lastY * 10 + lastX) * 4 + 2] = 1
            var bits = lowBricks
            while bits != 0 {
                obs[bits.trailingZeroBitCount * 4 + 3] = 1
                bits &= bits - 1
            }
            bits = highBricks
            while bits != 0 {
                obs[(64 + bits.trailingZeroBitCount) * 4 + 3] = 1
                bits &= bits - 1
            }
        }
    }

    /// One step with game action `a`, line for line as the package; only the observation
    /// cells that change are rewritten. Returns the reward.
    @inline(__always)
    mutating func advance(_ a: Int, observation obs: UnsafeMutablePointer<UInt8>) -> Double {
        obs[(90 + paddleX) * 4] = 0
        obs[(ballY * 10 + ballX) * 4 + 1] = 0
        obs[(lastY * 10 + lastX) * 4 + 2] = 0
        var reward = 0.0
        if a == 1 {
            paddleX = max(0, paddleX - 1)
        } else if a == 3 {
            paddleX = min(9, paddleX + 1)
        }
        lastX = ballX
        lastY = ballY
        // Directions 0 and 3 move left, 0 and 1 move up.
        var newX = ballX + (ballDirection == 0 || ballDirection == 3 ? -1 : 1)
        var newY = ballY + (ballDirection < 2 ? -1 : 1)
        var strikeToggle = false
        if newX < 0 || newX > 9 {
            newX = newX < 0 ? 0 : 9
            ballDirection ^= 1  // [1, 0, 3, 2][dir]
        }
        if newY < 0 {
            newY = 0
            ballDirection = 3 - ballDirection  // [3, 2, 1, 0][dir]
        } else if brick(newY * 10 + newX) {
            strikeToggle = true
            if !strike {
                reward += 1
                strike = true
                removeBrick(newY * 10 + newX)
                obs[(newY * 10 + newX) * 4 + 3] = 0
                newY = lastY
                ballDirection = 3 - ballDirection
            }
        } else if newY == 9 {
            if lowBricks == 0 && highBricks == 0 {
                lowBricks = Self.wall
                for cell in 10..<40 { obs[cell * 4 + 3] = 1 }
            }
            if ballX == paddleX {
                ballDirection = 3 - ballDirection
                newY = lastY
            } else if newX == paddleX {
                ballDirection ^= 2  // [2, 3, 0, 1][dir]
                newY = lastY
            } else {
                terminal = true
            }
        }
        if !strikeToggle { strike = false }
        ballX = newX
        ballY = newY
        obs[(90 + paddleX) * 4] = 1
        obs[(ballY * 10 + ballX) * 4 + 1] = 1
        obs[(lastY * 10 + lastX) * 4 + 2] = 1
        return reward
    }
}
