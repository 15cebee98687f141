// Row-at-a-time kernels for functions that are not on hot paths (string, date and math
// functions with several arguments). They box each row's arguments into `Value`s, which
// costs tens of nanoseconds a row; arithmetic, comparisons, filters and LIKE use typed
// kernels instead. When every argument is constant the body runs once.

import TeleCore

/// Runs `body` on each row's argument values and collects the results into a vector.
///
/// With `strict`, a row with any NULL argument gives NULL without calling `body`, which is
/// how most SQL functions treat NULL.
func rowKernel(
    _ arguments: [Vector], count: Int, returnType: DataType, strict: Bool = true,
    _ body: ([Value]) throws -> Value
) throws -> Vector {
    if arguments.allSatisfy(\.isConstant) {
        let values = arguments.map { $0.value(at: 0) }
        if strict && values.contains(where: \.isNull) { return nullVector(returnType, count: count) }
        return Vector.constant(try body(values), type: returnType, count: count)
    }
    var builder = VectorBuilder(type: returnType, capacity: count)
    var values = [Value](repeating: .null, count: arguments.count)
    rows: for row in 0..<count {
        for (index, argument) in arguments.enumerated() {
            let value = argument.value(at: row)
            if strict && value.isNull {
                builder.appendNull()
                continue rows
            }
            values[index] = value
        }
        builder.append(try body(values))
    }
    return builder.finish()
}

/// A strict row kernel whose arguments are all strings and whose result is a string or NULL.
func stringKernel(_ arguments: [Vector], count: Int, _ body: ([String]) throws -> Value) throws -> Vector {
    try rowKernel(arguments, count: count, returnType: .varchar) { values in
        try body(values.map(\.stringValue))
    }
}

extension Value {
    /// The string of a `.string` value; the text form of any other value.
    var stringValue: String {
        if case .string(let text) = self { return text }
        return text ?? ""
    }

    /// The number of an integer-like value (integers, dates, timestamps, booleans).
    var int64Value: Int64 {
        switch self {
        case .integer(let value), .date(let value), .timestamp(let value): return value
        case .double(let value): return Int64(value)
        case .boolean(let value): return value ? 1 : 0
        default: return 0
        }
    }

    var doubleValue: Double {
        switch self {
        case .double(let value): return value
        case .integer(let value): return Double(value)
        default: return 0
        }
    }
}
