// INSERT, UPDATE and DELETE.
//
// Columnar row groups are immutable once committed, so UPDATE and DELETE rewrite each row
// group that contains a matching row and leave the others untouched; the storage engine swaps
// the old groups for the new ones when the transaction commits.

import TeleCore
import TeleExecution
import TelePlanner
import TeleStorage
import TeleSyntax

extension Session {
    func insert(_ insert: Insert, in transaction: WriteTransaction) throws -> StatementResult {
        let table = try requireTable(insert.table, in: transaction.snapshot)
        let schema = table.schema
        var targets = try targetColumns(insert.columns, of: schema)
        let planner = Planner(snapshot: transaction.snapshot)
        let defaults = try defaultRow(of: table, planner: planner)
        var inserted = 0

        switch insert.source {
        case .defaultValues:
            try transaction.append(table: schema.name, chunk: try chunk(of: [defaults], schema: schema))
            inserted = 1

        case .values(let rows):
            // Without a column list, PostgreSQL fills the columns after the last value
            // with their defaults.
            if insert.columns.isEmpty, let width = rows.first?.count, width < targets.count {
                targets = Array(targets.prefix(width))
            }
            var boxedRows: [[Value]] = []
            boxedRows.reserveCapacity(rows.count)
            for (rowIndex, row) in rows.enumerated() {
                guard row.count == targets.count else {
                    throw TeleError(
                        .syntaxError,
                        row.count > targets.count
                            ? "INSERT has more expressions than target columns"
                            : "INSERT has more target columns than expressions",
                        position: row.first?.position)
                }
                var values = defaults
                for (position, (expression, column)) in zip(row, targets).enumerated() {
                    // A DEFAULT entry keeps the column's default from `defaults`.
                    if insert.defaultSlots.contains(ValuesSlot(row: rowIndex, column: position)) { continue }
                    let bound = try planner.bindExpression(expression, over: nil, alias: nil)
                    let cast = try planner.assignmentCast(bound, to: schema.columns[column].type,
                                                          column: schema.columns[column].name)
                    values[column] = try ExpressionEvaluator.evaluateConstant(cast)
                }
                boxedRows.append(values)
            }
            for start in stride(from: 0, to: boxedRows.count, by: Vector.defaultCapacity) {
                let slice = boxedRows[start..<min(start + Vector.defaultCapacity, boxedRows.count)]
                try transaction.append(table: schema.name, chunk: try chunk(of: Array(slice), schema: schema))
            }
            inserted = boxedRows.count

        case .query(let query):
            let planned = try Planner(snapshot: monitored(transaction.snapshot)).plan(query)
            if insert.columns.isEmpty, planned.columns.count < targets.count {
                targets = Array(targets.prefix(planned.columns.count))
            }
            guard planned.columns.count == targets.count else {
                throw TeleError(
                    .syntaxError,
                    planned.columns.count > targets.count
                        ? "INSERT has more expressions than target columns"
                        : "INSERT has more target columns than expressions")
            }
            while let source = try planned.root.next() {
                try transaction.append(
                    table: schema.name,
                    chunk: try reorder(source, into: schema, targets: targets, defaults: defaults))
                inserted += source.count
            }
        }
        return StatementResult(columns: [], chunks: [], commandTag: "INSERT 0 \(inserted)", rowCount: inserted)
    }

    func delete(table name: String, alias: String?, whereClause: Expression?, in transaction: WriteTransaction)
        throws -> StatementResult
    {
        let table = try requireTable(name, in: transaction.snapshot)
        let planner = Planner(snapshot: transaction.snapshot)
        let predicate = try whereClause.map { try planner.bindExpression($0, over: table.schema, alias: alias) }
        var deleted = 0
        for group in table.rowGroups {
            let rows = try readRowGroup(group, schema: table.schema)
            let matches = try matchingRows(predicate, in: rows)
            if matches.isEmpty { continue }
            let matched = Set(matches)
            let keep = (0..<Int32(rows.count)).filter { !matched.contains($0) }
            let replacement = keep.isEmpty ? [] : [rows.gathered(keep)]
            try transaction.replaceRowGroups(table: table.schema.name, removing: [group], adding: replacement)
            deleted += matches.count
        }
        return StatementResult(columns: [], chunks: [], commandTag: "DELETE \(deleted)", rowCount: deleted)
    }

    func update(_ update: Update, in transaction: WriteTransaction) throws -> StatementResult {
        let table = try requireTable(update.table, in: transaction.snapshot)
        let schema = table.schema
        let planner = Planner(snapshot: transaction.snapshot)
        let predicate = try update.whereClause.map { try planner.bindExpression($0, over: schema, alias: update.alias) }
        var assignments: [(column: Int, value: BoundExpression)] = []
        for (name, expression) in update.assignments {
            guard let column = schema.columnIndex(name) else { throw unknownColumn(name, in: schema) }
            let bound = try planner.bindExpression(expression, over: schema, alias: update.alias)
            assignments.append((column, try planner.assignmentCast(bound, to: schema.columns[column].type, column: name)))
        }

        var updated = 0
        for group in table.rowGroups {
            let rows = try readRowGroup(group, schema: schema)
            let matches = try matchingRows(predicate, in: rows)
            if matches.isEmpty { continue }
            var columns = rows.columns.map { $0.flattened() }
            for (column, expression) in assignments {
                let newValues = try evaluateInSlices(expression, on: rows)
                columns[column] = merge(old: columns[column], new: newValues, at: matches)
            }
            try transaction.replaceRowGroups(
                table: schema.name, removing: [group], adding: [DataChunk(columns: columns, count: rows.count)])
            updated += matches.count
        }
        return StatementResult(columns: [], chunks: [], commandTag: "UPDATE \(updated)", rowCount: updated)
    }

