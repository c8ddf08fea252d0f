#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The system's zlib, loaded at run time (`libz.so.1` is on every Linux system, glibc's
/// tools need it), so PNG files are compressed without a build-time dependency. When it
/// cannot be loaded, callers fall back to stored (uncompressed) deflate blocks.
enum SystemZlib {
    private typealias Compress2 = @convention(c) (
        UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt>?, UnsafePointer<UInt8>?, UInt, Int32) -> Int32
    private typealias CompressBound = @convention(c) (UInt) -> UInt

    private struct Functions: @unchecked Sendable {
        let compress2: Compress2
        let compressBound: CompressBound
    }

    private static let functions: Functions? = {
        #if os(macOS)
        let names = ["/usr/lib/libz.1.dylib", "libz.dylib"]
        #else
        let names = ["libz.so.1", "libz.so"]
        #endif
        for name in names {
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else { continue }
            guard let compress2 = dlsym(handle, "compress2"), let bound = dlsym(handle, "compressBound") else { continue }
            return Functions(compress2: unsafeBitCast(compress2, to: Compress2.self),
                             compressBound: unsafeBitCast(bound, to: CompressBound.self))
        }
        return nil
    }()

    /// A zlib stream (RFC 1950) of `bytes` at compression level 6, or nil without zlib.
    static func compress(_ bytes: [UInt8]) -> [UInt8]? {
        guard let functions else { return nil }
        var capacity = functions.compressBound(UInt(bytes.count))
        var output = [UInt8](repeating: 0, count: Int(capacity))
        let status = output.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { input in
                functions.compress2(out.baseAddress, &capacity, input.baseAddress, UInt(input.count), 6)
            }
        }
        guard status == 0 else { return nil }
        output.removeSubrange(Int(capacity)...)
        return output
    }
}
