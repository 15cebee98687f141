// Column DEFAULT expressions: checked when CREATE TABLE runs, stored as SQL text with the
// table, and evaluated again by every INSERT that leaves the column out.
//
// PostgreSQL evaluates a default for each inserted row. TeleDB evaluates it once per INSERT
// statement, which gives the same values for constants and for now(), current_timestamp and
// current_date, since those return the statement's start time.

import TeleCore
import TeleExecution
import TelePlanner
import TeleStorage
import TeleSyntax

extension Session {
    /// Checks the DEFAULT expressions of a CREATE TABLE and returns their SQL text by column.
    ///
    /// - Throws: `TeleError` when a default names a column (0A000), does not bind, or does
    ///   not convert to the column's type.
    func columnDefaults(of create: CreateTable, columns: [ColumnSchema], planner: Planner) throws -> [String: String] {
        var defaults: [String: String] = [:]
        for (definition, column) in zip(create.columns, columns) {
            guard let expression = definition.defaultValue, let text = definition.defaultText else { continue }
            if case .literal(.null) = expression.kind { continue }
            _ = try evaluateDefault(text, for: column, planner: planner)
            defaults[column.name] = text
        }
        return defaults
    }

    /// Evaluates the defaults of `table` for one INSERT: one value per column in table
    /// order, NULL for a column without a default.
    func defaultRow(of table: TableData, planner: Planner) throws -> [Value] {
        try table.schema.columns.map { column in
            guard let text = table.columnDefaults[column.name] else { return .null }
            return try evaluateDefault(text, for: column, planner: planner)
        }
    }

    private func evaluateDefault(_ text: String, for column: ColumnSchema, planner: Planner) throws -> Value {
        let expression = try Parser.parseExpression(text)
        let bound: BoundExpression
        do {
            bound = try planner.bindExpression(expression, over: nil, alias: nil)
        } catch let error as TeleError where error.state == .undefinedColumn {
            throw TeleError(
                .featureNotSupported, "cannot use column reference in DEFAULT expression of column \"\(column.name)\"",
                hint: "Write a constant or a function such as now() as the default.")
        }
        let cast = try planner.assignmentCast(bound, to: column.type, column: column.name)
        return try ExpressionEvaluator.evaluateConstant(cast)
    }
}
