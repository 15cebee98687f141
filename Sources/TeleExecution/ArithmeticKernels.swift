// Arithmetic kernels for integer and floating vectors: + - * / % and unary minus.
//
// Loops use wrapping operations so that they vectorize, and collect a flag for each kind
// of error instead of branching per row. Only when a flag is set does a second pass look at
// the valid rows alone, because NULL rows may hold any payload. Integer division truncates
// toward zero and SMALLINT and INTEGER results are range-checked to their type, as in
// PostgreSQL.

import TeleCore

enum ArithmeticOperator: Sendable {
    case add, subtract, multiply, divide, modulo

    var symbol: String {
        switch self {
        case .add: return "+"
        case .subtract: return "-"
        case .multiply: return "*"
        case .divide: return "/"
        case .modulo: return "%"
        }
    }
}

/// Error bits that kernels collect across a vector.
let overflowFlag: UInt8 = 1
let divisionByZeroFlag: UInt8 = 2

func integerRange(_ type: DataType) -> ClosedRange<Int64> {
    switch type {
    case .smallint: return Int64(Int16.min)...Int64(Int16.max)
    case .integer: return Int64(Int32.min)...Int64(Int32.max)
    default: return Int64.min...Int64.max
    }
}

func outOfRangeError(_ type: DataType) -> TeleError {
    let hint: String
    switch type {
    case .smallint, .integer: hint = "Cast the operands to a wider type such as BIGINT or DOUBLE first."
    case .bigint: hint = "Cast the operands to DOUBLE first, for example sum(x::double); TeleDB has no NUMERIC."
    default: hint = "The result does not fit in \(type.sqlName); check the operands."
    }
    return TeleError(.numericValueOutOfRange, "\(type.sqlName.lowercased()) out of range", hint: hint)
}

func divisionByZeroError() -> TeleError {
    TeleError(.divisionByZero, "division by zero", hint: "Guard the divisor, for example with NULLIF(divisor, 0).")
}

/// Applies one integer operation to one pair of values and returns the wrapped result and its error bits.
@inline(__always)
func integerStep(_ operation: ArithmeticOperator, _ a: Int64, _ b: Int64, low: Int64, high: Int64) -> (Int64, UInt8) {
    var result: Int64
    var flags: UInt8 = 0
    switch operation {
    case .add:
        result = a &+ b
        flags = UInt8(truncatingIfNeeded: UInt64(bitPattern: (a ^ result) & (b ^ result)) >> 63)
    case .subtract:
        result = a &- b
        flags = UInt8(truncatingIfNeeded: UInt64(bitPattern: (a ^ b) & (a ^ result)) >> 63)
    case .multiply:
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        result = product
        flags = overflow ? overflowFlag : 0
    case .divide:
        if b == 0 { return (0, divisionByZeroFlag) }
        if b == -1 {
            if a == .min { return (0, overflowFlag) }
            result = 0 &- a
        } else {
            result = a / b
        }
    case .modulo:
        if b == 0 { return (0, divisionByZeroFlag) }
        result = b == -1 ? 0 : a % b
    }
    let outside = UInt64(bitPattern: result &- low) > UInt64(bitPattern: high &- low)
    return (result, flags | UInt8(truncatingIfNeeded: unsafeBitCast(outside, to: UInt8.self)))
}

func element<T>(_ operand: Operand<T>, _ row: Int) -> T {
    switch operand {
    case .flat(let values): return values[row]
    case .constant(let value): return value
    case .null: preconditionFailure("NULL operands never reach a row loop")
    }
}

