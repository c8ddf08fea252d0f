import Foundation

/// Writes `learning_curve.svg` and `learning_curve.png` for one or several run directories.
public enum LearningCurveFiles {
    /// Draws the runs' returns against environment steps and wall-clock time into
    /// `directory`; runs that differ only in their seed are drawn as one mean curve with its
    /// spread. Returns the files written.
    @discardableResult
    public static func write(runs: [URL], to directory: URL) throws -> [URL] {
        try TrainingRun.plotLearningCurve(runs: runs, to: directory)
    }
}
