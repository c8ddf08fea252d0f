import ArgumentParser

/// The `swiftrl` command-line tool.
struct SwiftRLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftrl",
        abstract: "Deep reinforcement learning in Swift: train, evaluate and benchmark agents.",
        version: "0.1.0",
        subcommands: [TrainCommand.self, EvalCommand.self, ResumeCommand.self, PlotCommand.self, Bench.self, Info.self, EnvsCommand.self, RolloutCommand.self]
    )
}
