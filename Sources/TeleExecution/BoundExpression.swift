// Expressions after binding: every name resolved to a column position, every type known,
// every implicit conversion made an explicit cast. The planner builds them; the evaluator
// runs them over a DataChunk one vector at a time.

import TeleCore

public indirect enum BoundExpression: Sendable {
    /// Column `index` of the input chunk.
    case column(index: Int, type: DataType)
    case constant(Value, type: DataType)
    /// A value of the enclosing query's current row in a correlated subquery. The subquery's
    /// plan is instantiated per outer row with these slots filled in (see `BoundSubquery`).
    case outerReference(slot: Int, type: DataType)
    case cast(BoundExpression, to: DataType)
    /// Arithmetic, comparisons, `||`, and every named scalar function, resolved through
    /// `ScalarFunctionRegistry` to an implementation with known argument and result types.
    case function(ScalarFunction, arguments: [BoundExpression])
    /// Three-valued AND / OR over any number of operands.
    case and([BoundExpression])
    case or([BoundExpression])
    case not(BoundExpression)
    case isNull(BoundExpression, negated: Bool)
    /// `a IS [NOT] DISTINCT FROM b`: equality where NULL equals NULL.
    case isDistinctFrom(BoundExpression, BoundExpression, negated: Bool)
    /// Searched CASE; a simple CASE is rewritten to comparisons by the binder.
    case caseWhen(branches: [(condition: BoundExpression, result: BoundExpression)], elseResult: BoundExpression,
                  type: DataType)
    /// `operand IN (list)` with SQL's NULL rules: NULL when no element matches and either the
    /// operand or an element is NULL.
    case inList(BoundExpression, list: [BoundExpression], negated: Bool)
    case like(BoundExpression, pattern: BoundExpression, caseInsensitive: Bool, negated: Bool, escape: UInt8?)
    case coalesce([BoundExpression], type: DataType)
    case subquery(BoundSubquery)

    public var type: DataType {
        switch self {
        case .column(_, let type), .constant(_, let type), .outerReference(_, let type), .cast(_, let type):
            return type
        case .function(let function, _): return function.returnType
        case .and, .or, .not, .isNull, .isDistinctFrom, .inList, .like: return .boolean
        case .caseWhen(_, _, let type), .coalesce(_, let type): return type
        case .subquery(let subquery): return subquery.type
        }
    }
}

/// A scalar function resolved for particular argument types.
///
/// `kernel` runs once per vector: it receives the argument vectors (already cast to
/// `argumentTypes`) and the row count, and returns a vector of `returnType`.
public struct ScalarFunction: Sendable {
    public var name: String
    public var argumentTypes: [DataType]
    public var returnType: DataType
    /// True when the same arguments always give the same result, so constant folding may
    /// run it at plan time (false for random(), now()).
    public var isDeterministic: Bool
    public var kernel: @Sendable (_ arguments: [Vector], _ count: Int) throws -> Vector

    public init(name: String, argumentTypes: [DataType], returnType: DataType, isDeterministic: Bool = true,
                kernel: @escaping @Sendable ([Vector], Int) throws -> Vector) {
        self.name = name
        self.argumentTypes = argumentTypes
        self.returnType = returnType
        self.isDeterministic = isDeterministic
        self.kernel = kernel
    }
}

/// A subquery inside an expression.
public struct BoundSubquery: Sendable {
    public enum Kind: Sendable {
        /// One column, at most one row; no row gives NULL, several rows are an error (21000).
        case scalar
        /// `EXISTS (...)`, or `NOT EXISTS` when negated.
        case exists(negated: Bool)
        /// `operand [NOT] IN (subquery)` with the NULL rules of an IN list.
        case inSubquery(operand: BoundExpression, negated: Bool)
    }

    public var kind: Kind
    /// The type of a scalar subquery's column; BOOLEAN for EXISTS and IN.
    public var type: DataType
    /// Expressions over the outer row that fill the subquery's outer-reference slots, in slot
    /// order. Empty for an uncorrelated subquery, whose result is computed once.
    public var correlatedValues: [BoundExpression]
    /// Builds the subquery's operator tree with the outer-reference slots set to `outerValues`.
    public var makePlan: @Sendable (_ outerValues: [Value]) throws -> any PhysicalOperator
    /// The subquery's plan for EXPLAIN.
    public var explain: String

    public init(kind: Kind, type: DataType, correlatedValues: [BoundExpression],
                makePlan: @escaping @Sendable ([Value]) throws -> any PhysicalOperator, explain: String) {
        self.kind = kind
        self.type = type
        self.correlatedValues = correlatedValues
        self.makePlan = makePlan
        self.explain = explain
    }
}
