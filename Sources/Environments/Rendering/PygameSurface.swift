#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Draws with the coordinates of Gymnasium's pygame renderers, which draw with y up from
/// the bottom row and flip the surface vertically before returning it.
///
/// pygame's pixel `(i, j)` becomes canvas pixel `(i, height - 1 - j)`, so a continuous
/// pygame point `(x, y)` (pixel centres at integers) maps to `(x + 0.5, height - y - 0.5)`.
/// Each shape stands for gfxdraw's anti-aliased outline plus filled interior, which
/// Gymnasium always draws as a pair.
struct PygameSurface {
    var canvas: Canvas

    init(width: Int, height: Int) {
        canvas = Canvas(width: width, height: height, background: .white)
    }

    func point(_ x: Double, _ y: Double) -> CanvasPoint {
        CanvasPoint(x + 0.5, Double(canvas.height) - y - 0.5)
    }

    /// `gfxdraw.aapolygon` + `gfxdraw.filled_polygon` of a convex polygon.
    ///
    /// pygame truncates the vertices to whole pixels and fills every pixel whose centre is
    /// on the boundary or inside, so a rectangle from pixel `l` to pixel `r` is `r - l + 1`
    /// pixels wide: the same as our coverage fill of the polygon through the pixel centres
    /// grown by half a pixel on every side.
    mutating func polygon(_ points: [(Double, Double)], _ color: RGBColor) {
        let centres = points.map { point($0.0.rounded(.towardZero), $0.1.rounded(.towardZero)) }
        canvas.fillPolygon(PygameSurface.grown(centres, by: 0.5), color: color, antialias: true)
    }

    /// The convex polygon `points` with every edge moved outwards by `distance`.
    static func grown(_ points: [CanvasPoint], by distance: Double) -> [CanvasPoint] {
        let n = points.count
        guard n >= 3 else { return points }
        var area = 0.0
        for i in 0..<n {
            let a = points[i], b = points[(i + 1) % n]
            area += a.x * b.y - b.x * a.y
        }
        guard area != 0, area.isFinite else { return points }
        let orientation = area > 0 ? 1.0 : -1.0
        // The outward normal of edge i (from point i to point i + 1), or nil when degenerate.
        func normal(_ i: Int) -> (Double, Double)? {
            let a = points[i], b = points[(i + 1) % n]
            let dx = b.x - a.x, dy = b.y - a.y
            let length = (dx * dx + dy * dy).squareRoot()
            guard length > 1e-9 else { return nil }
            return (orientation * dy / length, -orientation * dx / length)
        }
        var result: [CanvasPoint] = []
        result.reserveCapacity(n)
        for i in 0..<n {
            let p = points[i]
            guard let incoming = normal((i + n - 1) % n), let outgoing = normal(i) else {
                result.append(p)
                continue
            }
            // The corner moves along the sum of the two normals, far enough that both edges
            // move by `distance`.
            let sx = incoming.0 + outgoing.0, sy = incoming.1 + outgoing.1
            let dot = 1 + incoming.0 * outgoing.0 + incoming.1 * outgoing.1
            if dot < 0.1 {
                result.append(CanvasPoint(p.x + outgoing.0 * distance, p.y + outgoing.1 * distance))
            } else {
                result.append(CanvasPoint(p.x + sx / dot * distance, p.y + sy / dot * distance))
            }
        }
        return result
    }

    /// `gfxdraw.aacircle` + `gfxdraw.filled_circle` (integer centre and radius, as pygame
    /// takes them); the filled disc covers the pixels within `radius` of the centre pixel.
    mutating func circle(x: Int, y: Int, radius: Int, _ color: RGBColor) {
        canvas.fillCircle(center: point(Double(x), Double(y)), radius: Double(radius) + 0.5, color: color, antialias: true)
    }

    /// `gfxdraw.hline` / `pygame.draw.line` along a row (inclusive ends).
    mutating func horizontalLine(y: Int, from x0: Int, to x1: Int, _ color: RGBColor) {
        canvas.horizontalLine(y: canvas.height - 1 - y, from: x0, to: x1, color: color)
    }

    /// `gfxdraw.vline` (inclusive ends).
    mutating func verticalLine(x: Int, from y0: Int, to y1: Int, _ color: RGBColor) {
        canvas.verticalLine(x: x, from: canvas.height - 1 - y0, to: canvas.height - 1 - y1, color: color)
    }

    /// `pygame.draw.aalines`: one-pixel anti-aliased segments.
    mutating func antialiasedLines(_ points: [(Double, Double)], _ color: RGBColor) {
        canvas.drawPolyline(points.map { point($0.0, $0.1) }, color: color, width: 1, antialias: true)
    }

    var frame: Frame { canvas.frame }
}

/// pygame's `Vector2(x, y).rotate_rad(angle)`: counter-clockwise in y-up coordinates.
@inline(__always)
func rotated(_ p: (Double, Double), by angle: Double) -> (Double, Double) {
    let c = cos(angle), s = sin(angle)
    return (p.0 * c - p.1 * s, p.0 * s + p.1 * c)
}

/// The error of `render()` on an environment made without a render mode.
func renderModeMissing(id: String) -> EnvironmentError {
    .renderingUnavailable(id: id, reason:
        "it was made without a render mode; pass render_mode: rgb_array to make, e.g. make(\"\(id)\", options: [\"render_mode\": \"rgb_array\"])")
}
