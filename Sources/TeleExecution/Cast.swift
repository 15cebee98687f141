// Explicit and implicit type conversions with PostgreSQL's semantics.
//
// Numeric casts check ranges per vector and round floats half away from zero when they
// become integers. Text converts to and from every type through its PostgreSQL text form;
// parse errors name the value and the target type.

import TeleCore

public enum Cast {
    /// Converts every row of `vector` to `type` (CAST semantics).
    ///
    /// - Throws: `TeleError` 22P02 or 22007 for text that does not parse, 22003 for a value
    ///   out of the target's range, 42846 for a pair of types with no cast.
    public static func cast(_ vector: Vector, to type: DataType) throws -> Vector {
        let source = vector.type
        if source == type { return vector }
        if source == .null || vector.isNullConstant { return Vector.constant(.null, type: type, count: vector.count) }
        guard canCast(from: source, to: type) else {
            throw TeleError(
                .cannotCoerce, "cannot cast type \(source.sqlName.lowercased()) to \(type.sqlName.lowercased())",
                hint: "Cast through VARCHAR or use a function that converts the value.")
        }
        if type == .varchar { return castToText(vector) }
        if source == .varchar { return try castFromText(vector, to: type) }
        if source.physical == .int64 && type.physical == .int64 && source.isInteger && type.isInteger {
            return try castInteger(vector, to: type)
        }
        if source.isInteger && type.isFloating {
            guard let values = mapUnary(vector.int64Operand, count: vector.count, { Double($0) }) else {
                return Vector.constant(.null, type: type, count: vector.count)
            }
            let result = Vector(type: type, storage: .double(values), validity: vector.kernelValidity, count: vector.count)
            return type == .real ? try castFloating(result, to: .real) : result
        }
        if source.isFloating && type.isFloating { return try castFloating(vector, to: type) }
        if source.isFloating && type.isInteger { return try castFloatToInteger(vector, to: type) }
        return try castOther(vector, to: type)
    }

    /// Returns whether CAST(x AS to) exists for a value of type `from`.
    public static func canCast(from: DataType, to: DataType) -> Bool {
        if from == to || from == .null || to == .varchar { return true }
        if from == .varchar { return to != .histogram && to != .null }
        if from.isNumeric && to.isNumeric { return true }
        if (from == .boolean && to.isInteger) || (from.isInteger && to == .boolean) { return true }
        if from.isTemporal && to.isTemporal { return true }
        return false
    }

    /// Returns whether PostgreSQL applies the cast implicitly: numeric widening, NULL to any
    /// type and DATE to TIMESTAMP. The binder handles string literals.
    public static func isImplicit(from: DataType, to: DataType) -> Bool {
        implicitCost(from: from, to: to) != nil
    }

    /// Returns how far an implicit cast widens a value, for choosing among overloads, or nil
    /// when the cast is not implicit.
    static func implicitCost(from: DataType, to: DataType) -> Int? {
        if from == to { return 0 }
        if from == .null { return 0 }
        let ranks: [DataType: Int] = [.smallint: 0, .integer: 1, .bigint: 2, .real: 3, .double: 4]
        if let fromRank = ranks[from], let toRank = ranks[to], toRank > fromRank { return toRank - fromRank }
        if from == .date && to == .timestamp { return 1 }
        return nil
    }

    // MARK: numbers

    private static func castInteger(_ vector: Vector, to type: DataType) throws -> Vector {
        let range = integerRange(type)
        let operand = vector.int64Operand
        var outside = false
        guard
            let values = mapUnary(
                operand, count: vector.count,
                { value in
                    outside = outside || value < range.lowerBound || value > range.upperBound
                    return value
                })
        else { return Vector.constant(.null, type: type, count: vector.count) }
        let validity = vector.kernelValidity
        if outside,
            anyValidRow(count: vector.count, validity: validity, { !range.contains(element(operand, $0)) })
        {
            throw outOfRangeError(type)
        }
        return Vector(type: type, storage: .int64(values), validity: validity, count: vector.count)
    }

    private static func castFloating(_ vector: Vector, to type: DataType) throws -> Vector {
        guard let doubles = mapUnary(vector.doubleOperand, count: vector.count, { $0 }) else {
            return Vector.constant(.null, type: type, count: vector.count)
        }
        var values = doubles
        let validity = vector.kernelValidity
        if type == .real {
            let limit = Double(Float.greatestFiniteMagnitude)
            if anyValidRow(count: vector.count, validity: validity, { abs(values[$0]) > limit && values[$0].isFinite }) {
                throw TeleError(.numericValueOutOfRange, "value out of range: overflow", hint: "Cast to DOUBLE instead.")
            }
            for row in values.indices { values[row] = Double(Float(values[row])) }
        }
        return Vector(type: type, storage: .double(values), validity: validity, count: vector.count)
    }

