// GROUP BY on several threads. Each worker runs its own copy of the input pipeline (a table
// scan with filters, projections and joins) over row groups it takes from a shared
// dispenser, and folds the rows into its own aggregation table. When every worker is done,
// the tables are merged into one with the aggregate states' `combine`. The result is that
// of the serial `HashAggregateOperator` up to the order of groups and the rounding of
// floating-point sums. The calling thread first aggregates a sample of rows alone. When
// they form many groups (GROUP BY client_id), merging tables would cost as much as the
// split saves, so it finishes alone.

import TeleCore

public final class ParallelHashAggregateOperator: PhysicalOperator {
    /// One input pipeline per worker; their scans share one row-group dispenser.
    public let inputs: [any PhysicalOperator]
    public let groupKeys: [BoundExpression]
    public let aggregates: [BoundAggregate]
    /// Rows the calling thread aggregates alone before it decides whether to start workers.
    public let sampleRows: Int
    private var output = OutputQueue()
    private var finished = false

    /// The aggregates whose result depends on the order rows arrive in, so that splitting the
    /// input would change it.
    public static let orderSensitiveAggregates: Set<String> = ["array_agg", "string_agg"]

    /// `sampleRows` should be about one row group of the scanned table, so that the sample
    /// delays the workers by one row group's reading at most.
    public init(
        inputs: [any PhysicalOperator], groupKeys: [BoundExpression], aggregates: [BoundAggregate], sampleRows: Int
    ) {
        precondition(!inputs.isEmpty, "a parallel aggregate needs an input")
        precondition(!aggregates.contains { $0.distinct }, "DISTINCT aggregates cannot merge tables")
        self.inputs = inputs
        self.groupKeys = groupKeys
        self.aggregates = aggregates
        self.sampleRows = max(1, sampleRows)
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


    /// Groups per sampled row above which the work stays on one thread. Merging a worker's
    /// table costs about one lookup per group, so with nearly as many groups as rows the
    /// merge undoes what the split saved.
    /// NOTE: the ratio is an estimate from 2-core runs of GROUP BY client_id, not a tuned value.
    static let maximumGroupRatio = 0.05

    private func aggregateInParallel() throws -> DataChunk {
        let tables = inputs.map { _ in AggregationTable(groupKeys: groupKeys, aggregates: aggregates) }
        let inputs = self.inputs

        // Sample on this thread: the first input takes row groups until enough rows passed.
        var sampled = 0
        while sampled < sampleRows, let chunk = try inputs[0].next() {
            try tables[0].consume(chunk)
            sampled += chunk.count
        }
        if sampled < sampleRows { return try tables[0].finish() }

        if Double(tables[0].groupCount) > Self.maximumGroupRatio * Double(sampled) {
            // Many groups: the first input takes every remaining row group.
            while let chunk = try inputs[0].next() { try tables[0].consume(chunk) }
            return try tables[0].finish()
        }
        try Parallelism.forEachWorker(inputs.count) { worker in
            while let chunk = try inputs[worker].next() { try tables[worker].consume(chunk) }
        }
        for table in tables.dropFirst() { try tables[0].absorb(table) }
        return try tables[0].finish()
    }
}
