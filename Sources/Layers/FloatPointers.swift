/// A generic kernel's buffers handed to CKernels' Float functions, on the branch where
/// `Scalar == Float` (checked by the caller with `Scalar.self == Float.self`).
extension UnsafeMutablePointer where Pointee == Float {
    @inline(__always)
    static func float<Scalar>(_ pointer: UnsafeMutablePointer<Scalar>) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: Float.self)
    }
}

extension UnsafePointer where Pointee == Float {
    @inline(__always)
    static func float<Scalar>(_ pointer: UnsafePointer<Scalar>) -> UnsafePointer<Float> {
        UnsafeRawPointer(pointer).assumingMemoryBound(to: Float.self)
    }

    @inline(__always)
    static func float<Scalar>(_ pointer: UnsafeMutablePointer<Scalar>) -> UnsafePointer<Float> {
        UnsafeRawPointer(pointer).assumingMemoryBound(to: Float.self)
    }
}
