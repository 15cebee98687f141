// Physical planning: picks an execution operator for every logical node and records the
// EXPLAIN line of each, with the estimated rows.
//
// Joins with at least one equality between the two sides become hash joins, which build
// their hash table on the side with fewer estimated rows. Other joins use a nested loop.

import TeleCore
import TeleExecution

/// One operator's EXPLAIN line and its inputs.
struct ExplainNode {
    var line: String
    var children: [ExplainNode] = []
    /// Rendered plans of the subqueries in this operator's expressions, each with a title.
    var subplans: [(title: String, plan: String)] = []

    func render(indent: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indent)
        var text = pad + line + "\n"
        for subplan in subplans {
            text += pad + "  " + subplan.title + "\n"
            for planLine in subplan.plan.split(separator: "\n") { text += pad + "    " + planLine + "\n" }
        }
        for child in children { text += child.render(indent: indent + 1) }
        return text
    }
}

enum PhysicalPlanner {
    /// Builds a plan. `readColumns`, when given, lists the only output columns the consumer
    /// reads, so that a join may leave the others out.
    static func build(_ plan: LogicalPlan, readColumns: Set<Int>? = nil) throws
        -> (operator: any PhysicalOperator, explain: ExplainNode)
    {
        var (built, explain) = try buildNode(plan, readColumns: readColumns)
        explain.subplans = subplans(in: ownExpressions(plan))
        return (built, explain)
    }

    /// Returns the expressions a node evaluates itself, not those of its inputs.
    static func ownExpressions(_ plan: LogicalPlan) -> [BoundExpression] {
        switch plan {
        case .scan(let scan): return scan.filters
        case .values(_, let rows): return rows.flatMap { $0 }
        case .filter(_, let predicate): return [predicate]
        case .projection(_, let expressions, _): return expressions
        case .aggregate(_, let keys, let aggregates):
            return keys + ExpressionRewriting.inputs(of: aggregates)
        case .join(_, _, _, let condition): return condition.map { [$0] } ?? []
        case .sort(_, let keys), .topN(_, let keys, _, _): return keys.map(\.expression)
        case .limit, .distinct, .setOperation, .unionAll: return []
        case .tableFunction(_, _, let argument): return [argument]
        }
    }

    private static func subplans(in expressions: [BoundExpression]) -> [(title: String, plan: String)] {
        var found: [(title: String, plan: String)] = []
        for expression in expressions {
            ExpressionRewriting.visit(expression) { node in
                guard case .subquery(let subquery) = node else { return }
                var title: String
                switch subquery.kind {
                case .scalar: title = "SubPlan scalar"
                case .exists(let negated): title = negated ? "SubPlan NOT EXISTS" : "SubPlan EXISTS"
                case .inSubquery(_, let negated): title = negated ? "SubPlan NOT IN" : "SubPlan IN"
                }
                if !subquery.correlatedValues.isEmpty { title += " correlated" }
                found.append((title, subquery.explain))
            }
        }
        return found
    }

