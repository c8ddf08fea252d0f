/// Every environment SwiftRL ships, registered in ``Registry/shared``.
enum BuiltinEnvironments {
    static var specs: [EnvironmentSpec] {
        []
    }
}
