// The abstract syntax tree the parser produces and the binder consumes.
//
// The tree mirrors SQL text closely and resolves nothing: names are plain strings, types are
// names, and every expression carries the source position of its first token so that binder
// errors can point at it.

import TeleCore

/// One SQL statement.
public indirect enum Statement: Sendable, Equatable {
    case select(SelectStatement)
    case createTable(CreateTable)
    case createTableAs(name: String, ifNotExists: Bool, query: SelectStatement)
    case dropTable(names: [String], ifExists: Bool)
    case createView(name: String, orReplace: Bool, ifNotExists: Bool, columns: [String], query: SelectStatement)
    case dropView(names: [String], ifExists: Bool)
    /// `CREATE MATERIALIZED VIEW [IF NOT EXISTS] name AS query`.
    case createMaterializedView(name: String, ifNotExists: Bool, query: SelectStatement)
    case dropMaterializedView(names: [String], ifExists: Bool)
    case refreshMaterializedView(name: String)
    case createIndex(name: String, ifNotExists: Bool, table: String, columns: [String], unique: Bool)
    case dropIndex(name: String, ifExists: Bool)
    case insert(Insert)
    case update(Update)
    case delete(table: String, alias: String?, whereClause: Expression?)
    /// `EXPLAIN [ANALYZE] statement`.
    case explain(statement: Statement, analyze: Bool)
    case showTables
    /// `DESCRIBE table` or `DESCRIBE SELECT ...`.
    case describe(table: String)
    case describeQuery(SelectStatement)
    /// `COPY table FROM 'path' (option value, ...)`; option names are lower-cased.
    case copyFrom(table: String, path: String, options: [CopyOption])
    case begin
    case commit
    case rollback
    /// `SET name = value` / `SET name TO value`.
    case set(name: String, value: Expression)
    case show(name: String)
    /// DISCARD, a savepoint statement, or SET TRANSACTION without an isolation level.
    case sessionCommand(SessionCommand)
    /// `LISTEN channel`: deliver the channel's notifications to this session.
    case listen(channel: String)
    /// `UNLISTEN channel`, or `UNLISTEN *` (a nil channel) for every channel.
    case unlisten(channel: String?)
    /// `NOTIFY channel [, 'payload']`.
    case notify(channel: String, payload: String?)
    /// `DECLARE name CURSOR [WITH HOLD] FOR query`.
    case declareCursor(name: String, hold: Bool, query: SelectStatement)
    /// `FETCH count FROM name`; a nil count is `FETCH ALL`.
    case fetch(cursor: String, count: Int64?)
    /// `CLOSE name`, or `CLOSE ALL` (a nil name).
    case closeCursor(name: String?)
    /// `RESET name`, or `RESET ALL` (a nil name).
    case reset(name: String?)
    /// CREATE, ALTER or DROP USER (or ROLE).
    case user(UserStatement)
}

public struct CopyOption: Sendable, Equatable {
    public var name: String
    /// nil for a flag written without a value, such as `(DEDUPE)`.
    public var value: Expression?

    public init(name: String, value: Expression?) {
        self.name = name
        self.value = value
    }
}

public struct CreateTable: Sendable, Equatable {
    public var name: String
    public var ifNotExists: Bool
    public var columns: [ColumnDefinition]
    /// Columns named by a table-level `PRIMARY KEY (...)` clause, or by the first table-level
    /// `UNIQUE (...)` clause when the table has no primary key.
    public var primaryKey: [String]
    /// Column lists of every table-level `UNIQUE (...)` clause, in order of appearance.
    public var uniqueKeys: [[String]]

    public init(name: String, ifNotExists: Bool, columns: [ColumnDefinition], primaryKey: [String] = [],
                uniqueKeys: [[String]] = []) {
        self.name = name
        self.ifNotExists = ifNotExists
        self.columns = columns
        self.primaryKey = primaryKey
        self.uniqueKeys = uniqueKeys
    }
}

