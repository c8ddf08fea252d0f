import Networks
import Randomness
import Tensors

/// `swiftrl bench core`: the costs that dominate small-network RL, measured the way
/// shared/anchors/torch_microbench.py measures PyTorch so the two can sit side by side.
public enum CoreBenchmarks {
    /// Options for a run; `quick` shortens every measurement for smoke tests.
    public struct Options: Sendable {
        public var quick: Bool
        public var repetitions: Int
        /// Names of the benchmarks to run (`mlp_train_step`, `mlp_forward_b1`,
        /// `nature_cnn_fwd_bwd`, `gemm`); empty runs all.
        public var only: Set<String>
        /// Hidden-layer widths of the MLPs to measure.
        public var hiddenSizes: [[Int]]
        public init(quick: Bool = false, repetitions: Int = 3, only: Set<String> = [], hiddenSizes: [[Int]] = [[64, 64], [256, 256]]) {
            self.quick = quick
            self.repetitions = repetitions
            self.only = only
            self.hiddenSizes = hiddenSizes
        }

        func includes(_ name: String) -> Bool { only.isEmpty || only.contains(name) }
    }

    /// Runs every benchmark and hands each JSON line to `emit` as soon as it is measured.
    public static func run(_ options: Options = Options(), emit: (JSONLine) -> Void) {
        var header = JSONLine("core_machine")
        header.add("instruction_set", CPU.instructionSet)
        header.add("threads", CPU.threadCount)
        header.add("blas", CPU.blasDescription)
        header.add("blas_enabled", CPU.blasEnabled)
        emit(header)
        for hidden in options.hiddenSizes {
            if options.includes("mlp_train_step") { emit(mlpTrainingStep(hidden: hidden, options: options)) }
            if options.includes("mlp_forward_b1") { emit(mlpForwardBatch1(hidden: hidden, options: options)) }
        }
        if options.includes("nature_cnn_fwd_bwd") { emit(natureCNN(options: options)) }
        if options.includes("gemm") { for line in gemmThroughput(options: options) { emit(line) } }
    }

    static func mlp(hidden: [Int], generator: inout RandomGenerator) -> Sequential {
        var layers: [any Layer] = []
        var width = 4
        for h in hidden {
            layers.append(Dense(inputSize: width, outputSize: h, activation: .relu, generator: &generator))
            width = h
        }
        layers.append(Dense(inputSize: width, outputSize: 2, generator: &generator))
        return Sequential(layers)
    }

    static func randomTensor(_ shape: [Int], _ generator: inout RandomGenerator) -> Tensor {
        Tensor.randomNormal(shape, generator: &generator)
    }

    /// (a)/(c): zero-grad + forward + MSE + backward + Adam on one fixed batch of 64,
    /// exactly the step torch_microbench.py times.
    public static func mlpTrainingStep(hidden: [Int], options: Options) -> JSONLine {
        var generator = RandomGenerator(seed: 0)
        let net = mlp(hidden: hidden, generator: &generator)
        let optimizer = Adam(parameters: net.parameters, learningRate: 1e-3)
        let x = randomTensor([64, 4], &generator), y = randomTensor([64, 2], &generator)
        let parameters = net.parameters
        let m = Measurement.microseconds(warmup: options.quick ? 20 : 200, iterations: options.quick ? 100 : 1000,
                                         repetitions: options.repetitions) {
            let (_, gradients) = valueWithGradient(wrt: parameters) {
                let d = net(x) - y
                return (d * d).mean()
            }
            optimizer.step(gradients)
        }
        var line = JSONLine("mlp_train_step")
        line.add("hidden", hidden)
        line.add("batch", 64)
        line.add("us_runs", m.runs, digits: 2)
        line.add("us_median", m.median, digits: 2)
        line.add("steps_per_s", 1e6 / m.median, digits: 0)
        return line
    }

