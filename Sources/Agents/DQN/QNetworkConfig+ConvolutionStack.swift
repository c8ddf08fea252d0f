import Networks
import Randomness
import Tensors

extension QNetworkConfig.ConvLayer {
    /// The convolutions of `params` (valid padding, `activation` after each) on
    /// `[height, width, channels]` inputs (`[channels, height, width]` with `inputLayout`
    /// `.channelsFirst`, moved last by a ``ChannelsLast`` layer first), then a ``Flatten``
    /// unless the shape is already flat: the feature extractor Q-networks, actor-critic trunks
    /// and REINFORCE's policies share. Returns the layers and their flat output shape; throws
    /// the reason when the observations are not images or a kernel is larger than its input.
    static func featureLayers(_ params: [Self], inputShape: [Int], inputLayout: QNetworkConfig.InputLayout = .channelsLast,
                              activation: Activation, weightInitializer: Initializer,
                              biasInitializer: Initializer, generator: inout RandomGenerator)
        throws(ConvolutionStackError) -> (layers: [any Layer], outputShape: [Int]) {
        var layers: [any Layer] = []
        var shape = inputShape
        if !params.isEmpty {
            guard shape.count == 3 else {
                let layout = inputLayout == .channelsFirst ? "[channels, height, width]" : "[height, width, channels]"
                throw ConvolutionStackError(reason: "convLayerParams need \(layout) observations, "
                    + "got shape \(shape); remove the convolutions or reshape the observations")
            }
            if inputLayout == .channelsFirst {
                let moved = ChannelsLast()
                shape = moved.outputShape(for: shape)
                layers.append(moved)
            }
            for (i, c) in params.enumerated() {
                guard shape[0] >= c.kernelSize && shape[1] >= c.kernelSize else {
                    throw ConvolutionStackError(reason: "convLayerParams[\(i)] has a \(c.kernelSize)x\(c.kernelSize) "
                        + "kernel but its input is only \(shape[0])x\(shape[1]); use smaller kernels or strides")
                }
                let conv = Conv2D(inputChannels: shape[2], outputChannels: c.filters, kernelSize: (c.kernelSize, c.kernelSize),
                                  strides: (c.stride, c.stride), activation: activation, weightInitializer: weightInitializer,
                                  biasInitializer: biasInitializer, generator: &generator)
                shape = conv.outputShape(for: shape)
                layers.append(conv)
            }
        }
        if shape.count != 1 {
            layers.append(Flatten())
            shape = [Tensor.count(of: shape)]
        }
        return (layers, shape)
    }
}

/// Why a convolution stack cannot be built on the observations; each network turns the
/// reason into its own error.
struct ConvolutionStackError: Error {
    var reason: String
}
