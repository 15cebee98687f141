// Binds `SAMPLE` clauses and the functions that read the sample of a query: sample_factor(),
// count_error(), sum_error(x) and avg_error(x).
//
// `SAMPLE n PERCENT BY col` becomes the filter `sample_id < n` on the table, where sample_id
// is the table's stored `sample_id` column when BY names `client_id` and the table has one,
// and `sample_id(col)` otherwise. Filter pushdown moves it into the scan and turns it into a
// zone-map predicate, so row groups without a chosen sample_id are skipped. Row samples
// (PERCENT without BY, and ROWS) are marked on the scan node and chosen by row position.

import TeleCore
import TeleExecution
import TeleSyntax

/// The sampling design of one sampled table in a query.
struct SampleDesign: Sendable, Equatable {
    /// The probability that a unit (a row, or a BY value) is in the sample.
    var inclusionProbability: Double
    /// The BY column as the scope names it; nil for row sampling.
    var unitTable: String?
    var unitColumn: String?
}

extension BindContext {
    func bindSampled(_ inner: TableReference, _ clause: SampleClause, bindInner: (TableReference) throws -> (LogicalPlan, Scope))
        throws -> (LogicalPlan, Scope)
    {
        let (plan, innerScope) = try bindInner(inner)
        if let byColumn = clause.byColumn {
            return try bindClusterSample(plan, innerScope, clause, byColumn: byColumn)
        }
        guard case .scan(var scan) = plan else {
            throw TeleError(
                .featureNotSupported, "SAMPLE without BY is only supported on a table",
                hint: "Sample the base table inside the view or subquery, or add BY client_id.",
                position: clause.position)
        }
        let seed = clause.seed ?? 0
        let rowCount = scan.table.rowCount
        let probability: Double
        switch clause.size {
        case .percent(let percent):
            scan.rowSample = RowSample(size: .percent(percent), seed: seed)
            probability = percent / 100
        case .rows(let rows):
            scan.rowSample = RowSample(size: .rows(rows), seed: seed)
            probability = rowCount == 0 ? 1 : Double(min(max(rows, 0), Int64(rowCount))) / Double(rowCount)
        }
        session.sampleDesigns.append(SampleDesign(inclusionProbability: probability))
        return (.scan(scan), innerScope)
    }

    /// Binds `SAMPLE n PERCENT BY column` as the filter `sample_id < n`.
    private func bindClusterSample(_ plan: LogicalPlan, _ innerScope: Scope, _ clause: SampleClause, byColumn: String)
        throws -> (LogicalPlan, Scope)
    {
        guard case .percent(let percent) = clause.size, percent == percent.rounded(), percent >= 1 else {
            throw TeleError(
                .invalidParameterValue, "sample percentage \(clause.size) with BY is not a whole number",
                hint: "BY samples whole sample_id buckets of 1%; give a whole percentage such as SAMPLE 10 PERCENT BY client_id.",
                position: clause.position)
        }
        let saved = scope
        scope = innerScope
        defer { scope = saved }

        guard let unitIndex = try innerScope.resolve(table: nil, name: byColumn, position: clause.position) else {
            let hint = innerScope.nearestColumn(to: byColumn).map { "Perhaps you meant \"\($0)\"." }
            throw TeleError(
                .undefinedColumn, "column \"\(byColumn)\" does not exist", hint: hint ?? "Sample BY a column of the table.",
                position: clause.position)
        }
        let unit = innerScope.columns[unitIndex]
        let bucket: BoundExpression
        if byColumn == "client_id",
            let stored = try innerScope.resolve(table: unit.table, name: "sample_id", position: clause.position),
            innerScope.columns[stored].type.isInteger
        {
            bucket = .column(index: stored, type: innerScope.columns[stored].type)
        } else {
            let text = try TypeCoercion.coerce(.column(index: unitIndex, type: unit.type), to: .varchar, position: clause.position)
            bucket = try applyFunction("sample_id", [text], position: clause.position)
        }
        let limit = BoundExpression.constant(.integer(Int64(percent)), type: .bigint)
        let predicate = try applyFunction("<", [bucket, limit], position: clause.position)

        session.sampleDesigns.append(
            SampleDesign(inclusionProbability: percent / 100, unitTable: unit.table, unitColumn: unit.name))
        return (.filter(plan, predicate: predicate), innerScope)
    }

