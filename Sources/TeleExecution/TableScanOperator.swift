// The table scan: reads listed columns of a table, row group by row group, in chunks of up
// to `Vector.defaultCapacity` rows.
//
// Row groups whose statistics prove that no row satisfies some zone-map predicate are
// skipped without reading a column. With a filter, the scan reads the filter's columns
// first. It reads the other columns of a row group only once some row of it passes, and
// then gathers only the passing rows of them (late materialization). So a selective filter
// copies little of the columns it does not test, and never decodes them for a row group
// without matches. Dictionary vectors stay dictionaries.

import Synchronization
import TeleCore
import TeleStorage

public final class TableScanOperator: PhysicalOperator {
    public let table: TableData
    public let columns: [Int]
    public let filter: BoundExpression?
    public let zoneMapPredicates: [ZoneMapPredicate]
    /// Hands out row groups to the scans of a parallel plan, so that each group is read once.
    public let sharedRowGroups: RowGroupDispenser?
    /// Row groups skipped by zone maps so far, for tests and EXPLAIN ANALYZE.
    public private(set) var rowGroupsSkipped = 0
    /// Row groups read without testing the filter, because zone maps proved every row passes.
    public private(set) var rowGroupsUnfiltered = 0

    /// True when the filter is exactly the conjunction of the zone-map predicates, so that a
    /// row group whose statistics prove every predicate needs no filtering.
    public let filterIsZoneMaps: Bool
    /// For each output column, whether the filter reads it.
    private let filterReads: [Bool]
    /// False for a row group in which every row is known to pass the filter.
    private var filtersCurrentGroup = true
    private var nextRowGroup = 0
    private var currentGroup: (any RowGroup)?
    /// The current row group's columns; nil for a column not read yet.
    private var current: [Vector?] = []
    private var currentRows = 0
    private var offset = 0

    /// `filterColumns` lists the output positions the filter reads; nil means all of them.
    public init(
        table: TableData, columns: [Int], filter: BoundExpression?, zoneMapPredicates: [ZoneMapPredicate],
        sharedRowGroups: RowGroupDispenser? = nil, filterColumns: Set<Int>? = nil, filterIsZoneMaps: Bool = false
    ) {
        self.table = table
        self.columns = columns
        self.filter = filter
        self.zoneMapPredicates = zoneMapPredicates
        self.sharedRowGroups = sharedRowGroups
        self.filterIsZoneMaps = filterIsZoneMaps && !zoneMapPredicates.isEmpty
        filterReads = columns.indices.map { filter != nil && (filterColumns?.contains($0) ?? true) }
    }

    public var outputTypes: [DataType] { columns.map { table.schema.columns[$0].type } }
    public var children: [any PhysicalOperator] { [] }
    public var explainLine: String {
        let names = columns.map { table.schema.columns[$0].name }.joined(separator: ", ")
        var line = "TableScan \(table.schema.name) columns=[\(names)]"
        if filter != nil { line += " filter" }
        if !zoneMapPredicates.isEmpty { line += " zonemaps=\(zoneMapPredicates.count)" }
        return line
    }

    public func next() throws -> DataChunk? {
        try Interruption.check()
        while true {
            if offset >= currentRows {
                guard try loadNextRowGroup() else { return nil }
            }
            let start = offset
            let length = min(Vector.defaultCapacity, currentRows - start)
            offset += length
            guard let filter, filtersCurrentGroup else {
                return DataChunk(columns: try columns.indices.map { try column($0).slice(start, length) }, count: length)
            }
            if let chunk = try filteredChunk(filter, start: start, length: length) { return chunk }
        }
    }

    /// Tests the filter on rows `start ..< start + length` and returns the passing rows, or
    /// nil when none passes.
    private func filteredChunk(_ filter: BoundExpression, start: Int, length: Int) throws -> DataChunk? {
        // Columns the filter does not read are stand-ins of the right type until rows pass.
        let tested = try columns.indices.map { position -> Vector in
            guard filterReads[position] else {
                return Vector.constant(.null, type: outputTypes[position], count: length)
            }
            return try column(position).slice(start, length)
        }
        let selection = try ExpressionEvaluator.select(filter, on: DataChunk(columns: tested, count: length))
        if selection.isEmpty { return nil }

        if selection.count == length {
            let all = try columns.indices.map { position in
                filterReads[position] ? tested[position] : try column(position).slice(start, length)
            }
            return DataChunk(columns: all, count: length)
        }
        let rowsInGroup = selection.map { $0 + Int32(start) }
        let gathered = try columns.indices.map { position in
            filterReads[position] ? tested[position].selecting(selection) : try column(position).selecting(rowsInGroup)
        }
        return DataChunk(columns: gathered, count: selection.count)
    }

    /// Returns the current row group's column at an output position, reading it on first use.
    private func column(_ position: Int) throws -> Vector {
        if let vector = current[position] { return vector }
        guard let group = currentGroup else { preconditionFailure("no current row group") }
        let vector = try group.readColumn(columns[position])
        current[position] = vector
        return vector
    }

    /// Moves to the next row group that the zone maps cannot rule out; false at the end.
    private func loadNextRowGroup() throws -> Bool {
        while true {
            let position = sharedRowGroups?.take() ?? nextRowGroup
            nextRowGroup += 1
            guard position < table.rowGroups.count else {
                currentGroup = nil
                return false
            }
            let group = table.rowGroups[position]
            if group.rowCount == 0 { continue }
            let ruledOut = zoneMapPredicates.contains { predicate in
                !predicate.mayMatch(group.statistics(column: columns[predicate.column]), rowCount: group.rowCount)
            }
            if ruledOut {
                rowGroupsSkipped += 1
                continue
            }
            currentGroup = group
            filtersCurrentGroup = !(filterIsZoneMaps && zoneMapPredicates.allSatisfy { predicate in
                predicate.mustMatch(group.statistics(column: columns[predicate.column]), rowCount: group.rowCount)
            })
            if !filtersCurrentGroup { rowGroupsUnfiltered += 1 }
            current = [Vector?](repeating: nil, count: columns.count)
            currentRows = group.rowCount
            offset = 0
            return true
        }
    }
}

/// The next unread row group of a table, shared by the scans of a parallel plan.
public final class RowGroupDispenser: Sendable {
    private let next = Atomic<Int>(0)

    public init() {}

    /// Returns a row group position no other caller has received.
    func take() -> Int {
        next.add(1, ordering: .relaxed).oldValue
    }
}
