// Appending rows and rewriting row groups inside a write transaction.
//
// Rows go to the table's tail row group, which is filled up to the row group capacity
// before a new one starts. When a table's last committed row group is not full, the first
// append copies its rows into a new tail (copy-on-write). That way many small appends,
// each in its own transaction, end in a few full row groups, not thousands of tiny ones.
//
// Rows that `replaceRowGroups` adds go to a separate rewrite group instead. DELETE and
// UPDATE loop over the row groups of a snapshot taken before the loop and replace them one
// by one, so rewriting must leave every other row group the same object. It therefore never
// absorbs or copies an existing group, and it keeps a rewrite group that a snapshot
// references as it is.

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
    ///   by identity). Groups of a snapshot taken before earlier `replaceRowGroups` calls
    ///   stay valid, but a snapshot taken before an `append` may hold a tail that the
    ///   append replaced with a copy.
    /// - Throws: the errors of `append`, and `TeleError` XX000 when a row group to remove is
    ///   not part of the table. On error the table is unchanged.
    public func replaceRowGroups(table: String, removing: [any RowGroup], adding: [DataChunk]) throws {
        try checkActive()
        guard var data = tables[table] else { throw undefinedTable(table) }
        for chunk in adding { try validate(chunk, schema: data.schema) }

        var tail = tails[table]
        var rewrite = rewrites[table]
        for group in removing {
            if let current = tail, current === group {
                tail = nil
            } else if let current = rewrite, current === group {
                rewrite = nil
            } else if let index = data.rowGroups.firstIndex(where: { $0 === group }) {
                data.rowGroups.remove(at: index)
            } else {
                throw TeleError.internalError("a row group to replace is not part of table \"\(table)\"")
            }
        }
        tables[table] = data
        tails[table] = tail
        rewrites[table] = rewrite
        markChanged()
        for chunk in adding { appendRewritten(table: table, schema: data.schema, chunk: chunk) }
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

    private func appendValidated(table: String, schema: TableSchema, chunk: DataChunk) {
        if chunk.count == 0 { return }
        var tail = takeTail(table: table, schema: schema)
        fill(&tail, table: table, schema: schema, chunk: chunk)
        tails[table] = tail
        markChanged()
    }

    private func appendRewritten(table: String, schema: TableSchema, chunk: DataChunk) {
        if chunk.count == 0 { return }
        var group = MemoryRowGroup(schema: schema)
        if var rewrite = rewrites.removeValue(forKey: table) {
            // A rewrite group that a snapshot references is frozen as it is, not copied,
            // because the caller may still pass it to replaceRowGroups.
            if isKnownUniquelyReferenced(&rewrite) {
                group = rewrite
            } else {
                tables[table]?.rowGroups.append(rewrite)
            }
        }
        fill(&group, table: table, schema: schema, chunk: chunk)
        rewrites[table] = group
    }

    /// Appends the rows of `chunk` to `group`. Each time `group` is full, moves it to the
    /// table's row groups and continues in a new one.
    private func fill(_ group: inout MemoryRowGroup, table: String, schema: TableSchema, chunk: DataChunk) {
        var start = 0
        while start < chunk.count {
            if group.rowCount == StorageEngine.rowGroupCapacity {
                tables[table]?.rowGroups.append(spill(group, schema: schema))
                group = MemoryRowGroup(schema: schema)
            }
            let end = min(chunk.count, start + StorageEngine.rowGroupCapacity - group.rowCount)
            group.append(chunk, rows: start..<end)
            start = end
        }
    }

    /// Writes a full row group to the transaction's data file when the database is on disk,
    /// and returns the row group to keep in the table.
    private func spill(_ group: MemoryRowGroup, schema: TableSchema) -> any RowGroup {
        guard engine.path != nil else { return group }
        // NOTE: a failed write keeps the group in memory, and the commit then retries the
        // write and reports the error. Rows of removed spilled groups stay in the file as
        // dead space until a commit stops listing the file.
        do {
            let file = try pending ?? engine.makePendingDataFile()
            pending = file
            return try file.store(group, schema: schema)
        } catch {
            return group
        }
    }

    /// Returns a tail row group this transaction alone references, ready to append to.
    private func takeTail(table: String, schema: TableSchema) -> MemoryRowGroup {
        if var tail = tails.removeValue(forKey: table) {
            // A snapshot handed out earlier may still reference the tail. Then copy it, so
            // that snapshot keeps its rows.
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
