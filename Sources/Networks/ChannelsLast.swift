import Tensors

/// Moves the channel axis of images from first to last: `[N, C, H, W]` becomes
/// `[N, H, W, C]`. ``Conv2D`` reads channels last (Keras' and TF-Agents' layout), while
/// stacked frames come channels first (Gymnasium's `FrameStackObservation` gives
/// `[4, 84, 84]`, as PyTorch reads images); this layer in front of the first convolution
/// lets such observations be used as they are, without a copy in every wrapper.
public final class ChannelsLast: Layer {
    /// A layout change (it has no parameters).
    public init() {}

    /// The input with its axes ordered `[N, H, W, C]`; differentiable.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        precondition(input.rank == 4, "ChannelsLast: input must be [batch, channels, height, width], got shape \(input.shape)")
        return input.permuted([0, 2, 3, 1])
    }

    /// `[C, H, W]` → `[H, W, C]`.
    public func outputShape(for inputShape: [Int]) -> [Int] {
        precondition(inputShape.count == 3, "ChannelsLast: samples must be [channels, height, width], got shape \(inputShape)")
        return [inputShape[1], inputShape[2], inputShape[0]]
    }

    /// The same move on raw memory (the acting path), without allocating.
    public func infer(_ input: UnsafePointer<Float>, batch: Int, inputShape: [Int], into output: UnsafeMutablePointer<Float>) {
        let (c, plane) = (inputShape[0], inputShape[1] * inputShape[2])
        let per = c * plane
        for b in 0..<batch {
            let source = input + b * per, destination = output + b * per
            for channel in 0..<c {
                for pixel in 0..<plane { destination[pixel * c + channel] = source[channel * plane + pixel] }
            }
        }
    }
}