    /// (b)/(c): batch-1 forward through the allocation-free acting path, plus the plain
    /// tensor path for reference.
    public static func mlpForwardBatch1(hidden: [Int], options: Options) -> JSONLine {
        var generator = RandomGenerator(seed: 0)
        let net = mlp(hidden: hidden, generator: &generator)
        let plan = InferencePlan(net, inputShape: [4], maxBatch: 1)
        let observation: [Float] = [0.01, -0.02, 0.03, 0.04]
        var sink = 0
        let calls = options.quick ? 2000 : 20000
        let planned = observation.withUnsafeBufferPointer { obs in
            Measurement.microseconds(warmup: 1000, iterations: calls, repetitions: options.repetitions) {
                sink &+= InferencePlan.argmax(plan.run(obs.baseAddress!))
            }
        }
        let x = Tensor(shape: [1, 4], scalars: observation)
        let tensorPath = Measurement.microseconds(warmup: 1000, iterations: calls / 4, repetitions: options.repetitions) {
            sink &+= Int(net(x).scalars[0].sign == .minus ? 1 : 0)
        }
        var line = JSONLine("mlp_forward_b1")
        line.add("hidden", hidden)
        line.add("ns_runs", planned.runs.map { $0 * 1000 }, digits: 1)
        line.add("ns_median", planned.median * 1000, digits: 1)
        line.add("tensor_path_ns_median", tensorPath.median * 1000, digits: 1)
        line.add("checksum", sink & 1)
        return line
    }

    /// (d): forward + backward of the Nature-DQN CNN on a batch of 32 (Mnih et al. 2015).
    public static func natureCNN(options: Options) -> JSONLine {
        var generator = RandomGenerator(seed: 0)
        let net = Sequential {
            Conv2D(inputChannels: 4, outputChannels: 32, kernelSize: (8, 8), strides: (4, 4), activation: .relu, generator: &generator)
            Conv2D(inputChannels: 32, outputChannels: 64, kernelSize: (4, 4), strides: (2, 2), activation: .relu, generator: &generator)
            Conv2D(inputChannels: 64, outputChannels: 64, kernelSize: (3, 3), strides: (1, 1), activation: .relu, generator: &generator)
            Flatten()
            Dense(inputSize: 3136, outputSize: 512, activation: .relu, generator: &generator)
        }
        let x = randomTensor([32, 84, 84, 4], &generator)
        let parameters = net.parameters
        let m = Measurement.microseconds(warmup: options.quick ? 1 : 5, iterations: options.quick ? 2 : 10,
                                         repetitions: options.repetitions) {
            _ = valueWithGradient(wrt: parameters) { net(x).mean() }
        }
        var line = JSONLine("nature_cnn_fwd_bwd")
        line.add("batch", 32)
        line.add("ms_runs", m.runs.map { $0 / 1000 }, digits: 2)
        line.add("ms_median", m.median / 1000, digits: 2)
        return line
    }

    /// (e): GEMM throughput at shapes RL networks produce, through our kernels and OpenBLAS.
    public static func gemmThroughput(options: Options) -> [JSONLine] {
        let shapes = [(64, 64, 4), (64, 64, 64), (64, 2, 64), (256, 256, 256), (32, 512, 3136), (400, 32, 256), (1024, 1024, 1024)]
        var lines: [JSONLine] = []
        var generator = RandomGenerator(seed: 1)
        for (m, n, k) in shapes {
            let a = randomTensor([m, k], &generator), b = randomTensor([k, n], &generator)
            var c = Tensor.zeros([m, n])
            let flops = 2.0 * Double(m * n * k)
            let iterations = max(2, min(20000, Int(2e8 / flops))) / (options.quick ? 10 : 1) + 1
            var line = JSONLine("gemm")
            line.add("m", m); line.add("n", n); line.add("k", k)
            let savedThreads = CPU.threadCount
            for (label, blas, threads) in [("own_1t", false, 1), ("own", false, savedThreads), ("blas", true, savedThreads)] {
                if blas && !(CPU.isBLASAvailable && CPU.blasEnabled) { continue }
                CPU.threadCount = threads
                let t = a.withUnsafeBufferPointer { pa in
                    b.withUnsafeBufferPointer { pb in
                        c.withUnsafeMutableBufferPointer { pc in
                            Measurement.microseconds(warmup: 2, iterations: iterations, repetitions: options.repetitions) {
                                CPU.gemm(transposeA: false, transposeB: false, m: m, n: n, k: k, a: pa.baseAddress!, lda: k,
                                         b: pb.baseAddress!, ldb: n, c: pc.baseAddress!, ldc: n,
                                         route: blas ? .blas : .ownKernels)
                            }
                        }
                    }
                }
                line.add("\(label)_us", t.median, digits: 2)
                line.add("\(label)_gflops", flops / t.median / 1000, digits: 1)
            }
            CPU.threadCount = savedThreads
            lines.append(line)
        }
        return lines
    }
}
