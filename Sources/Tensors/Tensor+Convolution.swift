import CKernels

// 2-D convolution over NHWC tensors as im2col + GEMM. Each output pixel's receptive field
// becomes one row of a patch matrix [N·OH·OW, kh·kw·C]; multiplying it by the filter viewed
// as [kh·kw·C, F] yields the NHWC output directly, so neither pass needs a transpose.

/// How a convolution treats the border of its input (TensorFlow's semantics).
public enum Padding: String, Codable, Sendable, CaseIterable {
    /// No padding: only windows that fit entirely inside the input; output = ⌊(in − k) / s⌋ + 1.
    case valid
    /// Zero padding so that output = ⌈in / s⌉. The total padding max((out − 1)·s + k − in, 0)
    /// is split with the smaller half before and the extra pixel after, as TensorFlow does.
    case same
}

/// The sizes, strides and padding of one 2-D convolution over NHWC samples, and the raw
/// kernels (patch extraction, forward pass, gradient scatter) that work from them.
///
/// ``conv2d(_:filter:bias:strides:padding:)`` uses it for tensors; layers use it on raw
/// memory for the allocation-free acting path.
public struct Convolution2DGeometry: Equatable, Sendable {
    /// Input height, width and channels of one sample.
    public let inputHeight: Int, inputWidth: Int, inputChannels: Int
    /// Kernel height and width.
    public let kernelHeight: Int, kernelWidth: Int
    /// Number of filters, which is the number of output channels.
    public let outputChannels: Int
    /// Vertical and horizontal strides.
    public let strideHeight: Int, strideWidth: Int
    /// Zero rows above and zero columns left of the input (the rest of the padding is implicit).
    public let padTop: Int, padLeft: Int
    /// Output height and width of one sample.
    public let outputHeight: Int, outputWidth: Int

    /// The geometry for samples of `inputShape` = [height, width, channels].
    public init(inputShape: [Int], kernelSize: (Int, Int), outputChannels: Int,
                strides: (Int, Int) = (1, 1), padding: Padding = .valid) {
        precondition(inputShape.count == 3, "conv2d: sample shape must be [height, width, channels], got \(inputShape)")
        precondition(kernelSize.0 > 0 && kernelSize.1 > 0, "conv2d: kernel size must be positive, got \(kernelSize)")
        precondition(strides.0 > 0 && strides.1 > 0, "conv2d: strides must be positive, got \(strides)")
        precondition(outputChannels > 0 && inputShape[2] > 0, "conv2d: channel counts must be positive")
        inputHeight = inputShape[0]
        inputWidth = inputShape[1]
        inputChannels = inputShape[2]
        kernelHeight = kernelSize.0
        kernelWidth = kernelSize.1
        self.outputChannels = outputChannels
        strideHeight = strides.0
        strideWidth = strides.1
        (outputHeight, padTop) = Self.extent(inputShape[0], kernel: kernelSize.0, stride: strides.0, padding: padding)
        (outputWidth, padLeft) = Self.extent(inputShape[1], kernel: kernelSize.1, stride: strides.1, padding: padding)
    }

    /// Output length and leading padding along one axis.
    static func extent(_ size: Int, kernel: Int, stride: Int, padding: Padding) -> (Int, Int) {
        switch padding {
        case .valid:
            precondition(size >= kernel, "conv2d: input extent \(size) is smaller than the kernel \(kernel) with valid padding")
            return ((size - kernel) / stride + 1, 0)
        case .same:
            precondition(size > 0, "conv2d: empty input")
            let out = (size + stride - 1) / stride
            let total = max((out - 1) * stride + kernel - size, 0)
            return (out, total / 2)
        }
    }

    /// Per-sample output shape [outputHeight, outputWidth, outputChannels].
    public var outputShape: [Int] { [outputHeight, outputWidth, outputChannels] }
    /// Per-sample input shape [inputHeight, inputWidth, inputChannels].
    public var inputShape: [Int] { [inputHeight, inputWidth, inputChannels] }
    /// Length of one receptive field, kh·kw·C: the reduction length of the GEMM.
    public var patchSize: Int { kernelHeight * kernelWidth * inputChannels }
    /// Shape of the filter, [kh, kw, C, F].
    public var filterShape: [Int] { [kernelHeight, kernelWidth, inputChannels, outputChannels] }

