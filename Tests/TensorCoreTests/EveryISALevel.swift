import TensorCore

/// Runs `body` once at each instruction-set level the Float kernels have on this CPU (each level
/// is its own variant of the C kernels), passing a label such as "ISA level 1" for messages.
func atEveryISALevel(_ body: (String) throws -> Void) rethrows {
    for level in availableVectorISALevels { try withVectorISALevel(level) { try body("ISA level \(level)") } }
}