    /// Builds a node. `sharedRowGroups` is set only for the inputs of a parallel aggregate (a
    /// chain of filters, projections and joins over one scan), and goes to that scan.
    static func buildNode(
        _ plan: LogicalPlan, sharedRowGroups: RowGroupDispenser? = nil, readColumns: Set<Int>? = nil
    ) throws
        -> (operator: any PhysicalOperator, explain: ExplainNode)
    {
        let rows = "rows~\(Int(CardinalityEstimator.rows(plan).rounded()))"
        switch plan {
        case .scan(let scan) where scan.rowSample != nil:
            return try buildSampledScan(scan, names: plan.outputNames, rows: rows)
        case .scan(let scan):
            let filter = ExpressionRewriting.conjunction(scan.filters)
            let scanOperator = TableScanOperator(
                table: scan.table, columns: scan.columns, filter: filter, zoneMapPredicates: scan.zoneMapPredicates,
                sharedRowGroups: sharedRowGroups, filterColumns: filter.map(ExpressionRewriting.columnsUsed),
                filterIsZoneMaps: ZoneMapPredicates.filterIsExactlyPredicates(scan.filters, types: plan.outputTypes))
            let names = plan.outputNames
            var line = "TableScan \(scan.tableName) columns=[\(names.joined(separator: ", "))]"
            if let filter { line += " filter=\(ExpressionPrinter.text(filter, names: names))" }
            if !scan.zoneMapPredicates.isEmpty {
                line += " zonemap=[" + scan.zoneMapPredicates.map { describe($0, names: names) }.joined(separator: ", ") + "]"
            }
            return (scanOperator, ExplainNode(line: line + " " + rows))

        case .values(let types, let rows):
            let values = try rows.map { row in try row.map { try ExpressionEvaluator.evaluateConstant($0) } }
            return (ValuesOperator(types: types, rows: values), ExplainNode(line: "Values rows=\(rows.count)"))

        case .filter(let input, let predicate):
            let read = readColumns.map { $0.union(ExpressionRewriting.columnsUsed(predicate)) }
            let (child, explain) = try buildInput(input, sharedRowGroups, readColumns: read)
            let line = "Filter \(ExpressionPrinter.text(predicate, names: input.outputNames)) \(rows)"
            return (FilterOperator(child: child, predicate: predicate), ExplainNode(line: line, children: [explain]))

        case .projection(let input, let expressions, let names):
            let read = Set(expressions.flatMap(ExpressionRewriting.columnsUsed))
            let (child, explain) = try buildInput(input, sharedRowGroups, readColumns: read)
            let inputNames = input.outputNames
            let shown = zip(expressions, names).map { expression, name -> String in
                let text = ExpressionPrinter.text(expression, names: inputNames)
                return text == name ? name : "\(text) AS \(name)"
            }
            let line = "Projection [\(shown.joined(separator: ", "))]"
            return (
                ProjectionOperator(child: child, expressions: expressions), ExplainNode(line: line, children: [explain])
            )

        case .aggregate(let input, let keys, let aggregates):
            let names = input.outputNames
            let keyText = keys.map { ExpressionPrinter.text($0, names: names) }.joined(separator: ", ")
            let aggregateText = aggregates.map { ExpressionPrinter.text($0, names: names) }.joined(separator: ", ")
            let line = "HashAggregate keys=[\(keyText)] aggregates=[\(aggregateText)]"
            if let parallel = try buildParallelAggregate(input, keys, aggregates, line: line, rows: rows) {
                return parallel
            }
            let (child, explain) = try build(input, readColumns: columnsRead(keys, aggregates))
            return (
                HashAggregateOperator(child: child, groupKeys: keys, aggregates: aggregates),
                ExplainNode(line: line + " " + rows, children: [explain])
            )

        case .join(let left, let right, let type, let condition):
            return try buildJoin(
                left, right, type, condition, rows: rows, sharedRowGroups: sharedRowGroups, readColumns: readColumns)

        case .sort(let input, let keys):
            let (child, explain) = try build(input)
            let line = "Sort keys=[\(describe(keys, names: input.outputNames))]"
            return (SortOperator(child: child, keys: keys), ExplainNode(line: line, children: [explain]))

        case .limit(let input, let limit, let offset):
            let (child, explain) = try build(input)
            let line = "Limit limit=\(limit.map(String.init) ?? "ALL") offset=\(offset)"
            return (LimitOperator(child: child, limit: limit, offset: offset), ExplainNode(line: line, children: [explain]))

        case .topN(let input, let keys, let limit, let offset):
            let (child, explain) = try build(input)
            let line = "TopN keys=[\(describe(keys, names: input.outputNames))] limit=\(limit) offset=\(offset)"
            return (
                TopNOperator(child: child, keys: keys, limit: limit, offset: offset),
                ExplainNode(line: line, children: [explain])
            )

        case .distinct(let input):
            let (child, explain) = try build(input)
            return (DistinctOperator(child: child), ExplainNode(line: "Distinct \(rows)", children: [explain]))

        case .setOperation(let left, let right, let kind, let all):
            let (leftOperator, leftExplain) = try build(left)
            let (rightOperator, rightExplain) = try build(right)
            let line = "SetOperation \(kind)\(all ? " ALL" : "") \(rows)"
            return (
                SetOperationOperator(left: leftOperator, right: rightOperator, kind: kind, all: all),
                ExplainNode(line: line, children: [leftExplain, rightExplain])
            )

        case .unionAll(let inputs):
            let built = try inputs.map { try build($0) }
            return (
                UnionAllOperator(children: built.map(\.operator)),
                ExplainNode(line: "UnionAll \(rows)", children: built.map(\.explain))
            )

        case .tableFunction(let input, let function, let argument):
            let (child, explain) = try build(input)
            let line = "TableFunction \(function.name)(\(ExpressionPrinter.text(argument, names: input.outputNames))) \(rows)"
            return (
                TableFunctionOperator(child: child, function: function, argument: argument),
                ExplainNode(line: line, children: [explain])
            )
        }
    }

    /// Builds a join. In a parallel plan (`sharedRowGroups` set) only the probe side shares
    /// the row groups: each worker builds the whole hash table from its own build input.
    /// True when a hash join should build its table on the left input: the smaller one,
    /// except that semi and anti joins return probe rows, so their left side must probe.
    static func hashJoinBuildsLeft(_ left: LogicalPlan, _ right: LogicalPlan, _ type: JoinType) -> Bool {
        type != .semi && type != .anti && CardinalityEstimator.rows(left) < CardinalityEstimator.rows(right)
    }