public struct ColumnDefinition: Sendable, Equatable {
    public var name: String
    public var typeName: TypeName
    public var notNull: Bool
    public var primaryKey: Bool
    public var defaultValue: Expression?
    /// The `DEFAULT` expression as written, which the catalog stores and parses again at
    /// each INSERT.
    public var defaultText: String?
    /// Set by a column-level `UNIQUE` constraint.
    public var unique: Bool

    public init(name: String, typeName: TypeName, notNull: Bool = false, primaryKey: Bool = false,
                defaultValue: Expression? = nil, defaultText: String? = nil, unique: Bool = false) {
        self.name = name
        self.typeName = typeName
        self.notNull = notNull
        self.primaryKey = primaryKey
        self.defaultValue = defaultValue
        self.defaultText = defaultText
        self.unique = unique
    }
}

/// A type as written, such as `VARCHAR(20)` or `DOUBLE PRECISION`; the binder resolves it.
public struct TypeName: Sendable, Equatable, CustomStringConvertible {
    /// Lower-cased words of the name joined by one space (`double precision`).
    public var name: String
    /// Modifiers in parentheses, such as the 20 of `VARCHAR(20)`; TeleDB ignores them.
    public var modifiers: [Int64]
    public var position: SourcePosition

    public init(name: String, modifiers: [Int64] = [], position: SourcePosition) {
        self.name = name
        self.modifiers = modifiers
        self.position = position
    }

    public var description: String {
        modifiers.isEmpty ? name : name + "(" + modifiers.map(String.init).joined(separator: ",") + ")"
    }
}

public struct Insert: Sendable, Equatable {
    public var table: String
    /// Target columns; empty means all columns in table order.
    public var columns: [String]
    public var source: InsertSource
    /// The VALUES entries written `DEFAULT`, which `source` contains as NULL literals.
    public var defaultSlots: Set<ValuesSlot>

    public init(table: String, columns: [String], source: InsertSource, defaultSlots: Set<ValuesSlot> = []) {
        self.table = table
        self.columns = columns
        self.source = source
        self.defaultSlots = defaultSlots
    }
}

/// One entry of a VALUES list: the row and the column within it, both counted from 0.
public struct ValuesSlot: Sendable, Hashable {
    public var row: Int
    public var column: Int

    public init(row: Int, column: Int) {
        self.row = row
        self.column = column
    }
}

public enum InsertSource: Sendable, Equatable {
    case values([[Expression]])
    case query(SelectStatement)
    case defaultValues
}

public struct Update: Sendable, Equatable {
    public var table: String
    public var alias: String?
    public var assignments: [(column: String, value: Expression)]
    public var whereClause: Expression?

    public init(table: String, alias: String?, assignments: [(column: String, value: Expression)],
                whereClause: Expression?) {
        self.table = table
        self.alias = alias
        self.assignments = assignments
        self.whereClause = whereClause
    }

    public static func == (lhs: Update, rhs: Update) -> Bool {
        lhs.table == rhs.table && lhs.alias == rhs.alias && lhs.whereClause == rhs.whereClause
            && lhs.assignments.map(\.column) == rhs.assignments.map(\.column)
            && lhs.assignments.map(\.value) == rhs.assignments.map(\.value)
    }
}

/// A full query: optional WITH, a body of set operations, ORDER BY, LIMIT and OFFSET.
public struct SelectStatement: Sendable, Equatable {
    public var with: [CommonTableExpression]
    public var body: QueryBody
    public var orderBy: [OrderItem]
    public var limit: Expression?
    public var offset: Expression?
    /// `SELECT ... WITH ERROR`: add 95% confidence bounds for the sampled estimates.
    public var withError = false

    public init(with: [CommonTableExpression] = [], body: QueryBody, orderBy: [OrderItem] = [],
                limit: Expression? = nil, offset: Expression? = nil) {
        self.with = with
        self.body = body
        self.orderBy = orderBy
        self.limit = limit
        self.offset = offset
    }
}