    private static func castFloatToInteger(_ vector: Vector, to type: DataType) throws -> Vector {
        let operand = vector.doubleOperand
        let range = integerRange(type)
        // Doubles at or beyond 2^63 do not fit Int64; the bounds are exact powers of two.
        let lowLimit = type == .bigint ? -9_223_372_036_854_775_808.0 : Double(range.lowerBound)
        let highLimit = type == .bigint ? 9_223_372_036_854_775_808.0 : Double(range.upperBound) + 1
        var invalid = false
        guard
            let values = mapUnary(
                operand, count: vector.count,
                { value -> Int64 in
                    let rounded = value.rounded(.toNearestOrAwayFromZero)
                    let fits = rounded >= lowLimit && rounded < highLimit
                    invalid = invalid || !fits
                    return fits ? Int64(rounded) : 0
                })
        else { return Vector.constant(.null, type: type, count: vector.count) }
        let validity = vector.kernelValidity
        if invalid,
            anyValidRow(
                count: vector.count, validity: validity,
                {
                    let rounded = element(operand, $0).rounded(.toNearestOrAwayFromZero)
                    return !(rounded >= lowLimit && rounded < highLimit)
                })
        {
            throw outOfRangeError(type)
        }
        return Vector(type: type, storage: .int64(values), validity: validity, count: vector.count)
    }

    // MARK: booleans and dates

    private static func castOther(_ vector: Vector, to type: DataType) throws -> Vector {
        let count = vector.count
        let validity = vector.kernelValidity
        switch (vector.type, type) {
        case (.boolean, _) where type.isInteger:
            guard let values = mapUnary(vector.boolOperand, count: count, { Int64($0) }) else {
                return Vector.constant(.null, type: type, count: count)
            }
            return Vector(type: type, storage: .int64(values), validity: validity, count: count)
        case (_, .boolean) where vector.type.isInteger:
            guard let values = mapUnary(vector.int64Operand, count: count, { bit($0 != 0) }) else {
                return Vector.constant(.null, type: type, count: count)
            }
            return Vector(type: .boolean, storage: .bool(values), validity: validity, count: count)
        case (.date, .timestamp):
            var overflow = false
            guard
                let values = mapUnary(
                    vector.int64Operand, count: count,
                    { days in
                        let (micros, failed) = days.multipliedReportingOverflow(by: DateTime.microsPerDay)
                        overflow = overflow || failed
                        return micros
                    })
            else { return Vector.constant(.null, type: type, count: count) }
            if overflow { throw TeleError(.datetimeFieldOverflow, "date out of range for timestamp") }
            return Vector(type: type, storage: .int64(values), validity: validity, count: count)
        case (.timestamp, .date):
            guard
                let values = mapUnary(vector.int64Operand, count: count, { DateTime.floorDiv($0, DateTime.microsPerDay) })
            else { return Vector.constant(.null, type: type, count: count) }
            return Vector(type: type, storage: .int64(values), validity: validity, count: count)
        default:
            throw TeleError(
                .cannotCoerce,
                "cannot cast type \(vector.type.sqlName.lowercased()) to \(type.sqlName.lowercased())")
        }
    }

    // MARK: text

    /// Formats every row in PostgreSQL's text output.
    static func castToText(_ vector: Vector) -> Vector {
        if case .dictionary = vector.storage { return vector }
        if case .constant(let value) = vector.storage {
            return Vector.constant(value.isNull ? .null : .string(text(of: value, type: vector.type)), type: .varchar,
                count: vector.count)
        }
        var column = StringColumn()
        column.offsets.reserveCapacity(vector.count + 1)
        for row in 0..<vector.count {
            if vector.isNull(row) {
                column.appendEmpty()
            } else {
                column.append(text(of: vector.value(at: row), type: vector.type))
            }
        }
        return Vector(type: .varchar, storage: .string(column), validity: vector.validity, count: vector.count)
    }

    /// Formats one non-NULL value of `type` as PostgreSQL's text output.
    static func text(of value: Value, type: DataType) -> String {
        switch (value, type) {
        case (.double(let number), .real):
            let single = Float(number)
            if single.isFinite && single == single.rounded() && abs(single) < 1e15 { return Value.formatDouble(number) }
            if single.isNaN { return "NaN" }
            if single.isInfinite { return single < 0 ? "-Infinity" : "Infinity" }
            return "\(single)"
        case (.integer(let days), .date): return DateTime.formatDate(days)
        case (.integer(let micros), .timestamp): return DateTime.formatTimestamp(micros)
        case (.integer(let number), .boolean): return number != 0 ? "true" : "false"
        default: return value.text ?? ""
        }
    }
}