    /// Binds sample_factor() and the sample error aggregates, or returns nil for other names.
    func bindSamplingFunction(_ call: FunctionCall, position: SourcePosition) throws -> BoundExpression? {
        let kind: SampleErrorKind
        switch call.name {
        case "sample_factor":
            guard call.arguments.isEmpty else { throw wrongArguments("sample_factor()", position) }
            let design = try queryDesign(call.name, position: position)
            guard design.inclusionProbability > 0 else {
                throw TeleError(
                    .divisionByZero, "sample_factor() is undefined for a sample of 0 rows",
                    hint: "Sample at least one row.", position: position)
            }
            return .constant(.double(1 / design.inclusionProbability), type: .double)
        case "count_error":
            guard call.arguments.isEmpty else { throw wrongArguments("count_error()", position) }
            kind = .count
        case "sum_error", "avg_error":
            guard call.arguments.count == 1 else { throw wrongArguments("\(call.name)(x)", position) }
            kind = call.name == "sum_error" ? .sum : .avg
        default:
            return nil
        }
        return try bindSampleError(kind, call, position: position)
    }

    private func bindSampleError(_ kind: SampleErrorKind, _ call: FunctionCall, position: SourcePosition) throws
        -> BoundExpression
    {
        let design = try queryDesign(call.name, position: position)
        guard let collector = aggregates, !collector.insideAggregate else {
            throw TeleError(
                .groupingError, "aggregate functions are not allowed in \(clause)",
                hint: "Use \(call.name) in the select list or HAVING of the sampled query.", position: position)
        }
        collector.insideAggregate = true
        defer { collector.insideAggregate = false }

        var arguments: [BoundExpression] = []
        if let value = call.arguments.first {
            let bound = try bind(value)
            guard bound.type.isNumeric || bound.type == .null else {
                throw TeleError(
                    .undefinedFunction, "function \(call.name)(\(bound.type.sqlName.lowercased())) does not exist",
                    hint: "\(call.name) takes one numeric argument.", position: position)
            }
            arguments.append(try TypeCoercion.coerce(bound, to: .double, position: position))
        }
        if let column = design.unitColumn {
            guard let unit = try resolveColumn(table: design.unitTable, name: column, position: position) else {
                throw TeleError(
                    .undefinedColumn, "sample column \"\(column)\" is not visible here",
                    hint: "Compute \(call.name) in the query level that contains the sampled table.", position: position)
            }
            arguments.append(try TypeCoercion.coerce(unit, to: .varchar, position: position))
        }
        let function = AggregateFunction.sampleError(
            kind: kind, inclusionProbability: design.inclusionProbability, clustered: design.unitColumn != nil)
        return collector.add(BoundAggregate(function: function, arguments: arguments, distinct: false, filter: nil))
    }

    /// Returns the one sampling design of the statement.
    private func queryDesign(_ name: String, position: SourcePosition) throws -> SampleDesign {
        guard let design = session.sampleDesigns.first else {
            throw TeleError(
                .wrongObjectType, "\(name)() needs a sampled table in the query",
                hint: "Add a SAMPLE clause to the FROM item, such as FROM pings SAMPLE 10 PERCENT.", position: position)
        }
        guard session.sampleDesigns.allSatisfy({ $0 == design }) else {
            throw TeleError(
                .featureNotSupported, "\(name)() is ambiguous in a query with different samples",
                hint: "Give every sampled table the same SAMPLE clause, or compute it per subquery.", position: position)
        }
        return design
    }

    private func wrongArguments(_ signature: String, _ position: SourcePosition) -> TeleError {
        TeleError(.undefinedFunction, "wrong number of arguments", hint: "Call it as \(signature).", position: position)
    }
}
