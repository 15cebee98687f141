// Physical plans that run on several threads.
//
// A GROUP BY over a chain of filters, projections and hash joins on one table scan runs on
// up to `Parallelism.threads` workers, at most one per row group of that table. Each worker
// gets its own copy of the chain, and the copies' scans take row groups from one shared
// dispenser. Joins split their probe side only: each worker reads the whole build side and
// builds its own hash table, which repeats that work but shares nothing between threads.
// Plans whose expressions contain subqueries stay serial, because a subquery's operators
// are not shared between threads. So do DISTINCT aggregates, whose seen-values indexes do
// not merge, and aggregates whose result follows the input order.

import TeleCore
import TeleExecution

extension PhysicalPlanner {
    static func buildInput(
        _ plan: LogicalPlan, _ sharedRowGroups: RowGroupDispenser?, readColumns: Set<Int>? = nil
    ) throws -> (operator: any PhysicalOperator, explain: ExplainNode) {
        guard let sharedRowGroups else { return try build(plan, readColumns: readColumns) }
        return try buildNode(plan, sharedRowGroups: sharedRowGroups, readColumns: readColumns)
    }

    /// Returns a parallel aggregate, or nil when the aggregate should run on one thread.
    static func buildParallelAggregate(
        _ input: LogicalPlan, _ keys: [BoundExpression], _ aggregates: [BoundAggregate], line: String, rows: String
    ) throws -> (operator: any PhysicalOperator, explain: ExplainNode)? {
        guard let scan = splittableScan(input) else { return nil }
        let workers = min(Parallelism.threads, scan.table.rowGroups.count)
        guard workers >= 2 else { return nil }
        let orderSensitive = ParallelHashAggregateOperator.orderSensitiveAggregates
        guard !aggregates.contains(where: { $0.distinct || orderSensitive.contains($0.function.name) }) else {
            return nil
        }
        let expressions = keys + ExpressionRewriting.inputs(of: aggregates)
        guard !expressions.contains(where: ExpressionRewriting.containsSubquery) else { return nil }

        let dispenser = RowGroupDispenser()
        var inputs: [any PhysicalOperator] = []
        var inputExplain = ExplainNode(line: "")
        for _ in 0..<workers {
            let built = try buildNode(input, sharedRowGroups: dispenser, readColumns: columnsRead(keys, aggregates))
            inputs.append(built.operator)
            inputExplain = built.explain
        }
        let parallel = ParallelHashAggregateOperator(
            inputs: inputs, groupKeys: keys, aggregates: aggregates,
            sampleRows: scan.table.rowGroups.first?.rowCount ?? 1)
        return (parallel, ExplainNode(line: "\(line) workers=\(workers) \(rows)", children: [inputExplain]))
    }

    /// Returns the scan under the probe side of a hash join whose workers can each build the
    /// whole table. The join must not return unmatched build rows, because no single
    /// worker's table records which build rows the other workers matched.
    private static func splittableProbeScan(
        _ left: LogicalPlan, _ right: LogicalPlan, _ type: JoinType, _ condition: BoundExpression?
    ) -> ScanNode? {
        guard let condition, !ExpressionRewriting.containsSubquery(condition),
            !JoinKeys.split(condition, leftCount: left.columnCount).leftKeys.isEmpty
        else { return nil }
        let buildsLeft = hashJoinBuildsLeft(left, right, type)
        switch (type, buildsLeft) {
        case (.inner, _), (.left, false), (.right, true), (.semi, false), (.anti, false): break
        default: return nil
        }
        let buildSide = buildsLeft ? left : right
        guard !containsSubqueryOrSample(buildSide) else { return nil }
        return splittableScan(buildsLeft ? right : left)
    }

    /// True when a subtree has a subquery or a row sample, which a worker's copy of the
    /// build side must not repeat (a row sample draws from a sequence of its own).
    private static func containsSubqueryOrSample(_ plan: LogicalPlan) -> Bool {
        var found = false
        _ = plan.rewriteBottomUp { node in
            if case .scan(let scan) = node, scan.rowSample != nil { found = true }
            if ownExpressions(node).contains(where: ExpressionRewriting.containsSubquery) { found = true }
            return nil
        }
        return found
    }

    /// Returns the scan under a chain of filters, projections and joins whose expressions
    /// contain no subquery, or nil when the chain has any other node.
    private static func splittableScan(_ plan: LogicalPlan) -> ScanNode? {
        switch plan {
        case .scan(let scan):
            guard scan.rowSample == nil, !scan.filters.contains(where: ExpressionRewriting.containsSubquery) else { return nil }
            return scan
        case .filter(let input, let predicate):
            return ExpressionRewriting.containsSubquery(predicate) ? nil : splittableScan(input)
        case .projection(let input, let expressions, _):
            return expressions.contains(where: ExpressionRewriting.containsSubquery) ? nil : splittableScan(input)
        case .join(let left, let right, let type, let condition):
            return splittableProbeScan(left, right, type, condition)
        default:
            return nil
        }
    }
}