    // MARK: Helpers

    func requireTable(_ name: String, in snapshot: any Snapshot) throws -> TableData {
        if let table = snapshot.table(name) { return table }
        if snapshot.view(name) != nil {
            throw TeleError(.wrongObjectType, "cannot change view \"\(name)\"", hint: "Change the tables the view reads.")
        }
        throw TeleError(.undefinedTable, "relation \"\(name)\" does not exist", hint: hintForTable(name, in: snapshot))
    }

    func unknownColumn(_ name: String, in schema: TableSchema) -> TeleError {
        TeleError(
            .undefinedColumn, "column \"\(name)\" of relation \"\(schema.name)\" does not exist",
            hint: nearestName(to: name, among: schema.columns.map(\.name)).map { "Perhaps you meant \"\($0)\"." })
    }

    /// Positions in the table of the INSERT's target columns (all columns when none named).
    private func targetColumns(_ names: [String], of schema: TableSchema) throws -> [Int] {
        if names.isEmpty { return Array(schema.columns.indices) }
        var seen = Set<Int>()
        return try names.map { name in
            guard let index = schema.columnIndex(name) else { throw unknownColumn(name, in: schema) }
            guard seen.insert(index).inserted else {
                throw TeleError(.duplicateColumn, "column \"\(name)\" specified more than once")
            }
            return index
        }
    }

    /// Builds a chunk in table layout from boxed rows already converted to the column types.
    func chunk(of rows: [[Value]], schema: TableSchema) throws -> DataChunk {
        var builders = schema.columns.map { VectorBuilder(type: $0.type, capacity: rows.count) }
        for row in rows {
            for index in builders.indices {
                if row[index].isNull, schema.columns[index].notNull {
                    throw notNullViolation(schema, index)
                }
                builders[index].append(row[index])
            }
        }
        return DataChunk(columns: builders.indices.map { builders[$0].finish() }, count: rows.count)
    }

    private func notNullViolation(_ schema: TableSchema, _ column: Int) -> TeleError {
        TeleError(
            .notNullViolation,
            "null value in column \"\(schema.columns[column].name)\" of relation \"\(schema.name)\" violates not-null constraint",
            hint: "Give the column a value.")
    }

    /// Converts a query's chunk into the table's layout: target columns cast with assignment
    /// rules, every other column its default from `defaults` (NULL where it has none).
    private func reorder(_ source: DataChunk, into schema: TableSchema, targets: [Int], defaults: [Value]) throws
        -> DataChunk
    {
        var columns = schema.columns.indices.map { index in
            Vector.constant(defaults[index], type: schema.columns[index].type, count: source.count)
        }
        for (sourceIndex, column) in targets.enumerated() {
            let vector = source.columns[sourceIndex]
            let type = schema.columns[column].type
            if vector.type == type || vector.type == .null {
                columns[column] = vector.type == .null ? Vector.constant(.null, type: type, count: source.count) : vector
            } else if Cast.canCast(from: vector.type, to: type) {
                columns[column] = try Cast.cast(vector, to: type)
            } else {
                throw TeleError(
                    .datatypeMismatch,
                    "column \"\(schema.columns[column].name)\" is of type \(type.sqlName) but expression is of type \(vector.type.sqlName)",
                    hint: "Rewrite or cast the expression.")
            }
        }
        for index in columns.indices {
            columns[index] = columns[index].flattened()
            if schema.columns[index].notNull, columns[index].validity.nullCount(source.count) > 0 {
                throw notNullViolation(schema, index)
            }
        }
        return DataChunk(columns: columns, count: source.count)
    }

    /// Reads every column of a row group into one chunk.
    func readRowGroup(_ group: any RowGroup, schema: TableSchema) throws -> DataChunk {
        let columns = try schema.columns.indices.map { try group.readColumn($0).flattened() }
        return DataChunk(columns: columns, count: group.rowCount)
    }

    /// Rows of `chunk` for which `predicate` is true (every row when there is none).
    private func matchingRows(_ predicate: BoundExpression?, in chunk: DataChunk) throws -> [Int32] {
        guard let predicate else { return Array(0..<Int32(chunk.count)) }
        var matches: [Int32] = []
        for start in stride(from: 0, to: chunk.count, by: Vector.defaultCapacity) {
            let slice = slice(chunk, from: start)
            for row in try ExpressionEvaluator.select(predicate, on: slice) { matches.append(row + Int32(start)) }
        }
        return matches
    }

    private func evaluateInSlices(_ expression: BoundExpression, on chunk: DataChunk) throws -> [Value] {
        var values: [Value] = []
        values.reserveCapacity(chunk.count)
        for start in stride(from: 0, to: chunk.count, by: Vector.defaultCapacity) {
            let vector = try ExpressionEvaluator.evaluate(expression, on: slice(chunk, from: start))
            for row in 0..<vector.count { values.append(vector.value(at: row)) }
        }
        return values
    }

    private func slice(_ chunk: DataChunk, from start: Int) -> DataChunk {
        let end = min(start + Vector.defaultCapacity, chunk.count)
        if start == 0, end == chunk.count { return chunk }
        return chunk.gathered(Array(Int32(start)..<Int32(end)))
    }

    private func merge(old: Vector, new: [Value], at rows: [Int32]) -> Vector {
        var replaced = [Bool](repeating: false, count: old.count)
        for row in rows { replaced[Int(row)] = true }
        var builder = VectorBuilder(type: old.type, capacity: old.count)
        for row in 0..<old.count { builder.append(replaced[row] ? new[row] : old.value(at: row)) }
        return builder.finish()
    }
}
