import Diagnosis
import Foundation
import Monitor
import Optimizers
import Training

/// A `MonitoredRun` as bytes, for sending it to another process (the parallel doctor): every
/// number a report or the repair search reads (history, records, final metrics, findings,
/// decomposition, clipping, confusion matrix); the weights stay where they were trained.
public struct RunTransfer: Codable, Sendable {
    public var history: History
    public var records: [StepRecord]
    public var final: FinalMetrics
    public var findings: [Finding]
    public var decomposition: FactorDecomposition?
    public var stoppedEarly: String?
    public var metricsJSONLines: String
    public var clipping: ClipStatistics?
    public var confusion: ConfusionMatrix?

    public init(_ run: MonitoredRun) {
        (history, records, final, findings) = (run.history, run.records, run.final, run.findings)
        (decomposition, stoppedEarly, metricsJSONLines) = (run.decomposition, run.stoppedEarly, run.metricsJSONLines)
        (clipping, confusion) = (run.clipping, run.confusion)
    }

    /// The run, without weights.
    public var run: MonitoredRun {
        MonitoredRun(history: history, records: records, final: final, findings: findings, decomposition: decomposition,
                     stoppedEarly: stoppedEarly, metricsJSONLines: metricsJSONLines, weights: [:], clipping: clipping,
                     confusion: confusion)
    }

    /// The JSON coders for transfers: keys as the types name them (no snake-case round trip,
    /// which would turn `metricsJSONLines` into `metricsJsonLines`), NaN and ±∞ as strings.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return decoder
    }
}
