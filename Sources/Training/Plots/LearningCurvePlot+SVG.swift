import Environments

extension LearningCurvePlot {
    /// The figure as a standalone SVG 1.1 document.
    public func svg() -> String {
        let layout = layout()
        var out = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\(layout.width)" height="\(layout.height)" \
        viewBox="0 0 \(layout.width) \(layout.height)" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="16">
        <rect width="\(layout.width)" height="\(layout.height)" fill="#ffffff"/>

        """
        for (index, panel) in layout.panels.enumerated() {
            let frame = panel.frame
            out += "<g class=\"panel\" id=\"panel-\(index)\">\n"
            for value in panel.xTicks.values where panel.xTicks.lower < value && value < panel.xTicks.upper {
                let x = Self.number(panel.point(x: value, y: 0).x)
                out += "<line x1=\"\(x)\" y1=\"\(Self.number(frame.y))\" x2=\"\(x)\" y2=\"\(Self.number(frame.maxY))\" stroke=\"\(Self.gridColor.hex)\" stroke-width=\"1\"/>\n"
            }
            for value in panel.yTicks.values where panel.yTicks.lower < value && value < panel.yTicks.upper {
                let y = Self.number(panel.point(x: 0, y: value).y)
                out += "<line x1=\"\(Self.number(frame.x))\" y1=\"\(y)\" x2=\"\(Self.number(frame.maxX))\" y2=\"\(y)\" stroke=\"\(Self.gridColor.hex)\" stroke-width=\"1\"/>\n"
            }
            for curve in panel.curves {
                guard let outline = panel.bandOutline(of: curve) else { continue }
                out += "<polygon class=\"band\" points=\"\(Self.points(outline))\" fill=\"\(curve.color.hex)\" fill-opacity=\"\(Self.bandOpacity)\" stroke=\"none\"/>\n"
            }
            for curve in panel.curves {
                let line = panel.pixelLine(of: curve)
                if line.count == 1 {
                    out += "<circle class=\"curve\" cx=\"\(Self.number(line[0].x))\" cy=\"\(Self.number(line[0].y))\" r=\"2.5\" fill=\"\(curve.color.hex)\"/>\n"
                } else {
                    out += "<polyline class=\"curve\" points=\"\(Self.points(line))\" fill=\"none\" stroke=\"\(curve.color.hex)\" "
                        + "stroke-width=\"2\" stroke-linejoin=\"round\" stroke-linecap=\"round\"/>\n"
                }
            }
            out += "<rect x=\"\(Self.number(frame.x))\" y=\"\(Self.number(frame.y))\" width=\"\(Self.number(frame.width))\" "
                + "height=\"\(Self.number(frame.height))\" fill=\"none\" stroke=\"\(Self.axisColor.hex)\" stroke-width=\"1\"/>\n"
            var ticks = ""
            for value in panel.xTicks.values {
                let x = Self.number(panel.point(x: value, y: 0).x)
                ticks += "M\(x) \(Self.number(frame.maxY))v\(Self.number(LearningCurveLayout.tickLength))"
            }
            for value in panel.yTicks.values {
                let y = Self.number(panel.point(x: 0, y: value).y)
                ticks += "M\(Self.number(frame.x))\(y.hasPrefix("-") ? "" : " ")\(y)h-\(Self.number(LearningCurveLayout.tickLength))"
            }
            out += "<path d=\"\(ticks)\" stroke=\"\(Self.axisColor.hex)\" stroke-width=\"1\" fill=\"none\"/>\n</g>\n"
        }
        out += "<g class=\"legend\">\n"
        for entry in layout.legend {
            out += "<line x1=\"\(Self.number(entry.swatch.x))\" y1=\"\(Self.number(entry.swatch.y))\" "
                + "x2=\"\(Self.number(entry.swatch.x + LearningCurveLayout.legendSwatchLength))\" y2=\"\(Self.number(entry.swatch.y))\" "
                + "stroke=\"\(entry.color.hex)\" stroke-width=\"3\"/>\n"
        }
        out += "</g>\n<g class=\"text\" fill=\"\(Self.textColor.hex)\">\n"
        for text in layout.texts {
            let anchor = switch text.alignment { case .start: "start"; case .middle: "middle"; case .end: "end" }
            let x = Self.number(text.anchor.x), y = Self.number(text.anchor.y)
            // dy = 0.35em puts the middle of lower-case letters on the anchor, as dominant-baseline="central"
            // would, which not every SVG renderer honours.
            if text.rotated {
                out += "<text transform=\"translate(\(x) \(y)) rotate(-90)\" text-anchor=\"\(anchor)\" dy=\"0.35em\">\(Self.escaped(text.string))</text>\n"
            } else {
                out += "<text x=\"\(x)\" y=\"\(y)\" text-anchor=\"\(anchor)\" dy=\"0.35em\">\(Self.escaped(text.string))</text>\n"
            }
        }
        out += "</g>\n</svg>\n"
        return out
    }

    static let gridColor = RGBColor(0xE5, 0xE5, 0xE5), axisColor = RGBColor(0x44, 0x44, 0x44), textColor = RGBColor(0x22, 0x22, 0x22)

    /// A coordinate rounded to hundredths of a pixel, without a trailing ".0".
    static func number(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100 + 0
        let text = String(describing: rounded)
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    private static func points(_ points: [CanvasPoint]) -> String {
        points.map { "\(number($0.x)),\(number($0.y))" }.joined(separator: " ")
    }

    /// `text` with XML's special characters escaped and the control characters XML 1.0 forbids removed.
    static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out += " "
            default:
                if scalar.value >= 0x20 && !(0xFFFE...0xFFFF).contains(scalar.value) { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}

extension RGBColor {
    /// "#rrggbb".
    var hex: String {
        let digits = Array("0123456789abcdef")
        return "#" + String([red, green, blue].flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }
}
