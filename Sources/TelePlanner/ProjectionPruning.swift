// Projection pruning: every node keeps only the columns something above it reads, so that
// scans decode only the columns a query uses.
//
//   Projection [a]                      Projection [a]
//     Filter (b > 1)                ->    Filter (b > 1)
//       Scan t columns=[a, b, c, d]         Scan t columns=[a, b]
//
// `prune` returns the new plan and where each kept column moved, so the parent can
// renumber its expressions.

import TeleCore
import TeleExecution

enum ProjectionPruning {
    static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        prune(plan, required: Set(0..<plan.columnCount)).plan
    }

    private static func used(_ expressions: [BoundExpression]) -> Set<Int> {
        expressions.reduce(into: Set<Int>()) { $0.formUnion(ExpressionRewriting.columnsUsed($1)) }
    }

    private static func identity(_ count: Int) -> [Int: Int] {
        Dictionary(uniqueKeysWithValues: (0..<count).map { ($0, $0) })
    }

    private static func remapKeys(_ keys: [SortKey], _ mapping: [Int: Int]) -> [SortKey] {
        keys.map {
            SortKey(expression: ExpressionRewriting.remap($0.expression, mapping), ascending: $0.ascending, nullsFirst: $0.nullsFirst)
        }
    }

    static func prune(_ plan: LogicalPlan, required: Set<Int>) -> (plan: LogicalPlan, mapping: [Int: Int]) {
        switch plan {
        case .scan(var scan):
            var keep = required.union(used(scan.filters)).sorted()
            // A scan with no columns would lose its row count; keep the first column.
            if keep.isEmpty && !scan.columns.isEmpty { keep = [0] }
            let mapping = Dictionary(uniqueKeysWithValues: keep.enumerated().map { ($0.element, $0.offset) })
            scan.columns = keep.map { scan.columns[$0] }
            scan.filters = scan.filters.map { ExpressionRewriting.remap($0, mapping) }
            return (.scan(scan), mapping)

        case .values:
            return (plan, identity(plan.columnCount))

        case .filter(let input, let predicate):
            let (child, mapping) = prune(input, required: required.union(ExpressionRewriting.columnsUsed(predicate)))
            return (.filter(child, predicate: ExpressionRewriting.remap(predicate, mapping)), mapping)

        case .projection(let input, let expressions, let names):
            var keep = required.sorted()
            if keep.isEmpty && !expressions.isEmpty { keep = [0] }
            let kept = keep.map { expressions[$0] }
            let (child, childMapping) = prune(input, required: used(kept))
            let mapping = Dictionary(uniqueKeysWithValues: keep.enumerated().map { ($0.element, $0.offset) })
            let projection = LogicalPlan.projection(
                child, expressions: kept.map { ExpressionRewriting.remap($0, childMapping) }, names: keep.map { names[$0] })
            return (projection, mapping)

        case .aggregate(let input, let keys, let aggregates):
            let inputs = keys + ExpressionRewriting.inputs(of: aggregates)
            let (child, childMapping) = prune(input, required: used(inputs))
            let remapped = aggregates.map { aggregate in
                BoundAggregate(
                    function: aggregate.function,
                    arguments: aggregate.arguments.map { ExpressionRewriting.remap($0, childMapping) },
                    distinct: aggregate.distinct,
                    filter: aggregate.filter.map { ExpressionRewriting.remap($0, childMapping) })
            }
            let aggregate = LogicalPlan.aggregate(
                child, keys: keys.map { ExpressionRewriting.remap($0, childMapping) }, aggregates: remapped)
            return (aggregate, identity(plan.columnCount))

        case .join(let left, let right, let type, let condition):
            return pruneJoin(left, right, type, condition, required: required)

        case .sort(let input, let keys):
            let (child, mapping) = prune(input, required: required.union(used(keys.map(\.expression))))
            return (.sort(child, keys: remapKeys(keys, mapping)), mapping)

        case .limit(let input, let limit, let offset):
            let (child, mapping) = prune(input, required: required)
            return (.limit(child, limit: limit, offset: offset), mapping)

        case .topN(let input, let keys, let limit, let offset):
            let (child, mapping) = prune(input, required: required.union(used(keys.map(\.expression))))
            return (.topN(child, keys: remapKeys(keys, mapping), limit: limit, offset: offset), mapping)

        case .tableFunction(let input, let function, let argument):
            // Input columns keep their positions so the function's columns follow them.
            let (child, mapping) = prune(input, required: Set(0..<input.columnCount))
            let node = LogicalPlan.tableFunction(child, function: function, argument: ExpressionRewriting.remap(argument, mapping))
            return (node, identity(plan.columnCount))

        case .distinct, .setOperation, .unionAll:
            // Every column takes part in the row comparison, so all of them stay.
            let children = plan.inputs.map { prune($0, required: Set(0..<$0.columnCount)).plan }
            return (plan.replacingInputs(children), identity(plan.columnCount))
        }
    }

    private static func pruneJoin(
        _ left: LogicalPlan, _ right: LogicalPlan, _ type: JoinType, _ condition: BoundExpression?, required: Set<Int>
    ) -> (plan: LogicalPlan, mapping: [Int: Int]) {
        let leftCount = left.columnCount
        let needed = required.union(condition.map(ExpressionRewriting.columnsUsed) ?? [])
        let (newLeft, leftMapping) = prune(left, required: Set(needed.filter { $0 < leftCount }))
        let (newRight, rightMapping) = prune(right, required: Set(needed.filter { $0 >= leftCount }.map { $0 - leftCount }))
        let newLeftCount = newLeft.columnCount
        var mapping = leftMapping
        for (old, new) in rightMapping { mapping[old + leftCount] = new + newLeftCount }
        let join = LogicalPlan.join(
            newLeft, newRight, type: type, condition: condition.map { ExpressionRewriting.remap($0, mapping) })
        if type == .semi || type == .anti { return (join, leftMapping) }
        return (join, mapping)
    }
}
