// Typed access to a vector's values for kernels, whatever the vector's shape, and the loops
// that map one or two operands to a result array. Kernels switch on the shape once per vector
// (flat or constant) and then run a tight loop over contiguous buffers.

import TeleCore

/// The values of one kernel input: an array with one value a row, a single value that every
/// row shares, or NULL for every row.
enum Operand<T> {
    case flat([T])
    case constant(T)
    case null
}

extension Vector {
    var int64Operand: Operand<Int64> {
        switch storage {
        case .int64(let values): return .flat(values)
        case .constant(.integer(let value)), .constant(.date(let value)), .constant(.timestamp(let value)):
            return .constant(value)
        case .constant(.double(let value)): return .constant(Int64(value))
        case .constant(.boolean(let value)): return .constant(value ? 1 : 0)
        case .constant: return .null
        default: return .flat(flattened().int64Array)
        }
    }

    var doubleOperand: Operand<Double> {
        switch storage {
        case .double(let values): return .flat(values)
        case .int64(let values): return .flat(values.map { Double($0) })
        case .constant(.double(let value)): return .constant(value)
        case .constant(.integer(let value)): return .constant(Double(value))
        case .constant: return .null
        default: return .null
        }
    }

    var boolOperand: Operand<UInt8> {
        switch storage {
        case .bool(let values): return .flat(values)
        case .constant(.boolean(let value)): return .constant(value ? 1 : 0)
        case .constant: return .null
        default: return .null
        }
    }

    var intervalOperand: Operand<Interval> {
        switch storage {
        case .interval(let values): return .flat(values)
        case .constant(.interval(let value)): return .constant(value)
        default: return .null
        }
    }

    /// The Int64 array of a flat int64 vector; empty for any other storage.
    var int64Array: [Int64] {
        if case .int64(let values) = storage { return values }
        return []
    }

    /// True when every row is NULL: a NULL constant.
    var isNullConstant: Bool {
        if case .constant(let value) = storage { return value.isNull }
        return false
    }

    /// The validity a kernel result inherits from this input (all valid for a constant).
    var kernelValidity: ValidityMask {
        if case .constant = storage { return ValidityMask() }
        return validity
    }
}

/// Applies `operation` row by row.
@inline(__always)
func mapUnary<A, R>(_ input: Operand<A>, count: Int, _ operation: (A) -> R) -> [R]? {
    switch input {
    case .null: return nil
    case .constant(let value): return [R](repeating: operation(value), count: count)
    case .flat(let values):
        return values.withUnsafeBufferPointer { source in
            [R](unsafeUninitializedCapacity: count) { buffer, initialized in
                for row in 0..<count { (buffer.baseAddress! + row).initialize(to: operation(source[row])) }
                initialized = count
            }
        }
    }
}

/// Applies `operation` row by row to two operands; nil when either is a NULL constant.
@inline(__always)
func mapBinary<A, B, R>(_ lhs: Operand<A>, _ rhs: Operand<B>, count: Int, _ operation: (A, B) -> R) -> [R]? {
    switch (lhs, rhs) {
    case (.null, _), (_, .null): return nil
    case (.flat(let left), .flat(let right)):
        return left.withUnsafeBufferPointer { a in
            right.withUnsafeBufferPointer { b in
                [R](unsafeUninitializedCapacity: count) { buffer, initialized in
                    for row in 0..<count { (buffer.baseAddress! + row).initialize(to: operation(a[row], b[row])) }
                    initialized = count
                }
            }
        }
    case (.flat(let left), .constant(let b)):
        return left.withUnsafeBufferPointer { a in
            [R](unsafeUninitializedCapacity: count) { buffer, initialized in
                for row in 0..<count { (buffer.baseAddress! + row).initialize(to: operation(a[row], b)) }
                initialized = count
            }
        }
    case (.constant(let a), .flat(let right)):
        return right.withUnsafeBufferPointer { b in
            [R](unsafeUninitializedCapacity: count) { buffer, initialized in
                for row in 0..<count { (buffer.baseAddress! + row).initialize(to: operation(a, b[row])) }
                initialized = count
            }
        }
    case (.constant(let a), .constant(let b)):
        return [R](repeating: operation(a, b), count: count)
    }
}

/// Returns true when `check` holds for some valid row; rows not valid in `validity` are skipped.
func anyValidRow(count: Int, validity: ValidityMask, _ check: (Int) -> Bool) -> Bool {
    for row in 0..<count where validity.isValid(row) && check(row) { return true }
    return false
}

/// A result vector of `type` from values and the combined validity of the inputs.
func makeVector(_ type: DataType, _ storage: VectorStorage, validity: ValidityMask, count: Int) -> Vector {
    Vector(type: type, storage: storage, validity: validity, count: count)
}

/// The vector of `count` NULLs of `type`.
func nullVector(_ type: DataType, count: Int) -> Vector {
    Vector.constant(.null, type: type, count: count)
}
