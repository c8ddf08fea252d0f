import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file so that readers see either the complete old file or the complete new one:
/// the bytes go to a uniquely named temporary file in the destination's directory, which is
/// flushed to disk and then renamed over the destination (rename(2) is atomic within a file
/// system). A crash or error midway leaves the previous file untouched, and the temporary
/// file is removed on every error path this process survives.
struct AtomicFileWriter: ~Copyable {
    private let descriptor: Int32
    /// The destination's path, for error messages.
    let path: String

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    /// Creates or replaces the file at `url` with the bytes `body` hands to ``write(_:)``.
    static func write(to url: URL, _ body: (borrowing AtomicFileWriter) throws -> Void) throws {
        let path = url.path
        guard url.isFileURL else { throw SafeTensorsError.writeFailed(path: path, reason: "\(url) is not a file URL") }
        let directory = url.deletingLastPathComponent()
        let (descriptor, temporary) = try createTemporaryFile(in: directory, for: url)
        var descriptorOpen = true
        var renamed = false
        defer {
            if descriptorOpen { _ = close(descriptor) }
            if !renamed { _ = temporary.withUnsafeFileSystemRepresentation { unlink($0!) } }
        }
        try body(AtomicFileWriter(descriptor: descriptor, path: path))
        // Without fsync the rename can reach the disk before the data, and a power cut would
        // leave an empty or partial file under the destination's name.
        guard fsync(descriptor) == 0 else { throw failure(path, "flushing to disk failed: \(errnoText())") }
        descriptorOpen = false
        // close(2) can report a deferred write error (network file systems).
        guard close(descriptor) == 0 else { throw failure(path, "closing the file failed: \(errnoText())") }
        let status = temporary.withUnsafeFileSystemRepresentation { from in
            url.withUnsafeFileSystemRepresentation { to in rename(from!, to!) }
        }
        guard status == 0 else { throw failure(path, "renaming the finished temporary file failed: \(errnoText())") }
        renamed = true
        syncDirectory(directory)
    }

    /// Appends `bytes` to the temporary file.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard var next = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            // Linux writes at most 2 GiB − 4 KiB per call; ask for no more than 1 GiB at a time.
            let written = systemWrite(descriptor, next, min(remaining, 1 << 30))
            if written < 0 {
                if errno == EINTR { continue }
                throw Self.failure(path, "writing failed: \(errnoText())")
            }
            guard written > 0 else { throw Self.failure(path, "writing failed: no bytes were written (disk full?)") }
            next += written
            remaining -= written
        }
    }

    private static func createTemporaryFile(in directory: URL, for url: URL) throws -> (Int32, URL) {
        for _ in 0..<16 {
            let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
            let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(suffix)")
            let descriptor = temporary.withUnsafeFileSystemRepresentation {
                open($0!, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            }
            if descriptor >= 0 { return (descriptor, temporary) }
            if errno == EEXIST { continue }
            let reason = errno == ENOENT ? "the directory \(directory.path) does not exist; create it first"
                                         : "cannot create a temporary file in \(directory.path): \(errnoText())"
            throw failure(url.path, reason)
        }
        throw failure(url.path, "cannot find an unused temporary file name in \(directory.path)")
    }

    /// Makes the rename itself durable. Best effort: some file systems refuse fsync on a
    /// directory, and the new file is complete either way.
    private static func syncDirectory(_ directory: URL) {
        let descriptor = directory.withUnsafeFileSystemRepresentation { open($0!, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        _ = close(descriptor)
    }

    private static func failure(_ path: String, _ reason: String) -> SafeTensorsError {
        .writeFailed(path: path, reason: reason)
    }
}

/// The text of the current `errno`.
func errnoText() -> String {
    String(cString: strerror(errno))
}

/// write(2), under a name that ``AtomicFileWriter/write(_:)`` does not shadow.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
