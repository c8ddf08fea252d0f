/// Shadows the standard library's `precondition` inside this module. The standard one drops
/// its message in optimized builds (`-O`), which is how SwiftRL is built and tested; a
/// programmer error here must still say which shapes or arguments were wrong.
@usableFromInline @inline(__always)
func precondition(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String = String(),
                  file: StaticString = #fileID, line: UInt = #line) {
    if !condition() { fatalError(message(), file: file, line: line) }
}
