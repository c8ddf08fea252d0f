/// The Python side of the bridge (`worker.py`, embedded at build time so that a moved or
/// installed `swiftrl` binary needs no resource bundle next to it).
enum WorkerScript {
    static let source = String(decoding: PackageResources.worker_py, as: UTF8.self)
}
