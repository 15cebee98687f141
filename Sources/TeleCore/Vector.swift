// Column vectors: the unit that operators pass between each other.
//
// A vector holds up to `Vector.defaultCapacity` values of one SQL type in a typed, contiguous
// array, with a validity mask for NULLs. Three shapes exist:
//
//   flat        one array element per row
//   constant    one value that every row shares (a literal, a parameter)
//   dictionary  one Int32 code per row into a small StringColumn (storage's encoding of
//               low-cardinality strings, kept so that filters and GROUP BY compare codes)
//
// Kernels switch on the shape once per vector and then loop over raw buffers. Code that only
// needs values can call `flattened()` first.

public struct Vector: Sendable {
    /// Rows per vector in the executor: small enough for a chunk of several columns to stay in
    /// the L2 cache, large enough that per-vector dispatch costs nothing measurable.
    public static let defaultCapacity = 2048

    public var type: DataType
    public var storage: VectorStorage
    /// NULL rows. For a constant vector, bit 0 is clear when the constant is NULL.
    public var validity: ValidityMask
    public var count: Int

    public init(type: DataType, storage: VectorStorage, validity: ValidityMask = ValidityMask(), count: Int) {
        self.type = type
        self.storage = storage
        self.validity = validity
        self.count = count
    }

    /// A vector of `count` rows that all hold `value` (NULL included).
    public static func constant(_ value: Value, type: DataType, count: Int) -> Vector {
        Vector(
            type: type, storage: .constant(value),
            validity: value.isNull ? ValidityMask(count: 1, allValid: false) : ValidityMask(), count: count)
    }

    public static func int64(_ values: [Int64], type: DataType = .bigint, validity: ValidityMask = ValidityMask())
        -> Vector
    {
        Vector(type: type, storage: .int64(values), validity: validity, count: values.count)
    }

    public static func double(_ values: [Double], type: DataType = .double, validity: ValidityMask = ValidityMask())
        -> Vector
    {
        Vector(type: type, storage: .double(values), validity: validity, count: values.count)
    }

    public static func bool(_ values: [UInt8], validity: ValidityMask = ValidityMask()) -> Vector {
        Vector(type: .boolean, storage: .bool(values), validity: validity, count: values.count)
    }

    public static func string(_ values: StringColumn, validity: ValidityMask = ValidityMask()) -> Vector {
        Vector(type: .varchar, storage: .string(values), validity: validity, count: values.count)
    }

    public var isConstant: Bool {
        if case .constant = storage { return true }
        return false
    }

    public func isNull(_ row: Int) -> Bool {
        if case .constant(let value) = storage { return value.isNull }
        return !validity.isValid(row)
    }

    /// The value of one row, boxed. For output and tests, never for kernels.
    public func value(at row: Int) -> Value {
        if isNull(row) { return .null }
        switch storage {
        case .constant(let value): return value
        case .bool(let values): return .boolean(values[row] != 0)
        case .int64(let values):
            switch type {
            case .date: return .date(values[row])
            case .timestamp: return .timestamp(values[row])
            default: return .integer(values[row])
            }
        case .double(let values): return .double(values[row])
        case .string(let column): return .string(column[row])
        case .dictionary(let codes, let dictionary): return .string(dictionary[Int(codes[row])])
        case .interval(let values): return .interval(values[row])
        case .histogram(let values): return .histogram(values[row])
        }
    }

    /// The same rows as a flat vector (constant and dictionary vectors expanded).
    public func flattened() -> Vector {
        switch storage {
        case .constant(let value):
            var builder = VectorBuilder(type: type, capacity: count)
            for _ in 0..<count { builder.append(value) }
            return builder.finish()
        case .dictionary(let codes, let dictionary):
            var column = StringColumn()
            column.bytes.reserveCapacity(count * 8)
            column.offsets.reserveCapacity(count + 1)
            for row in 0..<count {
                if validity.isValid(row) {
                    dictionary.withBytes(Int(codes[row])) { column.append(bytes: $0) }
                } else {
                    column.appendEmpty()
                }
            }
            return Vector(type: type, storage: .string(column), validity: validity, count: count)
        default:
            return self
        }
    }

    /// The rows at `selection`, in that order, as a new flat vector.
    public func gathered(_ selection: [Int32]) -> Vector {
        let source = flattened()
        var validity = ValidityMask()
        if !source.validity.allValid {
            validity = ValidityMask(count: selection.count, allValid: true)
            for (target, row) in selection.enumerated() where !source.validity.isValid(Int(row)) {
                validity.set(target, valid: false, count: selection.count)
            }
        }
        let storage: VectorStorage
        switch source.storage {
        case .bool(let values): storage = .bool(selection.map { values[Int($0)] })
        case .int64(let values): storage = .int64(selection.map { values[Int($0)] })
        case .double(let values): storage = .double(selection.map { values[Int($0)] })
        case .interval(let values): storage = .interval(selection.map { values[Int($0)] })
        case .histogram(let values): storage = .histogram(selection.map { values[Int($0)] })
        case .string(let column):
            var result = StringColumn()
            result.offsets.reserveCapacity(selection.count + 1)
            for row in selection { column.withBytes(Int(row)) { result.append(bytes: $0) } }
            storage = .string(result)
        case .constant, .dictionary:
            preconditionFailure("flattened() leaves no constant or dictionary vector")
        }
        return Vector(type: type, storage: storage, validity: validity, count: selection.count)
    }
}

/// The typed array behind a vector.
public enum VectorStorage: Sendable {
    case bool([UInt8])
    case int64([Int64])
    case double([Double])
    case string(StringColumn)
    case dictionary(codes: [Int32], dictionary: StringColumn)
    case interval([Interval])
    case histogram([Histogram])
    case constant(Value)
}

/// A batch of rows: vectors of equal length, one per column.
public struct DataChunk: Sendable {
    public var columns: [Vector]
    public var count: Int

    public init(columns: [Vector], count: Int) {
        precondition(columns.allSatisfy { $0.count == count }, "every vector of a chunk has its count")
        self.columns = columns
        self.count = count
    }

    public var columnCount: Int { columns.count }

    /// Row `row` as boxed values, for output and tests.
    public func row(_ row: Int) -> [Value] { columns.map { $0.value(at: row) } }

    /// The rows at `selection`, as a new chunk of flat vectors.
    public func gathered(_ selection: [Int32]) -> DataChunk {
        DataChunk(columns: columns.map { $0.gathered(selection) }, count: selection.count)
    }
}
