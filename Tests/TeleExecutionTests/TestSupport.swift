// Shared helpers for the execution tests: an in-memory row group standing in for storage,
// builders for bound expressions, and ways to run operators and read their rows.

import TeleCore
import TeleStorage

@testable import TeleExecution

/// A row group kept in memory, with statistics computed from its vectors.
final class MemoryRowGroup: RowGroup, @unchecked Sendable {
    let columns: [Vector]
    let rowCount: Int
    private(set) var columnsRead: [Int] = []

    init(_ columns: [Vector]) {
        self.columns = columns
        self.rowCount = columns.first?.count ?? 0
    }

    func statistics(column: Int) -> ColumnStatistics {
        let vector = columns[column]
        var minimum: Value? = nil
        var maximum: Value? = nil
        var nulls = 0
        for row in 0..<vector.count {
            let value = vector.value(at: row)
            if value.isNull {
                nulls += 1
                continue
            }
            if minimum == nil || ValueOrder.compare(value, minimum!)! < 0 { minimum = value }
            if maximum == nil || ValueOrder.compare(value, maximum!)! > 0 { maximum = value }
        }
        return ColumnStatistics(min: minimum, max: maximum, nullCount: nulls)
    }

    func readColumn(_ column: Int) throws -> Vector {
        columnsRead.append(column)
        return columns[column]
    }
}

/// An operator that returns prepared chunks.
final class ChunkSource: PhysicalOperator {
    let outputTypes: [DataType]
    private var chunks: [DataChunk]

    init(types: [DataType], chunks: [DataChunk]) {
        self.outputTypes = types
        self.chunks = chunks.filter { $0.count > 0 }
    }

    /// Creates a source over `rows`, cut into chunks of `chunkSize` rows.
    convenience init(types: [DataType], rows: [[Value]], chunkSize: Int = 2048) {
        var chunks: [DataChunk] = []
        var start = 0
        while start < rows.count {
            let end = min(start + chunkSize, rows.count)
            chunks.append(makeChunk(types: types, rows: Array(rows[start..<end])))
            start = end
        }
        self.init(types: types, chunks: chunks)
    }

    var children: [any PhysicalOperator] { [] }
    var explainLine: String { "ChunkSource" }

    func next() throws -> DataChunk? {
        chunks.isEmpty ? nil : chunks.removeFirst()
    }
}

/// Builds a flat vector of any length with the accumulator the operators use.
func makeVector(_ type: DataType, _ values: [Value]) -> Vector {
    var accumulator = VectorAccumulator(type: type)
    for value in values { accumulator.append(value) }
    return accumulator.finish()
}

func makeChunk(types: [DataType], rows: [[Value]]) -> DataChunk {
    let columns = types.indices.map { column in makeVector(types[column], rows.map { $0[column] }) }
    return DataChunk(columns: columns, count: rows.count)
}

/// Builds a dictionary vector of `values`, where nil is a NULL row.
func dictionaryVector(_ values: [String?]) -> Vector {
    var entries: [String] = []
    var codes: [Int32] = []
    var validity = ValidityMask()
    for (row, value) in values.enumerated() {
        guard let value else {
            codes.append(0)
            validity.set(row, valid: false, count: values.count)
            continue
        }
        if let existing = entries.firstIndex(of: value) {
            codes.append(Int32(existing))
        } else {
            entries.append(value)
            codes.append(Int32(entries.count - 1))
        }
    }
    if entries.isEmpty { entries.append("") }
    return Vector(
        type: .varchar, storage: .dictionary(codes: codes, dictionary: StringColumn(entries)), validity: validity,
        count: values.count)
}

func column(_ index: Int, _ type: DataType) -> BoundExpression { .column(index: index, type: type) }

func constant(_ value: Value, _ type: DataType) -> BoundExpression { .constant(value, type: type) }
func int(_ value: Int64) -> BoundExpression { .constant(.integer(value), type: .bigint) }
func text(_ value: String) -> BoundExpression { .constant(.string(value), type: .varchar) }

/// Resolves a function or operator call and casts its arguments to the resolved types.
func call(_ name: String, _ arguments: BoundExpression...) throws -> BoundExpression {
    let (function, types) = try ScalarFunctionRegistry.resolve(name: name, argumentTypes: arguments.map(\.type))
    let cast = zip(arguments, types).map { argument, type in argument.type == type ? argument : .cast(argument, to: type) }
    return .function(function, arguments: cast)
}

/// Evaluates a constant expression built from a function call.
func evaluateCall(_ name: String, _ arguments: BoundExpression...) throws -> Value {
    let (function, types) = try ScalarFunctionRegistry.resolve(name: name, argumentTypes: arguments.map(\.type))
    let cast = zip(arguments, types).map { argument, type in argument.type == type ? argument : .cast(argument, to: type) }
    return try ExpressionEvaluator.evaluateConstant(.function(function, arguments: cast))
}

/// Every row an operator returns.
func rows(of operator: any PhysicalOperator) throws -> [[Value]] {
    var result: [[Value]] = []
    while let chunk = try `operator`.next() {
        precondition(chunk.count > 0, "operators never return empty chunks")
        for row in 0..<chunk.count { result.append(chunk.row(row)) }
    }
    return result
}

/// Rows in a canonical order, for comparing results whose order SQL leaves open.
func sortedRows(_ rows: [[Value]]) -> [[Value]] {
    rows.sorted { a, b in
        for (x, y) in zip(a, b) {
            let order = ValueOrder.compare(x, y) ?? 0
            if order != 0 { return order < 0 }
        }
        return false
    }
}

/// A deterministic random number generator (SplitMix64), so failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