public struct CommonTableExpression: Sendable, Equatable {
    public var name: String
    public var columns: [String]
    public var query: SelectStatement
    /// Set for every CTE of `WITH RECURSIVE`; the binder treats one as recursive when its
    /// query is `base UNION [ALL] step` and `step` reads the CTE itself.
    public var isRecursive = false

    public init(name: String, columns: [String], query: SelectStatement) {
        self.name = name
        self.columns = columns
        self.query = query
    }
}

public indirect enum QueryBody: Sendable, Equatable {
    case select(SelectCore)
    /// `VALUES (...), (...)` used as a query.
    case values([[Expression]])
    case setOperation(op: SetOperator, all: Bool, left: QueryBody, right: QueryBody)
    /// A parenthesized query with its own ORDER BY / LIMIT.
    case nested(SelectStatement)
}

public enum SetOperator: String, Sendable, Equatable {
    case union = "UNION"
    case intersect = "INTERSECT"
    case except = "EXCEPT"
}

/// `SELECT [DISTINCT] items FROM ... WHERE ... GROUP BY ... HAVING ...`.
public struct SelectCore: Sendable, Equatable {
    public var distinct: Bool
    public var items: [SelectItem]
    public var from: [TableReference]
    public var whereClause: Expression?
    public var groupBy: GroupBy
    public var having: Expression?

    public init(distinct: Bool = false, items: [SelectItem], from: [TableReference] = [],
                whereClause: Expression? = nil, groupBy: GroupBy = .none, having: Expression? = nil) {
        self.distinct = distinct
        self.items = items
        self.from = from
        self.whereClause = whereClause
        self.groupBy = groupBy
        self.having = having
    }
}

public enum GroupBy: Sendable, Equatable {
    case none
    /// `GROUP BY ALL`: group by every select item that contains no aggregate.
    case all
    case expressions([Expression])
}

public enum SelectItem: Sendable, Equatable {
    /// `*` or `table.*`.
    case wildcard(table: String?, position: SourcePosition)
    case expression(Expression, alias: String?)
}

public struct OrderItem: Sendable, Equatable {
    public var expression: Expression
    public var ascending: Bool
    /// nil means the default: NULLs sort as larger than every value (last when ascending),
    /// as in PostgreSQL.
    public var nullsFirst: Bool?

    public init(expression: Expression, ascending: Bool = true, nullsFirst: Bool? = nil) {
        self.expression = expression
        self.ascending = ascending
        self.nullsFirst = nullsFirst
    }
}

public indirect enum TableReference: Sendable, Equatable {
    case table(name: String, alias: String?, position: SourcePosition)
    case subquery(SelectStatement, alias: String?, columnAliases: [String])
    /// A table function in FROM, such as `histogram_buckets(h)`.
    case function(name: String, arguments: [Expression], alias: String?, position: SourcePosition)
    case join(kind: JoinKind, left: TableReference, right: TableReference, condition: JoinCondition)
    /// A table with a `SAMPLE` clause, such as `pings SAMPLE 10 PERCENT BY client_id`.
    case sampled(TableReference, SampleClause)
}

public enum JoinKind: String, Sendable, Equatable {
    case inner = "INNER"
    case left = "LEFT"
    case right = "RIGHT"
    case full = "FULL"
    case cross = "CROSS"
}

public enum JoinCondition: Sendable, Equatable {
    case none
    case on(Expression)
    case using([String])
    case natural
}

/// An expression node with the position of its first token.
public struct Expression: Sendable, Equatable {
    public var kind: ExpressionKind
    public var position: SourcePosition

    public init(_ kind: ExpressionKind, at position: SourcePosition) {
        self.kind = kind
        self.position = position
    }

    /// Compares trees by structure, ignoring positions.
    public static func == (lhs: Expression, rhs: Expression) -> Bool { lhs.kind == rhs.kind }
}

