// Appending rows and rewriting row groups inside a write transaction.
//
// Rows go to the table's tail row group, which is filled up to the row group capacity
// before a new one starts. When a table's last committed row group is not full, the first
// append copies its rows into a new tail (copy-on-write), so many small appends, each in
// its own transaction, still end in few full row groups instead of thousands of tiny ones.

import TeleCore

extension WriteTransaction {
    /// Appends the rows of `chunk` to `table`.
    ///
    /// - Parameter chunk: one vector per column, each of the column's physical type (the
    ///   planner casts first) or of type NULL; constant and dictionary vectors are accepted.
    /// - Throws: `TeleError` 42P01 when the table is missing, 42804 when the chunk does not
    ///   match the columns, 23502 when a NOT NULL column gets a NULL.
    public func append(table: String, chunk: DataChunk) throws {
        try checkActive()
        guard let schema = tables[table]?.schema else { throw undefinedTable(table) }
        try validate(chunk, schema: schema)
        appendValidated(table: table, schema: schema, chunk: chunk)
    }

    /// Replaces row groups of `table` with the rows of `adding`, as DELETE and UPDATE do.
    ///
    /// - Parameter removing: row groups taken from this transaction's `snapshot` (matched
    ///   by identity); the tail row group counts too.
    /// - Throws: the errors of `append`, and `TeleError` XX000 when a row group to remove is
    ///   not part of the table. On error the table is unchanged.
    public func replaceRowGroups(table: String, removing: [any RowGroup], adding: [DataChunk]) throws {
        try checkActive()
        guard var data = tables[table] else { throw undefinedTable(table) }
        for chunk in adding { try validate(chunk, schema: data.schema) }

        var tail = tails[table]
        for group in removing {
            if let current = tail, current === group {
                tail = nil
            } else if let index = data.rowGroups.firstIndex(where: { $0 === group }) {
                data.rowGroups.remove(at: index)
            } else {
                throw TeleError.internalError("a row group to replace is not part of table \"\(table)\"")
            }
        }
        tables[table] = data
        tails[table] = tail
        markChanged()
        for chunk in adding { appendValidated(table: table, schema: data.schema, chunk: chunk) }
    }

    // MARK: Helpers

    private func validate(_ chunk: DataChunk, schema: TableSchema) throws {
        guard chunk.columnCount == schema.columns.count else {
            throw TeleError(
                .datatypeMismatch,
                "table \"\(schema.name)\" has \(schema.columns.count) columns but \(chunk.columnCount) were supplied",
                hint: "Supply one value per column of table \"\(schema.name)\".")
        }
        for (column, vector) in zip(schema.columns, chunk.columns) {
            if vector.type != .null && vector.type.physical != column.type.physical {
                throw TeleError(
                    .datatypeMismatch,
                    "column \"\(column.name)\" is of type \(column.type.sqlName) but the value is of type \(vector.type.sqlName)",
                    hint: "Cast the value to \(column.type.sqlName).")
            }
            if column.notNull && hasNull(vector) {
                throw TeleError(
                    .notNullViolation,
                    "null value in column \"\(column.name)\" of relation \"\(schema.name)\" violates not-null constraint",
                    hint: "Supply a value for column \"\(column.name)\".")
            }
        }
    }

    private func hasNull(_ vector: Vector) -> Bool {
        if vector.count == 0 { return false }
        if case .constant(let value) = vector.storage { return value.isNull }
        if vector.type == .null { return true }
        return vector.validity.nullCount(vector.count) > 0
    }

    func appendValidated(table: String, schema: TableSchema, chunk: DataChunk) {
        if chunk.count == 0 { return }
        var tail = takeTail(table: table, schema: schema)
        var start = 0
        while start < chunk.count {
            if tail.rowCount == StorageEngine.rowGroupCapacity {
                tables[table]?.rowGroups.append(tail)
                tail = MemoryRowGroup(schema: schema)
            }
            let end = min(chunk.count, start + StorageEngine.rowGroupCapacity - tail.rowCount)
            tail.append(chunk, rows: start..<end)
            start = end
        }
        tails[table] = tail
        markChanged()
    }

    /// Returns a tail row group this transaction alone references, ready to append to.
    private func takeTail(table: String, schema: TableSchema) -> MemoryRowGroup {
        if var tail = tails.removeValue(forKey: table) {
            // A snapshot handed out earlier may still hold the tail; then copy it, so that
            // snapshot keeps its rows.
            if isKnownUniquelyReferenced(&tail) { return tail }
            return MemoryRowGroup(copying: tail)
        }
        guard let last = tables[table]?.rowGroups.last, last.rowCount < StorageEngine.rowGroupCapacity else {
            return MemoryRowGroup(schema: schema)
        }
        // Absorb the table's partly filled last row group.
        // NOTE: when that group cannot be read (a damaged data file), the rows go to a new
        // row group instead, and the damage surfaces on the next read of the old group.
        guard let copy = try? MemoryRowGroup(reading: last, schema: schema) else {
            return MemoryRowGroup(schema: schema)
        }
        tables[table]?.rowGroups.removeLast()
        return copy
    }
}
