// The logical plan: the relational operators a query needs, before the optimizer rewrites
// them and the physical planner picks operators.
//
// Every node produces an ordered list of columns. Expressions inside a node refer to the
// columns of its input by position (`BoundExpression.column(index:)`). A join's condition
// refers to the left columns followed by the right columns.

import TeleCore
import TeleExecution
import TeleStorage

/// A table read, with the filters and zone-map predicates the optimizer pushed into it.
struct ScanNode: Sendable {
    var tableName: String
    var table: TableData
    /// Table column positions read, in output order.
    var columns: [Int]
    /// Conjuncts over the output columns.
    var filters: [BoundExpression] = []
    var zoneMapPredicates: [ZoneMapPredicate] = []
    /// A row sample chosen by position; the scan then applies its filters after sampling.
    var rowSample: RowSample?
}

indirect enum LogicalPlan: Sendable {
    case scan(ScanNode)
    /// Rows of expressions without column references; zero columns gives `SELECT 1`'s input.
    case values(types: [DataType], rows: [[BoundExpression]])
    case filter(LogicalPlan, predicate: BoundExpression)
    case projection(LogicalPlan, expressions: [BoundExpression], names: [String])
    /// Output: the keys, then one column per aggregate.
    case aggregate(LogicalPlan, keys: [BoundExpression], aggregates: [BoundAggregate])
    /// `condition` nil is a cross join. Semi and anti joins output only the left columns.
    case join(LogicalPlan, LogicalPlan, type: JoinType, condition: BoundExpression?)
    case sort(LogicalPlan, keys: [SortKey])
    case limit(LogicalPlan, limit: Int?, offset: Int)
    case topN(LogicalPlan, keys: [SortKey], limit: Int, offset: Int)
    case distinct(LogicalPlan)
    case setOperation(LogicalPlan, LogicalPlan, kind: SetOperationKind, all: Bool)
    case unionAll([LogicalPlan])
    /// Output: the input columns, then the function's columns, once per generated row.
    /// `argument` is evaluated over the input's columns.
    case tableFunction(LogicalPlan, function: TableFunction, argument: BoundExpression)

    var outputTypes: [DataType] {
        switch self {
        case .scan(let scan): return scan.columns.map { scan.table.schema.columns[$0].type }
        case .values(let types, _): return types
        case .filter(let input, _), .sort(let input, _), .limit(let input, _, _), .topN(let input, _, _, _),
            .distinct(let input):
            return input.outputTypes
        case .projection(_, let expressions, _): return expressions.map(\.type)
        case .aggregate(_, let keys, let aggregates):
            return keys.map(\.type) + aggregates.map(\.function.returnType)
        case .join(let left, let right, let type, _):
            if type == .semi || type == .anti { return left.outputTypes }
            return left.outputTypes + right.outputTypes
        case .setOperation(let left, _, _, _): return left.outputTypes
        case .unionAll(let inputs): return inputs.first?.outputTypes ?? []
        case .tableFunction(let input, let function, _): return input.outputTypes + function.columnTypes
        }
    }

    var columnCount: Int { outputTypes.count }

    /// Column names for EXPLAIN, derived from the scans and projections below.
    var outputNames: [String] {
        switch self {
        case .scan(let scan): return scan.columns.map { scan.table.schema.columns[$0].name }
        case .values(let types, _): return types.indices.map { "column\($0 + 1)" }
        case .filter(let input, _), .sort(let input, _), .limit(let input, _, _), .topN(let input, _, _, _),
            .distinct(let input):
            return input.outputNames
        case .projection(_, _, let names): return names
        case .aggregate(let input, let keys, let aggregates):
            let inputNames = input.outputNames
            return keys.map { ExpressionPrinter.text($0, names: inputNames) }
                + aggregates.map { ExpressionPrinter.text($0, names: inputNames) }
        case .join(let left, let right, let type, _):
            if type == .semi || type == .anti { return left.outputNames }
            return left.outputNames + right.outputNames
        case .setOperation(let left, _, _, _): return left.outputNames
        case .unionAll(let inputs): return inputs.first?.outputNames ?? []
        case .tableFunction(let input, let function, _): return input.outputNames + function.columnNames
        }
    }
}
