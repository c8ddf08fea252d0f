#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension CartPole: RenderingMetadata {
    /// Gymnasium's `metadata["render_fps"]` for CartPole.
    public var renderFPS: Double { 50 }

    /// A 600 × 400 picture of the cart, pole and track, drawn as Gymnasium's
    /// `CartPoleEnv.render` draws it (gymnasium/envs/classic_control/cartpole.py).
    public func render() throws -> Frame {
        guard renderMode == .rgbArray else { throw renderModeMissing(id: id) }
        let screenWidth = 600.0
        var surface = PygameSurface(width: 600, height: 400)
        let scale = screenWidth / (xThreshold * 2)
        let poleWidth = 10.0, poleLength = scale * (2 * length)
        let cartWidth = 50.0, cartHeight = 30.0
        let axleOffset = cartHeight / 4
        let cartX = x * scale + screenWidth / 2
        let cartY = 100.0  // the top of the cart
        let (l, r, t, b) = (-cartWidth / 2, cartWidth / 2, cartHeight / 2, -cartHeight / 2)
        surface.polygon([(l, b), (l, t), (r, t), (r, b)].map { ($0.0 + cartX, $0.1 + cartY) }, .black)
        let (pl, pr, pt, pb) = (-poleWidth / 2, poleWidth / 2, poleLength - poleWidth / 2, -poleWidth / 2)
        let pole = [(pl, pb), (pl, pt), (pr, pt), (pr, pb)].map { corner -> (Double, Double) in
            let p = rotated(corner, by: -theta)
            return (p.0 + cartX, p.1 + cartY + axleOffset)
        }
        surface.polygon(pole, RGBColor(202, 152, 101))
        if cartX.isFinite && abs(cartX) < 1e6 {
            surface.circle(x: Int(cartX), y: Int(cartY + axleOffset), radius: Int(poleWidth / 2), RGBColor(129, 132, 203))
        }
        surface.horizontalLine(y: Int(cartY), from: 0, to: Int(screenWidth), .black)
        return surface.frame
    }
}
