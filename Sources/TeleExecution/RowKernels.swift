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
    if let result = try dictionaryKernel(arguments, count: count, returnType: returnType, strict: strict, body) {
        return result
    }
    var builder = VectorAccumulator(type: returnType)
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

/// Runs `body` once per dictionary entry when one argument is a dictionary vector and every
/// other argument is constant, then maps the rows through their codes. A string result stays
/// a dictionary vector. Returns nil when the arguments have another shape.
private func dictionaryKernel(
    _ arguments: [Vector], count: Int, returnType: DataType, strict: Bool, _ body: ([Value]) throws -> Value
) throws -> Vector? {
    guard let position = arguments.firstIndex(where: { if case .dictionary = $0.storage { return true } else { return false } }),
        arguments.indices.allSatisfy({ $0 == position || arguments[$0].isConstant }),
        case .dictionary(let codes, let dictionary) = arguments[position].storage
    else { return nil }
    let input = arguments[position]

    // Evaluate only the entries that valid rows use, because a function may reject an
    // entry that no row of this vector refers to.
    var used = [Bool](repeating: false, count: dictionary.count)
    for row in 0..<count where input.validity.isValid(row) { used[Int(codes[row])] = true }
    var values = arguments.map { $0.isConstant ? $0.value(at: 0) : .null }
    if strict && values.enumerated().contains(where: { $0.offset != position && $0.element.isNull }) {
        return nullVector(returnType, count: count)
    }
    var entryResults = [Value](repeating: .null, count: dictionary.count)
    for entry in 0..<dictionary.count where used[entry] {
        values[position] = .string(dictionary[entry])
        entryResults[entry] = try body(values)
    }

    // NULL rows of the input: NULL for a strict function, else the body's result for NULL.
    var nullResult = Value.null
    if !strict && !input.validity.allValid {
        values[position] = .null
        nullResult = try body(values)
    }
    if returnType == .varchar && nullResult.isNull && entryResults.indices.allSatisfy({ !used[$0] || !entryResults[$0].isNull }) {
        let entries = StringColumn(entryResults.map(\.stringValue))
        return Vector(type: .varchar, storage: .dictionary(codes: Array(codes.prefix(count)), dictionary: entries),
            validity: input.validity, count: count)
    }
    var builder = VectorAccumulator(type: returnType)
    for row in 0..<count {
        builder.append(input.validity.isValid(row) ? entryResults[Int(codes[row])] : nullResult)
    }
    return builder.finish()
}

/// Runs a strict row kernel whose arguments are all strings and whose result is a string or NULL.
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
