import Environments

extension LearningCurvePlot {
    /// The figure rasterised: anti-aliased lines, translucent bands, text in a 5 × 7 bitmap font.
    public func canvas() -> Canvas {
        let layout = layout()
        var canvas = Canvas(width: layout.width, height: layout.height)
        for panel in layout.panels {
            let frame = panel.frame
            let left = Int(frame.x.rounded(.down)), right = Int(frame.maxX.rounded(.down))
            let top = Int(frame.y.rounded(.down)), bottom = Int(frame.maxY.rounded(.down))
            for value in panel.xTicks.values where panel.xTicks.lower < value && value < panel.xTicks.upper {
                canvas.verticalLine(x: Int(panel.point(x: value, y: 0).x.rounded(.down)), from: top, to: bottom, color: Self.gridColor)
            }
            for value in panel.yTicks.values where panel.yTicks.lower < value && value < panel.yTicks.upper {
                canvas.horizontalLine(y: Int(panel.point(x: 0, y: value).y.rounded(.down)), from: left, to: right, color: Self.gridColor)
            }
            for curve in panel.curves {
                guard let outline = panel.bandOutline(of: curve) else { continue }
                Self.blendPolygon(outline, color: curve.color, opacity: Self.bandOpacity, into: &canvas)
            }
            for curve in panel.curves {
                let line = panel.pixelLine(of: curve)
                if line.count == 1 {
                    canvas.fillCircle(center: line[0], radius: 2.5, color: curve.color)
                } else {
                    canvas.drawPolyline(line, color: curve.color, width: 2)
                }
            }
            canvas.horizontalLine(y: top, from: left, to: right, color: Self.axisColor)
            canvas.horizontalLine(y: bottom, from: left, to: right, color: Self.axisColor)
            canvas.verticalLine(x: left, from: top, to: bottom, color: Self.axisColor)
            canvas.verticalLine(x: right, from: top, to: bottom, color: Self.axisColor)
            let tick = Int(LearningCurveLayout.tickLength)
            for value in panel.xTicks.values {
                let x = Int(panel.point(x: value, y: 0).x.rounded(.down))
                canvas.verticalLine(x: x, from: bottom, to: bottom + tick, color: Self.axisColor)
            }
            for value in panel.yTicks.values {
                let y = Int(panel.point(x: 0, y: value).y.rounded(.down))
                canvas.horizontalLine(y: y, from: left - tick, to: left, color: Self.axisColor)
            }
        }
        for entry in layout.legend {
            canvas.drawLine(from: entry.swatch, to: CanvasPoint(entry.swatch.x + LearningCurveLayout.legendSwatchLength, entry.swatch.y),
                            color: entry.color, width: 3)
        }
        let scale = LearningCurveLayout.textScale
        for text in layout.texts {
            let length = Double(BitmapFont.width(of: text.string, scale: scale))
            let height = Double(BitmapFont.height(scale: scale))
            let offset = switch text.alignment { case .start: 0.0; case .middle: length / 2; case .end: length }
            if text.rotated {
                BitmapFont.draw(text.string, x: Int((text.anchor.x - height / 2).rounded()), y: Int((text.anchor.y + offset).rounded()),
                                scale: scale, color: Self.textColor, rotated: true, on: &canvas)
            } else {
                BitmapFont.draw(text.string, x: Int((text.anchor.x - offset).rounded()), y: Int((text.anchor.y - height / 2).rounded()),
                                scale: scale, color: Self.textColor, on: &canvas)
            }
        }
        return canvas
    }

    /// Paints `polygon` in `color` at `opacity` over what is already there (source-over
    /// compositing), so overlapping bands of different series both stay visible. ``Canvas``
    /// only paints opaque shapes, so the polygon's anti-aliased coverage is rendered as a
    /// white-on-black mask first and used as the per-pixel alpha.
    static func blendPolygon(_ polygon: [CanvasPoint], color: RGBColor, opacity: Double, into canvas: inout Canvas) {
        let xs = polygon.map(\.x).filter(\.isFinite), ys = polygon.map(\.y).filter(\.isFinite)
        guard let minX = xs.min(), let maxX = xs.max(), let minY = ys.min(), let maxY = ys.max() else { return }
        let x0 = max(0, Int(minX.rounded(.down))), x1 = min(canvas.width - 1, Int(maxX.rounded(.up)))
        let y0 = max(0, Int(minY.rounded(.down))), y1 = min(canvas.height - 1, Int(maxY.rounded(.up)))
        guard x0 <= x1, y0 <= y1 else { return }
        var mask = Canvas(width: x1 - x0 + 1, height: y1 - y0 + 1, background: .black)
        mask.fillPolygon(polygon.map { CanvasPoint($0.x - Double(x0), $0.y - Double(y0)) }, color: .white)
        let red = Double(color.red), green = Double(color.green), blue = Double(color.blue)
        for y in y0...y1 {
            for x in x0...x1 {
                let coverage = Double(mask.pixels[((y - y0) * mask.width + (x - x0)) * 3]) / 255
                guard coverage > 0 else { continue }
                let alpha = coverage * opacity
                let old = canvas.color(x: x, y: y)
                canvas.setPixel(x: x, y: y, RGBColor(UInt8((Double(old.red) + (red - Double(old.red)) * alpha).rounded()),
                                                     UInt8((Double(old.green) + (green - Double(old.green)) * alpha).rounded()),
                                                     UInt8((Double(old.blue) + (blue - Double(old.blue)) * alpha).rounded())))
            }
        }
    }
}