    /// True when the patch matrix is the input itself (a 1×1 kernel with stride 1), so no
    /// patches need to be copied.
    public var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && strideHeight == 1 && strideWidth == 1
    }

    /// Number of floats of scratch memory ``forward(_:batch:filter:scratch:into:)`` needs
    /// for `batch` samples (0 for pointwise convolutions).
    public func scratchCount(batch: Int) -> Int {
        isPointwise ? 0 : batch * outputHeight * outputWidth * patchSize
    }

    /// Convolves `batch` NHWC samples with `filter` ([kh, kw, C, F], row-major) into `output`
    /// ([batch, OH, OW, F]), without bias or activation. `scratch` must hold
    /// ``scratchCount(batch:)`` floats (it may be nil when that is 0); afterwards it holds
    /// the patch matrix.
    public func forward(_ input: UnsafePointer<Float>, batch: Int, filter: UnsafePointer<Float>,
                        scratch: UnsafeMutablePointer<Float>?, into output: UnsafeMutablePointer<Float>) {
        let rows = batch * outputHeight * outputWidth
        let patches: UnsafePointer<Float>
        if isPointwise {
            patches = input
        } else {
            guard let scratch else { preconditionFailure("conv2d: a scratch buffer is required for this geometry") }
            extractPatches(input, batch: batch, into: scratch)
            patches = UnsafePointer(scratch)
        }
        CPU.gemm(transposeA: false, transposeB: false, m: rows, n: outputChannels, k: patchSize,
                 a: patches, lda: patchSize, b: filter, ldb: outputChannels, c: output, ldc: outputChannels)
    }

    /// im2col: writes each output pixel's receptive field as a row of `patches`
    /// ([batch·OH·OW, kh·kw·C]), zeros where the window hangs over the padding.
    public func extractPatches(_ input: UnsafePointer<Float>, batch: Int, into patches: UnsafeMutablePointer<Float>) {
        let rowLength = outputWidth &* patchSize
        let sampleSize = inputHeight &* inputWidth &* inputChannels
        let c = inputChannels, kh = kernelHeight, kw = kernelWidth
        let h = inputHeight, w = inputWidth, oh = outputHeight, ow = outputWidth
        let sh = strideHeight, sw = strideWidth, pt = padTop, pl = padLeft
        let span = kw &* c
        // One output row per work item, so even a single observation uses both cores when big.
        CPU.parallelFor(batch &* oh, costPerItem: rowLength) { range in
            for r in range {
                let n = r / oh, oy = r % oh
                let sample = input + n &* sampleSize
                var dst = patches + r &* rowLength
                for ox in 0..<ow {
                    let ix0 = ox &* sw &- pl
                    let inside = ix0 >= 0 && ix0 &+ kw <= w
                    for ky in 0..<kh {
                        let iy = oy &* sh &- pt &+ ky
                        if iy < 0 || iy >= h {
                            dst.update(repeating: 0, count: span)
                        } else if inside {
                            // NHWC keeps a window row's kw·C values contiguous.
                            copyFloats(sample + (iy &* w &+ ix0) &* c, to: dst, count: span)
                        } else {
                            for kx in 0..<kw {
                                let ix = ix0 &+ kx
                                if ix < 0 || ix >= w {
                                    (dst + kx &* c).update(repeating: 0, count: c)
                                } else {
                                    copyFloats(sample + (iy &* w &+ ix) &* c, to: dst + kx &* c, count: c)
                                }
                            }
                        }
                        dst += span
                    }
                }
            }
        }
    }

    /// col2im: the adjoint of ``extractPatches(_:batch:into:)``. Overwrites `inputGradient`
    /// ([batch, H, W, C]) with the sum, over every patch, of `patchGradient`'s rows scattered
    /// back to the input pixels they were copied from; padding positions are dropped.
    public func scatterPatches(_ patchGradient: UnsafePointer<Float>, batch: Int,
                               into inputGradient: UnsafeMutablePointer<Float>) {
        let rowLength = outputWidth &* patchSize
        let sampleSize = inputHeight &* inputWidth &* inputChannels
        let c = inputChannels, kh = kernelHeight, kw = kernelWidth
        let h = inputHeight, w = inputWidth, oh = outputHeight, ow = outputWidth
        let sh = strideHeight, sw = strideWidth, pt = padTop, pl = padLeft
        let span = kw &* c
        // Overlapping windows add into the same pixels, so threads split by sample, whose
        // gradients are disjoint.
        CPU.parallelFor(batch, costPerItem: oh &* rowLength) { range in
            for n in range {
                let sample = inputGradient + n &* sampleSize
                sample.update(repeating: 0, count: sampleSize)
                var src = patchGradient + n &* oh &* rowLength
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        let ix0 = ox &* sw &- pl
                        let inside = ix0 >= 0 && ix0 &+ kw <= w
                        for ky in 0..<kh {
                            let iy = oy &* sh &- pt &+ ky
                            if iy >= 0 && iy < h {
                                if inside {
                                    addFloats(src, into: sample + (iy &* w &+ ix0) &* c, count: span)
                                } else {
                                    for kx in 0..<kw {
                                        let ix = ix0 &+ kx
                                        if ix >= 0 && ix < w {
                                            addFloats(src + kx &* c, into: sample + (iy &* w &+ ix) &* c, count: c)
                                        }
                                    }
                                }
                            }
                            src += span
                        }
                    }
                }
            }
        }
    }
}

