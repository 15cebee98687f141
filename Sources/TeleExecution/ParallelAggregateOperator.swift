// GROUP BY on several threads: each worker runs its own copy of the input pipeline (a table
// scan with filters and projections) over row groups it takes from a shared dispenser, and
// folds the rows into its own aggregation table. When every worker is done, the tables are
// merged into one with the aggregate states' `combine`, and the result is that of the serial
// `HashAggregateOperator` up to the order of groups and the rounding of floating-point sums.

import TeleCore

public final class ParallelHashAggregateOperator: PhysicalOperator {
    /// One input pipeline per worker; their scans share one row-group dispenser.
    public let inputs: [any PhysicalOperator]
    public let groupKeys: [BoundExpression]
    public let aggregates: [BoundAggregate]
    private var output = OutputQueue()
    private var finished = false

    /// The aggregates whose result depends on the order rows arrive in, so that splitting the
    /// input would change it.
    public static let orderSensitiveAggregates: Set<String> = ["array_agg", "string_agg"]

    public init(inputs: [any PhysicalOperator], groupKeys: [BoundExpression], aggregates: [BoundAggregate]) {
        precondition(!inputs.isEmpty, "a parallel aggregate needs an input")
        precondition(!aggregates.contains { $0.distinct }, "DISTINCT aggregates cannot merge tables")
        self.inputs = inputs
        self.groupKeys = groupKeys
        self.aggregates = aggregates
    }

    public var outputTypes: [DataType] { groupKeys.map(\.type) + aggregates.map(\.function.returnType) }
    public var children: [any PhysicalOperator] { inputs }
    public var explainLine: String {
        let names = aggregates.map(\.function.name).joined(separator: ", ")
        return "HashAggregate keys=\(groupKeys.count) aggregates=[\(names)] workers=\(inputs.count)"
    }

    public func next() throws -> DataChunk? {
        try Interruption.check()
        if !finished {
            finished = true
            output.append(try aggregateInParallel())
        }
        return output.pop()
    }

    private func aggregateInParallel() throws -> DataChunk {
        let tables = inputs.map { _ in AggregationTable(groupKeys: groupKeys, aggregates: aggregates) }
        let inputs = self.inputs
        try Parallelism.forEachWorker(inputs.count) { worker in
            while let chunk = try inputs[worker].next() { try tables[worker].consume(chunk) }
        }
        for table in tables.dropFirst() { try tables[0].absorb(table) }
        return try tables[0].finish()
    }
}
