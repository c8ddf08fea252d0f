#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Pendulum: RenderingMetadata {
    /// Gymnasium's `metadata["render_fps"]` for Pendulum.
    public var renderFPS: Double { 30 }

    /// A 500 × 500 picture of the rod, its axle and, after a step, an arrow whose size shows
    /// the last torque and whose direction its sign, drawn as Gymnasium's
    /// `PendulumEnv.render` draws it (gymnasium/envs/classic_control/pendulum.py).
    public func render() throws -> Frame {
        guard renderMode == .rgbArray else { throw renderModeMissing(id: id) }
        let screen = 500
        var surface = PygameSurface(width: screen, height: screen)
        let bound = 2.2
        let scale = Double(screen) / (bound * 2)
        let offset = screen / 2
        let center = Double(offset)
        let rodLength = 1 * scale, rodWidth = 0.2 * scale
        let rodColor = RGBColor(204, 77, 77)
        let (l, r, t, b) = (0.0, rodLength, rodWidth / 2, -rodWidth / 2)
        let angle = theta + Double.pi / 2
        surface.polygon([(l, b), (l, t), (r, t), (r, b)].map { corner in
            let p = rotated(corner, by: angle)
            return (p.0 + center, p.1 + center)
        }, rodColor)
        surface.circle(x: offset, y: offset, radius: Int(rodWidth / 2), rodColor)
        let end = rotated((rodLength, 0), by: angle)
        if end.0.isFinite && end.1.isFinite {
            surface.circle(x: Int(end.0 + center), y: Int(end.1 + center), radius: Int(rodWidth / 2), rodColor)
        }
        if let torque = lastAction, torque.isFinite {
            let side = Int(min(scale * Double(abs(torque)) / 2, Double(screen)))
            if side > 0 {
                Pendulum.drawTorqueArrow(on: &surface.canvas, side: side, counterClockwise: torque > 0,
                                         left: offset - side / 2, top: offset - (side - side / 2))
            }
        }
        surface.circle(x: offset, y: offset, radius: Int(0.05 * scale), .black)
        return surface.frame
    }

    /// Gymnasium's `assets/clockwise.png` (a black arc three quarters round, clockwise from
    /// the top, with an arrowhead on the left) drawn as shapes, scaled to a `side` × `side`
    /// square; mirrored for positive torque as Gymnasium flips the image. The geometry is
    /// measured from the 329 × 312 asset.
    static func drawTorqueArrow(on canvas: inout Canvas, side: Int, counterClockwise: Bool, left: Int, top: Int) {
        let imageWidth = 329.0, imageHeight = 312.0
        let s = Double(side)
        func map(_ u: Double, _ v: Double) -> CanvasPoint {
            let x = u / imageWidth
            return CanvasPoint(Double(left) + (counterClockwise ? 1 - x : x) * s, Double(top) + v / imageHeight * s)
        }
        let (cx, cy, radius, halfStroke) = (172.65, 155.54, 151.3, 5.0)
        let start = -Double.pi / 2, end = 172.8 * Double.pi / 180
        let segments = 48
        var outline: [CanvasPoint] = []
        for i in 0...segments {
            let a = start + (end - start) * Double(i) / Double(segments)
            outline.append(map(cx + (radius + halfStroke) * cos(a), cy + (radius + halfStroke) * sin(a)))
        }
        for i in (0...segments).reversed() {
            let a = start + (end - start) * Double(i) / Double(segments)
            outline.append(map(cx + (radius - halfStroke) * cos(a), cy + (radius - halfStroke) * sin(a)))
        }
        canvas.fillPolygon(outline, color: .black)
        canvas.fillPolygon([map(21.5, 111), map(44, 168), map(21.5, 160), map(0, 168)], color: .black)
    }
}
