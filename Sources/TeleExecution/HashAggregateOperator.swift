// GROUP BY with hash tables: each input chunk's keys map to group ids through a
// `GroupIndex`, and every aggregate state folds the chunk in one call.
//
// Without keys there is exactly one group, so the output is one row even for empty input
// (count 0, other aggregates NULL). NULL keys form one group. A DISTINCT aggregate keeps its
// own index of (group, argument) pairs and folds only the pairs it has not seen. A FILTER
// clause restricts the rows that reach its aggregate.

import TeleCore

public final class HashAggregateOperator: PhysicalOperator {
    public let child: any PhysicalOperator
    public let groupKeys: [BoundExpression]
    public let aggregates: [BoundAggregate]
    private var output = OutputQueue()
    private var finished = false

    public init(child: any PhysicalOperator, groupKeys: [BoundExpression], aggregates: [BoundAggregate]) {
        self.child = child
        self.groupKeys = groupKeys
        self.aggregates = aggregates
    }

    public var outputTypes: [DataType] { groupKeys.map(\.type) + aggregates.map(\.function.returnType) }
    public var children: [any PhysicalOperator] { [child] }
    public var explainLine: String {
        let keys = groupKeys.count
        let names = aggregates.map { "\($0.function.name)\($0.distinct ? " distinct" : "")" }.joined(separator: ", ")
        return "HashAggregate keys=\(keys) aggregates=[\(names)]"
    }

    public func next() throws -> DataChunk? {
        try Interruption.check()
        if !finished {
            finished = true
            try aggregateInput()
        }
        return output.pop()
    }

    private func aggregateInput() throws {
        let table = AggregationTable(groupKeys: groupKeys, aggregates: aggregates)
        while let chunk = try child.next() { try table.consume(chunk) }
        output.append(try table.finish())
    }
}

/// The groups and aggregate states of one hash aggregation, filled chunk by chunk.
///
/// A parallel aggregation fills one table per worker and folds them into the first with
/// `absorb`, which needs aggregates without DISTINCT (their seen-pairs indexes do not merge).
final class AggregationTable {
    let groupKeys: [BoundExpression]
    let aggregates: [BoundAggregate]
    private let index: GroupIndex
    private let states: [any AggregateState]
    private let distinctIndexes: [GroupIndex?]

    init(groupKeys: [BoundExpression], aggregates: [BoundAggregate]) {
        self.groupKeys = groupKeys
        self.aggregates = aggregates
        index = GroupIndex(keyTypes: groupKeys.map(\.type))
        states = aggregates.map { $0.function.makeState() }
        distinctIndexes = aggregates.map { aggregate in
            aggregate.distinct ? GroupIndex(keyTypes: [.bigint] + aggregate.arguments.map(\.type)) : nil
        }
        if groupKeys.isEmpty {
            for state in states { state.resize(groupCount: 1) }
        }
    }

    private var groupCount: Int { groupKeys.isEmpty ? 1 : index.groupCount }

    /// Folds one input chunk into the groups.
    func consume(_ chunk: DataChunk) throws {
        let groupIds: [Int32]
        if groupKeys.isEmpty {
            groupIds = [Int32](repeating: 0, count: chunk.count)
        } else {
            let keys = try groupKeys.map { try ExpressionEvaluator.evaluate($0, on: chunk) }
            groupIds = index.lookup(keys, count: chunk.count, insert: true)
            for state in states { state.resize(groupCount: index.groupCount) }
        }
        for (position, aggregate) in aggregates.enumerated() {
            try update(states[position], aggregate, distinctIndexes[position], chunk: chunk, groupIds: groupIds)
        }
    }

    /// Folds every group of `other`, a table of the same aggregation, into this one.
    func absorb(_ other: AggregationTable) throws {
        precondition(!aggregates.contains { $0.distinct }, "DISTINCT aggregates cannot merge tables")
        let mapping: [Int32]
        if groupKeys.isEmpty {
            mapping = [0]
        } else {
            mapping = index.lookup(other.index.keyVectors(), count: other.index.groupCount, insert: true)
            for state in states { state.resize(groupCount: index.groupCount) }
        }
        for (state, otherState) in zip(states, other.states) {
            otherState.resize(groupCount: other.groupCount)
            try state.combine(otherState, mapping: mapping)
        }
    }

    /// Returns one row per group: the key values, then each aggregate's result.
    func finish() throws -> DataChunk {
        let count = groupCount
        for state in states { state.resize(groupCount: count) }
        var columns = groupKeys.isEmpty ? [] : index.keyVectors()
        for (position, state) in states.enumerated() {
            columns.append(try Cast.cast(try state.finalize(), to: aggregates[position].function.returnType))
        }
        return DataChunk(columns: columns, count: count)
    }

    /// Folds one chunk into one aggregate, applying its FILTER and DISTINCT.
    private func update(
        _ state: any AggregateState, _ aggregate: BoundAggregate, _ distinctIndex: GroupIndex?, chunk: DataChunk,
        groupIds: [Int32]
    ) throws {
        var rows = chunk
        var ids = groupIds
        if let filter = aggregate.filter {
            let selection = try ExpressionEvaluator.select(filter, on: chunk)
            if selection.isEmpty { return }
            if selection.count < chunk.count {
                rows = chunk.selecting(selection)
                ids = selection.map { groupIds[Int($0)] }
            }
        }
        var arguments = try aggregate.arguments.enumerated().map { position, expression in
            try Cast.cast(try ExpressionEvaluator.evaluate(expression, on: rows), to: aggregate.function.argumentTypes[position])
        }
        if let distinctIndex {
            // Keep only the first row of each (group, arguments) pair ever seen.
            let before = distinctIndex.groupCount
            let pairIds = distinctIndex.lookup(
                [Vector.int64(ids.map { Int64($0) })] + arguments, count: rows.count, insert: true)
            var fresh: [Int32] = []
            var next = Int32(before)
            for (row, pair) in pairIds.enumerated() where pair == next {
                fresh.append(Int32(row))
                next += 1
            }
            if fresh.isEmpty { return }
            arguments = arguments.map { $0.selecting(fresh) }
            ids = fresh.map { ids[Int($0)] }
        }
        try ids.withUnsafeBufferPointer { try state.update(arguments, groupIds: $0, count: $0.count) }
    }
}
