#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension MountainCar: RenderingMetadata {
    /// Gymnasium's `metadata["render_fps"]` for MountainCar.
    public var renderFPS: Double { 30 }

    /// A 600 × 400 picture of the hill, car and flag, drawn as Gymnasium's
    /// `MountainCarEnv.render` draws it (gymnasium/envs/classic_control/mountain_car.py).
    public func render() throws -> Frame {
        guard renderMode == .rgbArray else { throw renderModeMissing(id: id) }
        return renderMountainCar(position: position, minPosition: minPosition, maxPosition: maxPosition,
                                 goalPosition: goalPosition, height: height(at:))
    }
}

/// The drawing shared by both mountain cars (their `render` methods are identical in
/// Gymnasium).
func renderMountainCar(position: Double, minPosition: Double, maxPosition: Double, goalPosition: Double,
                       height: (Double) -> Double) -> Frame {
    let screenWidth = 600.0
    var surface = PygameSurface(width: 600, height: 400)
    let scale = screenWidth / (maxPosition - minPosition)
    let carWidth = 40.0, carHeight = 20.0
    // np.linspace(min_position, max_position, 100)
    let track = (0..<100).map { i -> (Double, Double) in
        let x = minPosition + (maxPosition - minPosition) * Double(i) / 99
        return ((x - minPosition) * scale, height(x) * scale)
    }
    surface.antialiasedLines(track, .black)
    let clearance = 10.0
    let angle = cos(3 * position)
    let base = ((position - minPosition) * scale, clearance + height(position) * scale)
    let (l, r, t, b) = (-carWidth / 2, carWidth / 2, carHeight, 0.0)
    surface.polygon([(l, b), (l, t), (r, t), (r, b)].map { corner in
        let p = rotated(corner, by: angle)
        return (p.0 + base.0, p.1 + base.1)
    }, .black)
    if base.0.isFinite && abs(base.0) < 1e6 {
        for offset in [(carWidth / 4, 0.0), (-carWidth / 4, 0.0)] {
            let p = rotated(offset, by: angle)
            surface.circle(x: Int(p.0 + base.0), y: Int(p.1 + base.1), radius: Int(carHeight / 2.5), RGBColor(128, 128, 128))
        }
    }
    let flagX = Int((goalPosition - minPosition) * scale)
    let flagY1 = Int(height(goalPosition) * scale)
    let flagY2 = flagY1 + 50
    surface.verticalLine(x: flagX, from: flagY1, to: flagY2, .black)
    let fx = Double(flagX), fy = Double(flagY2)
    surface.polygon([(fx, fy), (fx, fy - 10), (fx + 25, fy - 5)], RGBColor(204, 204, 0))
    return surface.frame
}