    private static func buildJoin(
        _ left: LogicalPlan, _ right: LogicalPlan, _ type: JoinType, _ condition: BoundExpression?, rows: String,
        sharedRowGroups: RowGroupDispenser? = nil, readColumns: Set<Int>? = nil
    ) throws -> (operator: any PhysicalOperator, explain: ExplainNode) {
        let leftProbes = !hashJoinBuildsLeft(left, right, type)
        let (leftOperator, leftExplain) = try buildInput(left, leftProbes ? sharedRowGroups : nil)
        let (rightOperator, rightExplain) = try buildInput(right, leftProbes ? nil : sharedRowGroups)
        let names = left.outputNames + right.outputNames
        let leftCount = left.columnCount
        let keys = JoinKeys.split(condition, leftCount: leftCount)

        guard !keys.leftKeys.isEmpty else {
            var line = "NestedLoopJoin type=\(type)"
            if let condition { line += " condition=\(ExpressionPrinter.text(condition, names: names))" }
            return (
                NestedLoopJoinOperator(left: leftOperator, right: rightOperator, type: type, condition: condition),
                ExplainNode(line: line + " " + rows, children: [leftExplain, rightExplain])
            )
        }

        let keyText = zip(keys.leftKeys, keys.rightKeys).map { pair in
            ExpressionPrinter.text(pair.0, names: names) + " = "
                + ExpressionPrinter.text(ExpressionRewriting.shift(pair.1, by: leftCount), names: names)
        }.joined(separator: ", ")
        var details = "keys=[\(keyText)]"
        if let residual = ExpressionRewriting.conjunction(keys.residual) {
            details += " residual=\(ExpressionPrinter.text(residual, names: names))"
        }

        if !hashJoinBuildsLeft(left, right, type) {
            let join = HashJoinOperator(
                probe: leftOperator, build: rightOperator, type: type, probeKeys: keys.leftKeys, buildKeys: keys.rightKeys,
                residual: ExpressionRewriting.conjunction(keys.residual))
            if keys.residual.isEmpty, let readColumns {
                join.unreadColumns = Set(0..<(leftCount + right.columnCount)).subtracting(readColumns)
            }
            let line = "HashJoin type=\(type) \(details) build=right \(rows)"
            return (join, ExplainNode(line: line, children: [leftExplain, rightExplain]))
        }

        // Build on the left: the operator outputs right columns first, so the residual is
        // renumbered for that layout and a projection restores left-then-right order.
        let rightCount = right.columnCount
        let swappedResidual = ExpressionRewriting.conjunction(keys.residual).map { residual in
            ExpressionRewriting.transform(residual) { node in
                guard case .column(let index, let type) = node else { return nil }
                return .column(index: index < leftCount ? index + rightCount : index - leftCount, type: type)
            }
        }
        let swappedType: JoinType
        switch type {
        case .left: swappedType = .right
        case .right: swappedType = .left
        default: swappedType = type
        }
        let join = HashJoinOperator(
            probe: rightOperator, build: leftOperator, type: swappedType, probeKeys: keys.rightKeys,
            buildKeys: keys.leftKeys, residual: swappedResidual)
        if keys.residual.isEmpty, let readColumns {
            // The operator outputs the right input's columns first.
            let rightCount = right.columnCount
            join.unreadColumns = Set((0..<(leftCount + rightCount)).filter { position in
                !readColumns.contains(position < rightCount ? leftCount + position : position - rightCount)
            })
        }
        let types = left.outputTypes + right.outputTypes
        let reorder = types.indices.map { index -> BoundExpression in
            let source = index < leftCount ? index + rightCount : index - leftCount
            return .column(index: source, type: types[index])
        }
        let line = "HashJoin type=\(type) \(details) build=left \(rows)"
        return (
            ProjectionOperator(child: join, expressions: reorder),
            ExplainNode(line: line, children: [leftExplain, rightExplain])
        )
    }

    private static func describe(_ keys: [SortKey], names: [String]) -> String {
        keys.map { key in
            ExpressionPrinter.text(key.expression, names: names) + (key.ascending ? " ASC" : " DESC")
                + (key.nullsFirst ? " NULLS FIRST" : " NULLS LAST")
        }.joined(separator: ", ")
    }

    private static func describe(_ predicate: ZoneMapPredicate, names: [String]) -> String {
        let name = predicate.column < names.count ? names[predicate.column] : "#\(predicate.column)"
        let value = ExpressionPrinter.text(.constant(predicate.value, type: predicate.value.naturalType), names: [])
        switch predicate.comparison {
        case .equal: return "\(name) = \(value)"
        case .less: return "\(name) < \(value)"
        case .lessOrEqual: return "\(name) <= \(value)"
        case .greater: return "\(name) > \(value)"
        case .greaterOrEqual: return "\(name) >= \(value)"
        case .isNull: return "\(name) IS NULL"
        case .isNotNull: return "\(name) IS NOT NULL"
        }
    }

    /// Returns the input columns an aggregation reads: its keys, arguments and filters.
    static func columnsRead(_ keys: [BoundExpression], _ aggregates: [BoundAggregate]) -> Set<Int> {
        let expressions = keys + ExpressionRewriting.inputs(of: aggregates)
        return Set(expressions.flatMap(ExpressionRewriting.columnsUsed))
    }
}
