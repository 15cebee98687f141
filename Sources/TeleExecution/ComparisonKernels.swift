// Comparison kernels (= <> < <= > >=) for every orderable type, producing BOOLEAN vectors.
//
// Strings compare bytewise. A dictionary vector compared with a constant compares each
// dictionary entry once and then maps the codes. Floats follow PostgreSQL's order, in which
// NaN equals NaN and is larger than every other value.

import TeleCore

enum ComparisonOperator: Sendable, CaseIterable {
    case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual

    var symbol: String {
        switch self {
        case .equal: return "="
        case .notEqual: return "<>"
        case .less: return "<"
        case .lessOrEqual: return "<="
        case .greater: return ">"
        case .greaterOrEqual: return ">="
        }
    }

    /// Whether a three-way comparison result satisfies this operator.
    @inline(__always)
    func holds(_ order: Int) -> Bool {
        switch self {
        case .equal: return order == 0
        case .notEqual: return order != 0
        case .less: return order < 0
        case .lessOrEqual: return order <= 0
        case .greater: return order > 0
        case .greaterOrEqual: return order >= 0
        }
    }

    /// The operator with its operands swapped: `a < b` is `b > a`.
    var flipped: ComparisonOperator {
        switch self {
        case .equal, .notEqual: return self
        case .less: return .greater
        case .lessOrEqual: return .greaterOrEqual
        case .greater: return .less
        case .greaterOrEqual: return .lessOrEqual
        }
    }
}

@inline(__always)
func bit(_ condition: Bool) -> UInt8 { unsafeBitCast(condition, to: UInt8.self) }

/// Compares two operands of a Comparable type with a literal operator per loop.
@inline(__always)
func compareOperands<T: Comparable>(_ lhs: Operand<T>, _ rhs: Operand<T>, _ operation: ComparisonOperator, count: Int)
    -> [UInt8]?
{
    switch operation {
    case .equal: return mapBinary(lhs, rhs, count: count) { bit($0 == $1) }
    case .notEqual: return mapBinary(lhs, rhs, count: count) { bit($0 != $1) }
    case .less: return mapBinary(lhs, rhs, count: count) { bit($0 < $1) }
    case .lessOrEqual: return mapBinary(lhs, rhs, count: count) { bit($0 <= $1) }
    case .greater: return mapBinary(lhs, rhs, count: count) { bit($0 > $1) }
    case .greaterOrEqual: return mapBinary(lhs, rhs, count: count) { bit($0 >= $1) }
    }
}

/// Compares two vectors of the same comparable type.
func compareVectors(_ operation: ComparisonOperator, _ arguments: [Vector], count: Int) -> Vector {
    let lhs = arguments[0]
    let rhs = arguments[1]
    let validity = lhs.kernelValidity.and(rhs.kernelValidity)
    if lhs.isNullConstant || rhs.isNullConstant { return nullVector(.boolean, count: count) }
    let values: [UInt8]?
    switch lhs.type.physical {
    case .int64:
        values = compareOperands(lhs.int64Operand, rhs.int64Operand, operation, count: count)
    case .bool:
        values = compareOperands(lhs.boolOperand, rhs.boolOperand, operation, count: count)
    case .double:
        values = compareDoubles(lhs.doubleOperand, rhs.doubleOperand, operation, count: count)
    case .string:
        values = compareStrings(lhs, rhs, operation, count: count)
    case .interval, .histogram:
        values = (0..<count).map { row in
            if !validity.isValid(row) { return 0 }
            let order = ValueOrder.compare(lhs.value(at: row), rhs.value(at: row)) ?? 0
            return bit(operation.holds(order))
        }
    }
    guard let values else { return nullVector(.boolean, count: count) }
    return Vector(type: .boolean, storage: .bool(values), validity: validity, count: count)
}

/// Double comparison: IEEE comparison first, then a fix-up pass only if a NaN is present.
func compareDoubles(_ lhs: Operand<Double>, _ rhs: Operand<Double>, _ operation: ComparisonOperator, count: Int)
    -> [UInt8]?
{
    guard var values = compareOperands(lhs, rhs, operation, count: count) else { return nil }
    var hasNaN = false
    if case .flat(let array) = lhs { for value in array { hasNaN = hasNaN || value.isNaN } }
    if case .flat(let array) = rhs { for value in array { hasNaN = hasNaN || value.isNaN } }
    if case .constant(let value) = lhs { hasNaN = hasNaN || value.isNaN }
    if case .constant(let value) = rhs { hasNaN = hasNaN || value.isNaN }
    if hasNaN {
        for row in 0..<count {
            values[row] = bit(operation.holds(ValueOrder.compareDoubles(element(lhs, row), element(rhs, row))))
        }
    }
    return values
}

/// Bytewise string comparison over flat, dictionary or constant vectors.
func compareStrings(_ lhs: Vector, _ rhs: Vector, _ operation: ComparisonOperator, count: Int) -> [UInt8]? {
    // Put a constant on the right so one loop serves both orders.
    if lhs.isConstant && !rhs.isConstant {
        return compareStrings(rhs, lhs, operation.flipped, count: count)
    }
    if case .constant(.string(let text)) = rhs.storage {
        var constant = text
        return constant.withUTF8 { right in
            switch lhs.storage {
            case .constant(.string(let leftText)):
                let order = ValueOrder.compareBytes(leftText, text)
                return [UInt8](repeating: bit(operation.holds(order)), count: count)
            case .dictionary(let codes, let dictionary):
                // One comparison per dictionary entry, then a gather by code.
                let entryResults = (0..<dictionary.count).map { entry in
                    dictionary.withBytes(entry) { bit(operation.holds(compareBytes($0, right))) }
                }
                return entryResults.withUnsafeBufferPointer { results in
                    codes.withUnsafeBufferPointer { codeBuffer in
                        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                            for row in 0..<count { buffer[row] = results[Int(codeBuffer[row])] }
                            initialized = count
                        }
                    }
                }
            case .string(let column):
                return stringRows(column, count: count) { bit(operation.holds(compareBytes($0, right))) }
            default:
                return nil
            }
        }
    }
    let left = lhs.flatVector()
    let right = rhs.flatVector()
    guard case .string(let leftColumn) = left.storage, case .string(let rightColumn) = right.storage else {
        return nil
    }
    return rightColumn.bytes.withUnsafeBufferPointer { rightBytes in
        rightColumn.offsets.withUnsafeBufferPointer { rightOffsets in
            var row = 0
            return stringRows(leftColumn, count: count) { leftValue in
                let start = Int(rightOffsets[row])
                let rightValue = UnsafeBufferPointer(rebasing: rightBytes[start..<Int(rightOffsets[row + 1])])
                row += 1
                return bit(operation.holds(compareBytes(leftValue, rightValue)))
            }
        }
    }
}

/// Calls `body` with the bytes of each of the first `count` strings of `column`, in order.
@inline(__always)
func stringRows<R>(_ column: StringColumn, count: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> [R] {
    column.bytes.withUnsafeBufferPointer { bytes in
        column.offsets.withUnsafeBufferPointer { offsets in
            [R](unsafeUninitializedCapacity: count) { buffer, initialized in
                for row in 0..<count {
                    let value = UnsafeBufferPointer(rebasing: bytes[Int(offsets[row])..<Int(offsets[row + 1])])
                    (buffer.baseAddress! + row).initialize(to: body(value))
                }
                initialized = count
            }
        }
    }
}
