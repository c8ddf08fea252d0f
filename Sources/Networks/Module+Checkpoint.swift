import Foundation
import Tensors

extension Module {
    /// Atomically saves every parameter under its ``namedParameters`` name to a safetensors
    /// file at `url`, replacing any file there. PyTorch reads it with
    /// `safetensors.torch.load_file`; note that ``Dense`` stores its weight as [in, out],
    /// the transpose of `torch.nn.Linear.weight`.
    public func save(to url: URL, metadata: [String: String] = [:]) throws {
        try SafeTensorsFile.write(namedParameters.map { (name: $0.name, tensor: $0.parameter.detachedValue) },
                                  metadata: metadata, to: url)
    }

    /// Loads every parameter from the safetensors file at `url` and returns the file's metadata.
    ///
    /// The checks are those of the ``SafeTensorsFile`` overload; nothing changes unless all pass.
    @discardableResult
    public func load(from url: URL, strict: Bool = true) throws -> [String: String] {
        let file = try SafeTensorsFile(contentsOf: url)
        try load(from: file, strict: strict)
        return file.metadata
    }

    /// Copies every parameter's value from the F32 array of the same name in `file`.
    ///
    /// All checks run before any parameter changes, so a failed load leaves the module as it
    /// was: every parameter must be present (a missing one is always an error: a partly loaded
    /// network is rarely intended), be F32 and have the parameter's shape. With `strict`, the
    /// file must also hold no other arrays; without it, other arrays (an optimizer's state, a
    /// second network) are ignored.
    public func load(from file: SafeTensorsFile, strict: Bool = true) throws {
        let parameters = namedParameters
        var stored: [String: SafeTensorsValue] = [:]
        for (name, value) in file.entries where stored[name] == nil { stored[name] = value }

        let missing = parameters.map(\.name).filter { stored[$0] == nil }
        if !missing.isEmpty { throw SafeTensorsError.missingTensors(missing) }
        if strict {
            let expected = Set(parameters.map(\.name))
            let unexpected = file.names.filter { !expected.contains($0) }
            if !unexpected.isEmpty { throw SafeTensorsError.unexpectedTensors(unexpected) }
        }
        var values: [Tensor] = []
        values.reserveCapacity(parameters.count)
        for (name, parameter) in parameters {
            let value = stored[name]!
            guard let tensor = value.tensor else {
                throw SafeTensorsError.dtypeMismatch(tensor: name, expected: .float32, found: value.dtype)
            }
            guard tensor.shape == parameter.shape else {
                throw SafeTensorsError.shapeMismatch(tensor: name, expected: parameter.shape, found: tensor.shape)
            }
            values.append(tensor)
        }
        // Writing in place keeps each Parameter's identity, which optimizers key their state on.
        for ((_, parameter), tensor) in zip(parameters, values) where tensor.count > 0 {
            tensor.withUnsafeBufferPointer { source in
                parameter.update { $0.baseAddress!.update(from: source.baseAddress!, count: source.count) }
            }
        }
    }
}
