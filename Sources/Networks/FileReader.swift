import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A regular file open for positioned reads, so that a reader can check untrusted lengths
/// against ``byteCount`` before allocating anything, and read each tensor straight into
/// its own storage.
struct FileReader: ~Copyable {
    private let descriptor: Int32
    /// The file's path, for error messages.
    let path: String
    /// The file's size when it was opened.
    let byteCount: Int

    /// Opens the regular file at `url`.
    init(url: URL) throws {
        path = url.path
        guard url.isFileURL else { throw SafeTensorsError.readFailed(path: path, reason: "\(url) is not a file URL") }
        let descriptor = url.withUnsafeFileSystemRepresentation { open($0!, O_RDONLY | O_CLOEXEC) }
        guard descriptor >= 0 else {
            if errno == ENOENT { throw SafeTensorsError.fileNotFound(path: path) }
            throw SafeTensorsError.readFailed(path: path, reason: errnoText())
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let reason = errnoText()
            _ = close(descriptor)
            throw SafeTensorsError.readFailed(path: path, reason: reason)
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            _ = close(descriptor)
            let kind = status.st_mode & S_IFMT == S_IFDIR ? "it is a directory" : "it is not a regular file"
            throw SafeTensorsError.readFailed(path: path, reason: kind)
        }
        self.descriptor = descriptor
        byteCount = Int(status.st_size)
    }

    deinit {
        _ = close(descriptor)
    }

    /// Fills `buffer` with the bytes starting at `offset`; throws ``SafeTensorsError/truncated``
    /// naming `tensor` if the file ends first (it shrank after it was opened).
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int, tensor: String?) throws {
        guard var next = buffer.baseAddress else { return }
        var position = offset, remaining = buffer.count
        while remaining > 0 {
            let count = pread(descriptor, next, min(remaining, 1 << 30), off_t(position))
            if count < 0 {
                if errno == EINTR { continue }
                throw SafeTensorsError.readFailed(path: path, reason: errnoText())
            }
            guard count > 0 else {
                throw SafeTensorsError.truncated(path: path, expectedByteCount: offset + buffer.count,
                                                 actualByteCount: position, tensor: tensor)
            }
            next += count
            position += count
            remaining -= count
        }
    }
}
