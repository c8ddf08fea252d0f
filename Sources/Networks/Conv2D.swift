import Randomness
import Tensors

/// A 2-D convolution layer over NHWC images: `activation(conv2d(x, filter) + bias)`.
///
/// Inputs are [batch, height, width, channels] (TensorFlow's layout, which is how
/// observations arrive); the filter is [kh, kw, inChannels, outChannels] (Keras' layout),
/// stored in the parameter named `filter`, and the bias [outChannels] in `bias`. The names
/// differ from Dense's `weight` on purpose: the layout is not PyTorch's [out, in, kh, kw].
///
/// Acting (``infer(_:batch:inputShape:into:)``) reuses a patch buffer owned by the layer,
/// so it allocates only when the batch grows. That buffer makes `infer` safe on one thread
/// at a time per layer; give each acting thread its own copy of the network. The tensor
/// path (`callAsFunction`) keeps no state and may run on any number of threads.
public final class Conv2D: Layer {
    /// The kernel, [kh, kw, inputChannels, outputChannels].
    public let filter: Parameter
    /// One value per output channel, or nil without bias.
    public let bias: Parameter?
    /// Applied after the bias.
    public let activation: Activation
    /// Vertical and horizontal strides.
    public let strides: (Int, Int)
    /// How the border is treated.
    public let padding: Padding

    /// Kernel height and width.
    public var kernelSize: (Int, Int) { (filter.shape[0], filter.shape[1]) }
    /// Channels each input pixel has.
    public var inputChannels: Int { filter.shape[2] }
    /// Number of filters.
    public var outputChannels: Int { filter.shape[3] }

    private var scratch: UnsafeMutablePointer<Float>?
    private var scratchCapacity = 0

    /// A convolution with freshly initialised weights: Glorot uniform with Keras' fans for
    /// a kernel (fan-in kh·kw·in, fan-out kh·kw·out) and zero bias by default, as in Keras.
    public init(inputChannels: Int, outputChannels: Int, kernelSize: (Int, Int), strides: (Int, Int) = (1, 1),
                padding: Padding = .valid, activation: Activation = .identity, useBias: Bool = true,
                weightInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
                generator: inout RandomGenerator) {
        precondition(inputChannels > 0 && outputChannels > 0,
                     "Conv2D: channel counts must be positive, got \(inputChannels) → \(outputChannels)")
        precondition(kernelSize.0 > 0 && kernelSize.1 > 0, "Conv2D: kernel size must be positive, got \(kernelSize)")
        precondition(strides.0 > 0 && strides.1 > 0, "Conv2D: strides must be positive, got \(strides)")
        let area = kernelSize.0 * kernelSize.1
        filter = Parameter(weightInitializer.tensor(shape: [kernelSize.0, kernelSize.1, inputChannels, outputChannels],
                                                    fanIn: area * inputChannels, fanOut: area * outputChannels,
                                                    generator: &generator))
        bias = useBias ? Parameter(biasInitializer.tensor(shape: [outputChannels], fanIn: area * inputChannels,
                                                          fanOut: area * outputChannels, generator: &generator)) : nil
        self.strides = strides
        self.padding = padding
        self.activation = activation
    }

    deinit { scratch?.deallocate() }

    /// `filter`, then `bias` when present.
    public var ownParameters: [(name: String, parameter: Parameter)] {
        var result = [(name: "filter", parameter: filter)]
        if let bias { result.append((name: "bias", parameter: bias)) }
        return result
    }

    /// The convolution of a [batch, height, width, inputChannels] tensor; differentiable.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        precondition(input.rank == 4 && input.shape[3] == inputChannels,
                     "Conv2D: input must be [batch, height, width, \(inputChannels)], got \(input.shape)")
        return activation(conv2d(input, filter: filter.value, bias: bias?.value, strides: strides, padding: padding))
    }

    /// [outputHeight, outputWidth, outputChannels] for a sample of [height, width, inputChannels].
    public func outputShape(for inputShape: [Int]) -> [Int] {
        geometry(for: inputShape).outputShape
    }

    private func geometry(for inputShape: [Int]) -> Convolution2DGeometry {
        precondition(inputShape.count == 3 && inputShape[2] == inputChannels,
                     "Conv2D: sample shape must be [height, width, \(inputChannels)], got \(inputShape)")
        return Convolution2DGeometry(inputShape: inputShape, kernelSize: kernelSize, outputChannels: outputChannels,
                                     strides: strides, padding: padding)
    }

    /// The forward pass on raw memory with the layer's own patch buffer (see the type's
    /// note on threads).
    public func infer(_ input: UnsafePointer<Float>, batch: Int, inputShape: [Int], into output: UnsafeMutablePointer<Float>) {
        let geometry = geometry(for: inputShape)
        let needed = geometry.scratchCount(batch: batch)
        if needed > scratchCapacity {
            scratch?.deallocate()
            scratch = .allocate(capacity: needed)
            scratchCapacity = needed
        }
        filter.detachedValue.withUnsafeBufferPointer { f in
            geometry.forward(input, batch: batch, filter: f.baseAddress!, scratch: scratch, into: output)
        }
        let rows = batch * geometry.outputHeight * geometry.outputWidth, n = outputChannels
        activation.apply(output, rows: rows, columns: n, bias: bias)
    }
}
