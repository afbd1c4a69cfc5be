/// A hyper-parameter outside its valid range, named: `adam: betas[0] must be in [0, 1), got 1.2`.
public struct HyperparameterError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Who rejected it (`"adam"`, `"clip"`, `"step schedule"`).
    public let owner: String
    /// The parameter's name as PyTorch spells it (`"lr"`, `"betas[0]"`, `"max_norm"`).
    public let parameter: String
    public let requirement: String
    public let value: String

    public var description: String { "\(owner): \(parameter) must be \(requirement), got \(value)" }

    /// Throws unless `condition` holds (and `value` is not NaN).
    public static func check(
        _ condition: Bool, _ owner: String, _ parameter: String, _ requirement: String, _ value: Double
    ) throws(HyperparameterError) {
        if !condition || value.isNaN {
            throw HyperparameterError(owner: owner, parameter: parameter, requirement: requirement, value: "\(value)")
        }
    }
}
