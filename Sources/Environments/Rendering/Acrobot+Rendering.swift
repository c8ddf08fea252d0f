#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Acrobot: RenderingMetadata {
    /// Gymnasium's `metadata["render_fps"]` for Acrobot.
    public var renderFPS: Double { 15 }

    /// A 500 × 500 picture of the two links hanging from the pivot and the target line,
    /// drawn as Gymnasium's `AcrobotEnv.render` draws it (gymnasium/envs/classic_control/acrobot.py).
    public func render() throws -> Frame {
        guard renderMode == .rgbArray else { throw renderModeMissing(id: id) }
        let screen = 500.0
        var surface = PygameSurface(width: 500, height: 500)
        let bound = linkLength1 + linkLength2 + 0.2
        let scale = screen / (bound * 2)
        let offset = screen / 2
        // Gymnasium swaps the coordinates of p1 (`[:, ::-1]`), so angles are measured from
        // straight down.
        let joints = [(0.0, 0.0), (linkLength1 * sin(theta1) * scale, -linkLength1 * cos(theta1) * scale)]
        let angles = [theta1 - Double.pi / 2, theta1 + theta2 - Double.pi / 2]
        let lengths = [linkLength1 * scale, linkLength2 * scale]
        // pygame.draw.line: one pixel, not anti-aliased; the target height is one link above
        // the pivot, at a fixed 1 * scale as in Gymnasium.
        surface.horizontalLine(y: Int(1 * scale + offset), from: Int(-2.2 * scale + offset), to: Int(2.2 * scale + offset), .black)
        for k in 0..<2 {
            let x = joints[k].0 + offset, y = joints[k].1 + offset
            let (l, r, t, b) = (0.0, lengths[k], 0.1 * scale, -0.1 * scale)
            surface.polygon([(l, b), (l, t), (r, t), (r, b)].map { corner in
                let p = rotated(corner, by: angles[k])
                return (p.0 + x, p.1 + y)
            }, RGBColor(0, 204, 204))
            if x.isFinite && y.isFinite {
                surface.circle(x: Int(x), y: Int(y), radius: Int(0.1 * scale), RGBColor(204, 204, 0))
            }
        }
        return surface.frame
    }
}
