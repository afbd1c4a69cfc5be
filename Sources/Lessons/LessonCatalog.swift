/// One lesson: its name, what it shows in a line, and how to run it.
public struct Lesson: Sendable {
    public let name: String
    public let summary: String
    /// Runs the lesson at `size`; `progress` receives short status lines while it works.
    public let run: @Sendable (_ size: LessonSize, _ seed: UInt64, _ progress: (String) -> Void) throws -> LessonResult
}

/// Every lesson `gradguard lesson` knows, in teaching order.
public enum LessonCatalog {
    public static let all: [Lesson] = [
        Lesson(name: "chain", summary: "the chain rule's product ∏σ′(z)·w over depth, measured against its prediction",
               run: ChainLesson.run),
        Lesson(name: "logistic", summary: "f(x) = 3.5x(1−x) composed n times: regions of huge and of vanishing derivative",
               run: LogisticLesson.run),
        Lesson(name: "eigen", summary: "‖Wᵗv‖ against λᵗ for spectral radius 0.9, 1.0, 1.1, linear and ReLU",
               run: EigenLesson.run),
        Lesson(name: "init", summary: "{sigmoid, tanh, ReLU} × {zeros, constant, too small, too large, Xavier, He}: symmetry, vanishing, exploding",
               run: InitLesson.run),
        Lesson(name: "depth", summary: "test accuracy and first/last gradient against depth, plain and with He init, BatchNorm, residual",
               run: DepthLesson.run),
        Lesson(name: "recurrent", summary: "RNN, LSTM and GRU over sequence length on the adding and temporal-order tasks",
               run: RecurrentLesson.run),
        Lesson(name: "scale-up", summary: "scaling small gradients up (and Adam) on a vanishing net and near a minimum",
               run: ScaleUpLesson.run),
        Lesson(name: "clipping", summary: "value, global-norm and per-parameter clipping on an exploding net: metric, how often, how much",
               run: ClippingLesson.run),
        Lesson(name: "he2015", summary: "He et al. 2015, Fig. 3: a 30-layer ReLU net stalls with Xavier init, trains with He init",
               run: He2015Lesson.run),
        Lesson(name: "glorot2010", summary: "Glorot & Bengio 2010: the top sigmoid layer saturates; normalised init keeps layers alike",
               run: Glorot2010Lesson.run),
        Lesson(name: "pascanu2013", summary: "Pascanu et al. 2013: a tanh RNN on temporal order trains with norm clipping, fails without",
               run: Pascanu2013Lesson.run),
    ]

    /// The lesson called `name`, or nil.
    public static func lesson(named name: String) -> Lesson? { all.first { $0.name == name } }
}