@inline(__always)
private func copyFloats(_ source: UnsafePointer<Float>, to destination: UnsafeMutablePointer<Float>, count: Int) {
    var i = 0
    while i < count {
        destination[i] = source[i]
        i &+= 1
    }
}

@inline(__always)
private func addFloats(_ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>, count: Int) {
    var i = 0
    while i < count {
        destination[i] += source[i]
        i &+= 1
    }
}

/// 2-D cross-correlation (what deep-learning libraries call convolution) of NHWC `input`
/// [N, H, W, C] with `filter` [kh, kw, C, F] (Keras' layout), plus an optional `bias` [F]
/// added to every output pixel. Returns [N, OH, OW, F]; differentiable in all three inputs.
///
/// The patch matrix built for the forward pass is kept for the filter gradient and then
/// reused as the buffer for the input gradient's patches, so backward allocates little.
public func conv2d(_ input: Tensor, filter: Tensor, bias: Tensor? = nil, strides: (Int, Int) = (1, 1),
                   padding: Padding = .valid) -> Tensor {
    precondition(input.rank == 4, "conv2d: input must be [batch, height, width, channels], got \(input.shape)")
    precondition(filter.rank == 4, "conv2d: filter must be [kh, kw, inChannels, outChannels], got \(filter.shape)")
    precondition(filter.shape[2] == input.shape[3],
                 "conv2d: filter \(filter.shape) expects \(filter.shape[2]) input channels, input \(input.shape) has \(input.shape[3])")
    let f = filter.shape[3]
    if let bias { precondition(bias.shape == [f], "conv2d: bias \(bias.shape) should be [\(f)]") }
    let batch = input.shape[0]
    let geometry = Convolution2DGeometry(inputShape: Array(input.shape.dropFirst()),
                                         kernelSize: (filter.shape[0], filter.shape[1]), outputChannels: f,
                                         strides: strides, padding: padding)
    let rows = batch * geometry.outputHeight * geometry.outputWidth
    let out = Tensor(uninitializedShape: [batch] + geometry.outputShape)
    let patches = geometry.isPointwise ? input.detached : Tensor(uninitializedShape: [rows, geometry.patchSize])
    geometry.forward(input.storage.pointer, batch: batch, filter: filter.storage.pointer,
                     scratch: geometry.isPointwise ? nil : patches.storage.pointer, into: out.storage.pointer)
    if let bias { srl_bias_act(out.storage.pointer, bias.storage.pointer, out.storage.pointer, rows, f, 0) }

    let inputs = bias.map { [input, filter, $0] } ?? [input, filter]
    guard let tape = GradientTape.recording(inputs) else { return out }
    let filterValue = filter.detached, inputValue = input.detached
    let needInput = tape.tracks(input), needFilter = tape.tracks(filter)
    let needBias = bias.map { tape.tracks($0) } ?? false
    let k = geometry.patchSize
    var patchesHoldInput = true
    return tape.recordNary(out, inputs) { g in
        var grads: [Tensor?] = [nil, nil, nil]
        // With Y = P·W: dW = Pᵀ·dY and dP = dY·Wᵀ, then dX = col2im(dP).
        if needFilter {
            if !patchesHoldInput {
                geometry.extractPatches(inputValue.storage.pointer, batch: batch, into: patches.storage.pointer)
                patchesHoldInput = true
            }
            let gf = Tensor(uninitializedShape: geometry.filterShape)
            CPU.gemm(transposeA: true, transposeB: false, m: k, n: f, k: rows, a: patches.storage.pointer, lda: k,
                     b: g.storage.pointer, ldb: f, c: gf.storage.pointer, ldc: f)
            grads[1] = gf
        }
        if needInput {
            let gx = Tensor(uninitializedShape: [batch] + geometry.inputShape)
            if geometry.isPointwise {
                CPU.gemm(transposeA: false, transposeB: true, m: rows, n: k, k: f, a: g.storage.pointer, lda: f,
                         b: filterValue.storage.pointer, ldb: f, c: gx.storage.pointer, ldc: k)
            } else {
                // The filter gradient above is done with the patches, so their memory takes
                // the patch gradients; were this closure ever replayed, the patches are rebuilt.
                let patchGradient = patches.storage.pointer
                CPU.gemm(transposeA: false, transposeB: true, m: rows, n: k, k: f, a: g.storage.pointer, lda: f,
                         b: filterValue.storage.pointer, ldb: f, c: patchGradient, ldc: k)
                patchesHoldInput = false
                geometry.scatterPatches(patchGradient, batch: batch, into: gx.storage.pointer)
            }
            grads[0] = gx
        }
        if needBias {
            grads[2] = g.columnSums(columns: f)
        }
        return grads
    }
}