public indirect enum ExpressionKind: Sendable, Equatable {
    case literal(Literal)
    /// `a`, `t.a` (and `schema.t.a`, kept as three parts).
    case column(parts: [String])
    /// `$1` in the extended protocol.
    case parameter(Int)
    case unary(op: UnaryOperator, operand: Expression)
    case binary(op: BinaryOperator, left: Expression, right: Expression)
    /// `f(args)`, `count(*)` (star = true), `count(DISTINCT x)`, with an optional
    /// `WITHIN GROUP (ORDER BY ...)` and `FILTER (WHERE ...)`.
    case function(FunctionCall)
    case cast(operand: Expression, type: TypeName)
    /// `CASE [operand] WHEN ... THEN ... [ELSE ...] END`.
    case caseWhen(operand: Expression?, branches: [(condition: Expression, result: Expression)], elseResult: Expression?)
    case isNull(operand: Expression, negated: Bool)
    /// `a IS [NOT] DISTINCT FROM b`.
    case isDistinctFrom(left: Expression, right: Expression, negated: Bool)
    /// `a IS [NOT] TRUE/FALSE/UNKNOWN`.
    case isTruth(operand: Expression, value: Bool?, negated: Bool)
    case between(operand: Expression, low: Expression, high: Expression, negated: Bool)
    case inList(operand: Expression, list: [Expression], negated: Bool)
    case inSubquery(operand: Expression, query: SelectStatement, negated: Bool)
    /// `LIKE`, `ILIKE`, with an optional `ESCAPE` character.
    case like(operand: Expression, pattern: Expression, caseInsensitive: Bool, negated: Bool, escape: Expression?)
    case exists(query: SelectStatement, negated: Bool)
    case scalarSubquery(SelectStatement)
    /// `ARRAY[a, b, c]`.
    case array([Expression])
    /// `INTERVAL '1 day'` keeps its text; the binder parses it.
    case interval(text: String, unit: String?)
    /// `EXTRACT(field FROM source)`.
    case extract(field: String, source: Expression)
    /// The `*` of `count(*)` when written as an argument; only the binder gives it meaning.
    case star

    public static func == (lhs: ExpressionKind, rhs: ExpressionKind) -> Bool {
        String(describing: lhs) == String(describing: rhs)
    }
}

public struct FunctionCall: Sendable, Equatable {
    /// Lower-cased name.
    public var name: String
    public var arguments: [Expression]
    public var distinct: Bool
    /// `count(*)`.
    public var star: Bool
    public var withinGroup: [OrderItem]
    public var filter: Expression?
    /// `ORDER BY` inside the argument list, as in `array_agg(x ORDER BY y)`.
    public var orderBy: [OrderItem] = []

    public init(name: String, arguments: [Expression], distinct: Bool = false, star: Bool = false,
                withinGroup: [OrderItem] = [], filter: Expression? = nil) {
        self.name = name
        self.arguments = arguments
        self.distinct = distinct
        self.star = star
        self.withinGroup = withinGroup
        self.filter = filter
    }
}

public enum Literal: Sendable, Equatable {
    case null
    case boolean(Bool)
    case integer(Int64)
    /// A numeric literal with a fraction or exponent, or an integer too large for Int64,
    /// kept as written so the binder can choose its type.
    case number(String)
    case string(String)
    /// `DATE '2024-01-01'`, `TIMESTAMP '...'`: a type name followed by a string.
    case typed(type: TypeName, text: String)
}

public enum UnaryOperator: String, Sendable, Equatable {
    case not = "NOT"
    case minus = "-"
    case plus = "+"
}

public enum BinaryOperator: String, Sendable, Equatable {
    case or = "OR"
    case and = "AND"
    case equal = "="
    case notEqual = "<>"
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case modulo = "%"
    case concat = "||"
    /// PostgreSQL's regular-expression match operators `~`, `~*`, `!~`, `!~*`.
    case regexMatch = "~"
    case regexMatchInsensitive = "~*"
    case regexNotMatch = "!~"
    case regexNotMatchInsensitive = "!~*"
}
