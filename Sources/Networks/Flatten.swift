import Tensors

/// Flattens every axis after the batch axis: [N, d1, d2, …] → [N, d1·d2·…]. Sits between
/// convolutional and dense layers; row-major NHWC order means it only relabels the shape.
public final class Flatten: Layer {
    /// A flatten layer (it has no parameters).
    public init() {}

    /// The input with all axes but the first merged; differentiable.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        precondition(input.rank >= 1, "Flatten: input needs a batch axis, got shape \(input.shape)")
        return input.reshaped([input.shape[0], Tensor.count(of: Array(input.shape.dropFirst()))])
    }

    /// One axis holding all values of a sample.
    public func outputShape(for inputShape: [Int]) -> [Int] { [Tensor.count(of: inputShape)] }

    /// Copies the values unchanged: the memory layout already is the flattened one.
    public func infer(_ input: UnsafePointer<Float>, batch: Int, inputShape: [Int], into output: UnsafeMutablePointer<Float>) {
        if UnsafePointer(output) != input { output.update(from: input, count: batch * Tensor.count(of: inputShape)) }
    }
}
