import Agents

/// The algorithms registered in ``AlgorithmRegistry/shared``.
enum BuiltinAlgorithms {
    static var entries: [AlgorithmEntry] { [] }
}
