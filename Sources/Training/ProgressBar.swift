import Agents
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a run stands, for progress displays.
public struct ProgressUpdate: Sendable {
    public var environmentSteps: Int
    public var totalSteps: Int?
    public var iterations: Int
    public var totalIterations: Int?
    public var stepsPerSecond: Double
    public var elapsedSeconds: Double
    /// Mean return of the recent episodes (the run's averaging window), nil before the first.
    public var averageReturn: Double?

    /// The fraction done, by whichever budget is closer to its end.
    public var fraction: Double {
        var fractions: [Double] = []
        if let totalSteps, totalSteps > 0 { fractions.append(Double(environmentSteps) / Double(totalSteps)) }
        if let totalIterations, totalIterations > 0 { fractions.append(Double(iterations) / Double(totalIterations)) }
        return min(1, fractions.max() ?? 0)
    }

    /// Seconds left at the current rate, nil until there is a rate.
    public var etaSeconds: Double? {
        let done = fraction
        guard done > 0, elapsedSeconds > 0 else { return nil }
        return elapsedSeconds * (1 - done) / done
    }
}

/// A one-line live progress bar on standard error: steps, steps/s, ETA and the recent average
/// return. On a terminal it redraws in place; otherwise (CI logs, pipes) it prints a line at
/// most every `lineInterval` seconds.
public final class ProgressBar {
    public let label: String
    private let isTerminal: Bool
    private let lineInterval: Double
    private var lastDraw = -Double.infinity
    private var drewInPlace = false

    public init(label: String, lineInterval: Double = 10) {
        self.label = label
        isTerminal = isatty(STDERR_FILENO) == 1
        self.lineInterval = lineInterval
    }

    /// The text of the bar for `update`, `width` cells of bar included.
    public static func line(label: String, _ update: ProgressUpdate, width: Int = 24) -> String {
        let filled = Int((update.fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        var text = "\(label) \(bar) \(String(format: "%3.0f%%", update.fraction * 100))"
        text += " | steps \(update.environmentSteps)" + (update.totalSteps.map { "/\($0)" } ?? "")
        text += " | it \(update.iterations)" + (update.totalIterations.map { "/\($0)" } ?? "")
        text += " | \(formatRate(update.stepsPerSecond)) steps/s"
        text += " | ETA \(update.etaSeconds.map(formatDuration) ?? "--:--")"
        if let averageReturn = update.averageReturn { text += " | return \(String(format: "%.1f", averageReturn))" }
        return text
    }

    public func update(_ update: ProgressUpdate, force: Bool = false) {
        let now = monotonicSeconds()
        if isTerminal {
            guard force || now - lastDraw >= 0.1 else { return }
            lastDraw = now
            FileHandle.standardError.write(Data(("\r\u{1B}[2K" + Self.line(label: label, update)).utf8))
            drewInPlace = true
        } else {
            guard force || now - lastDraw >= lineInterval else { return }
            lastDraw = now
            FileHandle.standardError.write(Data((Self.line(label: label, update) + "\n").utf8))
        }
    }

    /// Ends the in-place line so later output starts on a new one.
    public func finish() {
        if drewInPlace {
            FileHandle.standardError.write(Data("\n".utf8))
            drewInPlace = false
        }
    }

    static func formatRate(_ rate: Double) -> String {
        if rate >= 1e6 { return String(format: "%.1fM", rate / 1e6) }
        if rate >= 1e4 { return String(format: "%.0fk", rate / 1e3) }
        return String(format: "%.0f", rate)
    }

    static func formatDuration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total >= 3600 { return String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60) }
        return String(format: "%02d:%02d", total / 60, total % 60)
    }
}