/// Runs an integer operation over two vectors of integer type `type`.
func integerArithmetic(_ operation: ArithmeticOperator, type: DataType, _ arguments: [Vector], count: Int) throws
    -> Vector
{
    let lhs = arguments[0].int64Operand
    let rhs = arguments[1].int64Operand
    let range = integerRange(type)
    let low = range.lowerBound
    let high = range.upperBound
    var flags: UInt8 = 0
    let values: [Int64]?
    switch operation {
    // Each case passes a literal operator so that the loop specializes on it.
    case .add:
        values = mapBinary(lhs, rhs, count: count) { a, b in
            let (result, bits) = integerStep(.add, a, b, low: low, high: high)
            flags |= bits
            return result
        }
    case .subtract:
        values = mapBinary(lhs, rhs, count: count) { a, b in
            let (result, bits) = integerStep(.subtract, a, b, low: low, high: high)
            flags |= bits
            return result
        }
    case .multiply:
        values = mapBinary(lhs, rhs, count: count) { a, b in
            let (result, bits) = integerStep(.multiply, a, b, low: low, high: high)
            flags |= bits
            return result
        }
    case .divide:
        values = mapBinary(lhs, rhs, count: count) { a, b in
            let (result, bits) = integerStep(.divide, a, b, low: low, high: high)
            flags |= bits
            return result
        }
    case .modulo:
        values = mapBinary(lhs, rhs, count: count) { a, b in
            let (result, bits) = integerStep(.modulo, a, b, low: low, high: high)
            flags |= bits
            return result
        }
    }
    guard let values else { return nullVector(type, count: count) }
    let validity = arguments[0].kernelValidity.and(arguments[1].kernelValidity)
    if flags != 0 && !validity.allValid {
        // Recount the flags over valid rows only: NULL rows may hold any payload.
        flags = 0
        for row in 0..<count where validity.isValid(row) {
            flags |= integerStep(operation, element(lhs, row), element(rhs, row), low: low, high: high).1
        }
    }
    if flags & divisionByZeroFlag != 0 { throw divisionByZeroError() }
    if flags & overflowFlag != 0 { throw outOfRangeError(type) }
    return Vector(type: type, storage: .int64(values), validity: validity, count: count)
}

/// Runs a floating operation over two vectors of type REAL or DOUBLE.
func floatingArithmetic(_ operation: ArithmeticOperator, type: DataType, _ arguments: [Vector], count: Int) throws
    -> Vector
{
    let lhs = arguments[0].doubleOperand
    let rhs = arguments[1].doubleOperand
    var zeroDivisor = false
    let values: [Double]?
    switch operation {
    case .add: values = mapBinary(lhs, rhs, count: count) { $0 + $1 }
    case .subtract: values = mapBinary(lhs, rhs, count: count) { $0 - $1 }
    case .multiply: values = mapBinary(lhs, rhs, count: count) { $0 * $1 }
    case .divide:
        values = mapBinary(lhs, rhs, count: count) { a, b in
            zeroDivisor = zeroDivisor || b == 0
            return a / b
        }
    case .modulo:
        values = mapBinary(lhs, rhs, count: count) { a, b in
            zeroDivisor = zeroDivisor || b == 0
            return a.truncatingRemainder(dividingBy: b)
        }
    }
    guard var values else { return nullVector(type, count: count) }
    let validity = arguments[0].kernelValidity.and(arguments[1].kernelValidity)
    if zeroDivisor, anyValidRow(count: count, validity: validity, { element(rhs, $0) == 0 }) {
        throw divisionByZeroError()
    }

    // An infinite result from finite operands is an overflow, as PostgreSQL reports it.
    let limit = type == .real ? Double(Float.greatestFiniteMagnitude) : Double.greatestFiniteMagnitude
    var overflow = false
    for row in 0..<count { overflow = overflow || abs(values[row]) > limit }
    if overflow,
        anyValidRow(count: count, validity: validity, {
            abs(values[$0]) > limit && element(lhs, $0).isFinite && element(rhs, $0).isFinite
        })
    {
        throw TeleError(
            .numericValueOutOfRange, "value out of range: overflow",
            hint: "Scale the operands down or use DOUBLE instead of REAL.")
    }
    if type == .real {
        for row in 0..<count { values[row] = Double(Float(values[row])) }
    }
    return Vector(type: type, storage: .double(values), validity: validity, count: count)
}

/// Unary minus on an integer or floating vector.
func negate(type: DataType, _ arguments: [Vector], count: Int) throws -> Vector {
    let input = arguments[0]
    if type.isFloating {
        guard let values = mapUnary(input.doubleOperand, count: count, { -$0 }) else {
            return nullVector(type, count: count)
        }
        return Vector(type: type, storage: .double(values), validity: input.kernelValidity, count: count)
    }
    let operand = input.int64Operand
    let range = integerRange(type)
    var overflow = false
    guard
        let values = mapUnary(
            operand, count: count,
            { value in
                overflow = overflow || value == range.lowerBound
                return 0 &- value
            })
    else { return nullVector(type, count: count) }
    if overflow, anyValidRow(count: count, validity: input.kernelValidity, { element(operand, $0) == range.lowerBound }) {
        throw outOfRangeError(type)
    }
    return Vector(type: type, storage: .int64(values), validity: input.kernelValidity, count: count)
}
