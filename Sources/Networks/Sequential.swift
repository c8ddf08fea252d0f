import Tensors

/// Layers applied one after another.
public final class Sequential: Layer {
    public let layers: [any Layer]

    public init(_ layers: [any Layer]) {
        self.layers = layers
    }

    public convenience init(@LayerBuilder _ build: () -> [any Layer]) {
        self.init(build())
    }

    public var children: [(name: String, module: any Module)] {
        layers.enumerated().map { (name: "layers.\($0.offset)", module: $0.element as any Module) }
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        layers.reduce(input) { x, layer in layer(x) }
    }

    public func outputShape(for inputShape: [Int]) -> [Int] {
        layers.reduce(inputShape) { shape, layer in layer.outputShape(for: shape) }
    }

    public func infer(_ input: UnsafePointer<Float>, batch: Int, inputShape: [Int], into output: UnsafeMutablePointer<Float>) {
        let plan = InferencePlan(self, inputShape: inputShape, maxBatch: batch)
        let result = plan.run(input, batch: batch)
        output.update(from: result.baseAddress!, count: result.count)
    }
}

/// Builds a list of layers: `Sequential { Dense(...); ActivationLayer(.relu) }`.
@resultBuilder
public enum LayerBuilder {
    public static func buildExpression(_ layer: any Layer) -> [any Layer] { [layer] }
    public static func buildBlock(_ parts: [any Layer]...) -> [any Layer] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [any Layer]?) -> [any Layer] { part ?? [] }
    public static func buildEither(first: [any Layer]) -> [any Layer] { first }
    public static func buildEither(second: [any Layer]) -> [any Layer] { second }
    public static func buildArray(_ parts: [[any Layer]]) -> [any Layer] { parts.flatMap { $0 } }
}

/// A forward pass prepared for repeated acting: the shapes of every layer are worked out
/// once and intermediate results go to two preallocated buffers, so `run` allocates nothing.
///
/// ```swift
/// let plan = InferencePlan(qNetwork, inputShape: [4], maxBatch: 1)
/// let q = plan.run(observation)   // UnsafeBufferPointer into the plan's memory
/// ```
/// The returned buffer stays valid until the next call to `run`. A plan reads the layers'
/// current weights on every call, so it stays correct while the network trains.
public final class InferencePlan {
    public let layers: [any Layer]
    public let inputShape: [Int]
    public let maxBatch: Int
    /// Per-sample output shape.
    public let outputShape: [Int]
    private let shapes: [[Int]]
    private let buffers: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>)

    /// Prepares `layer` (a ``Sequential`` is split into its layers) for inputs of
    /// `inputShape` per sample and at most `maxBatch` samples per call.
    public init(_ layer: any Layer, inputShape: [Int], maxBatch: Int = 1) {
        precondition(maxBatch > 0, "InferencePlan: maxBatch must be positive")
        let layers = (layer as? Sequential)?.layers ?? [layer]
        var shapes = [inputShape]
        for l in layers { shapes.append(l.outputShape(for: shapes.last!)) }
        let largest = shapes.dropFirst().map { Tensor.count(of: $0) }.max() ?? 0
        self.layers = layers
        self.inputShape = inputShape
        self.maxBatch = maxBatch
        self.shapes = shapes
        self.outputShape = shapes.last!
        let capacity = max(largest * maxBatch, 1)
        buffers = (.allocate(capacity: capacity), .allocate(capacity: capacity))
    }

    deinit {
        buffers.0.deallocate()
        buffers.1.deallocate()
    }

    /// Runs the network on `batch` samples at `input` and returns the outputs.
    public func run(_ input: UnsafePointer<Float>, batch: Int = 1) -> UnsafeBufferPointer<Float> {
        precondition(batch > 0 && batch <= maxBatch, "InferencePlan.run: batch \(batch) outside 1...\(maxBatch)")
        var source = input
        var target = buffers.0
        for (i, layer) in layers.enumerated() {
            layer.infer(source, batch: batch, inputShape: shapes[i], into: target)
            source = UnsafePointer(target)
            target = target == buffers.0 ? buffers.1 : buffers.0
        }
        return UnsafeBufferPointer(start: source, count: batch * Tensor.count(of: outputShape))
    }

    /// Runs the network on the values of `input` (one or more samples).
    public func run(_ input: [Float]) -> UnsafeBufferPointer<Float> {
        let per = Tensor.count(of: inputShape)
        precondition(per > 0 && input.count % per == 0, "InferencePlan.run: \(input.count) values is not a whole number of \(inputShape) samples")
        return input.withUnsafeBufferPointer { run($0.baseAddress!, batch: input.count / per) }
    }

    /// Index of the largest output of sample `index` of the last run: the greedy action.
    public static func argmax(_ values: UnsafeBufferPointer<Float>) -> Int {
        var best = 0
        for i in 1..<max(values.count, 1) where values[i] > values[best] { best = i }
        return best
    }
}
