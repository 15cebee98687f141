// Table functions, which turn one value into rows: histogram_buckets(h) unnests a histogram
// into one row per bucket, and the operator that applies a table function to every row of
// its input.
//
// The operator outputs each input row's columns followed by the function's columns, once per
// generated row, so that a lateral call such as `FROM rollup r, histogram_buckets(r.h)`
// keeps the columns of `r` beside each bucket.

import TeleCore

/// A table function resolved for its argument type.
public struct TableFunction: Sendable {
    public var name: String
    public var argumentType: DataType
    public var columnNames: [String]
    public var columnTypes: [DataType]
    /// The rows generated for one argument value; a NULL argument generates none.
    public var rows: @Sendable (Value) throws -> [[Value]]
}

public enum TableFunctionRegistry {
    public static let functionNames = ["cdf_points", "histogram_buckets"]

    /// Resolves a table function by name for its argument types.
    ///
    /// - Throws: `TeleError` 42883 when no table function of that name takes these types.
    public static func resolve(name: String, argumentTypes: [DataType]) throws -> TableFunction {
        let key = name.lowercased()
        switch (key, argumentTypes) {
        case ("histogram_buckets", [.histogram]), ("histogram_buckets", [.null]):
            return histogramBuckets
        case ("cdf_points", [.varchar]), ("cdf_points", [.null]):
            return cdfPoints
        default:
            let types = argumentTypes.map { $0.sqlName.lowercased() }.joined(separator: ", ")
            guard functionNames.contains(key) else {
                throw TeleError(
                    .undefinedFunction, "table function \(key)(\(types)) does not exist",
                    hint: "Table functions: \(functionNames.joined(separator: ", ")).")
            }
            let example = key == "cdf_points" ? "a CDF, for example cdf_points((SELECT CDF(x) FROM t))"
                : "a histogram, for example histogram_buckets((SELECT HISTOGRAM(h) FROM t))"
            throw TeleError(
                .undefinedFunction, "table function \(key)(\(types)) does not exist", hint: "\(key) takes \(example).")
        }
    }

    /// histogram_buckets(h): one row per bucket of h's layout, empty ones included. The
    /// columns are the `lower` and `upper` bounds, the bucket's `count`, its `fraction` of all
    /// samples and the `cumulative` fraction up to and including it. `upper` is NULL for the
    /// last bucket, which has no upper bound, and fractions are 0 for an empty histogram.
    static let histogramBuckets = TableFunction(
        name: "histogram_buckets", argumentType: .histogram,
        columnNames: ["lower", "upper", "count", "fraction", "cumulative"],
        columnTypes: [.bigint, .bigint, .bigint, .double, .double]
    ) { value in
        guard case .histogram(let histogram) = value else { return [] }
        let layout = try HistogramLayout(of: histogram)
        var counts = [Int64](repeating: 0, count: layout.bucketCount)
        for (bound, count) in zip(histogram.bucketLowerBounds, histogram.bucketCounts) {
            counts[layout.bucketIndex(of: bound)] &+= count
        }
        let total = Double(histogram.sampleCount)
        var running: Int64 = 0
        var rows: [[Value]] = []
        for (index, count) in counts.enumerated() {
            running &+= count
            let upper = layout.upperBound(ofBucket: index).map(Value.integer) ?? .null
            rows.append([
                .integer(layout.lowerBounds[index]), upper, .integer(count),
                .double(total > 0 ? Double(count) / total : 0), .double(total > 0 ? Double(running) / total : 0),
            ])
        }
        return rows
    }
}

/// Applies a table function to every input row and returns the input columns followed by
/// the generated columns.
public final class TableFunctionOperator: PhysicalOperator {
    let child: any PhysicalOperator
    let function: TableFunction
    let argument: BoundExpression
    public let outputTypes: [DataType]
    /// Rows generated but not yet returned.
    private var pending: [[Value]] = []

    public init(child: any PhysicalOperator, function: TableFunction, argument: BoundExpression) {
        self.child = child
        self.function = function
        self.argument = argument
        self.outputTypes = child.outputTypes + function.columnTypes
    }

    public var children: [any PhysicalOperator] { [child] }

    public var explainLine: String { "TableFunction \(function.name)" }

    public func next() throws -> DataChunk? {
        try Interruption.check()
        while pending.count < Vector.defaultCapacity {
            guard let chunk = try child.next() else { break }
            let arguments = try ExpressionEvaluator.evaluate(argument, on: chunk)
            for row in 0..<chunk.count {
                // One input row can generate many rows, so look for a cancel per row.
                try Interruption.check()
                let generated = try function.rows(arguments.value(at: row))
                if generated.isEmpty { continue }
                let inputRow = chunk.row(row)
                for values in generated { pending.append(inputRow + values) }
            }
        }
        guard !pending.isEmpty else { return nil }
        let rowCount = min(pending.count, Vector.defaultCapacity)
        var builders = outputTypes.map { VectorBuilder(type: $0, capacity: rowCount) }
        for row in pending.prefix(rowCount) {
            for (column, value) in row.enumerated() { builders[column].append(value) }
        }
        pending.removeFirst(rowCount)
        var columns: [Vector] = []
        for index in builders.indices { columns.append(builders[index].finish()) }
        return DataChunk(columns: columns, count: rowCount)
    }
}
