// Binding of the catalog's object-identifier types and of arrays written as text.
//
// `regclass`, `regtype` and `regnamespace` are not types of their own. A string cast to one
// (`'pings'::regclass`) becomes the object's OID as a BIGINT, and an OID cast to one
// (`c.oid::regclass`) becomes the object's name as text, which is what clients do with them.
// Arrays are text in PostgreSQL's output form (`{a,b}`), so `x = ANY (array)` becomes an IN
// list for `ARRAY[...]`, an IN subquery for a subquery, and pg_array_contains() otherwise.

import TeleCore
import TeleExecution
import TeleSyntax

extension BindContext {
    /// Returns the TeleDB type that represents a catalog type name, or nil for other names.
    static func catalogType(named name: String) -> DataType? {
        if name.hasSuffix("[]") { return .varchar }
        switch name {
        case "oid", "xid", "cid", "xid8", "regclass", "regtype", "regproc", "regprocedure", "regnamespace", "regrole",
            "regoper", "regconfig":
            return .bigint
        case "name", "json", "jsonb", "int2vector", "oidvector", "anyarray", "pg_node_tree", "aclitem", "unknown",
            "bytea":
            return .varchar
        default:
            return nil
        }
    }

    /// Binds a cast to regclass, regtype or regnamespace, or returns nil for other targets.
    ///
    /// - Throws: `TeleError` 42P01 or 42704 when a string names no relation or type.
    func bindCatalogCast(_ operand: Expression, typeName: TypeName) throws -> BoundExpression? {
        let target = typeName.name
        guard ["regclass", "regtype", "regnamespace", "regproc", "regprocedure", "regrole"].contains(target) else {
            return nil
        }
        let bound = ConstantFolding.fold(try bind(operand))
        if case .constant(.string(let name), _) = bound {
            return .constant(.integer(try lookUpOID(name, kind: target, position: operand.position)), type: .bigint)
        }
        switch target {
        case "regclass":
            return try oidNameCase(operand, names: relationNamesByOID, otherwise: nil)
        case "regtype":
            return try oidNameCase(operand, names: PGCatalogIDs.types.map { ($0.oid, $0.formatted) }, otherwise: nil)
        case "regnamespace":
            return try oidNameCase(operand, names: PGCatalogIDs.namespaces.map { ($0.oid, $0.name) }, otherwise: nil)
        case "regrole":
            let user = catalogEnvironment?.userName ?? CatalogSettings.defaultUser
            return try oidNameCase(operand, names: [(PGCatalogIDs.superuser, user)], otherwise: nil)
        default:
            // Only types' input and output functions have OIDs, so other OIDs print as numbers.
            return try oidNameCase(operand, names: PGCatalogIDs.ioFunctions.map { ($0.oid, $0.name) }, otherwise: nil)
        }
    }

    private func lookUpOID(_ name: String, kind: String, position: SourcePosition) throws -> Int64 {
        switch kind {
        case "regclass":
            if let oid = relationOID(name) { return oid }
            throw TeleError(
                .undefinedTable, "relation \"\(name)\" does not exist", hint: "Check SHOW TABLES for the existing names.",
                position: position)
        case "regtype":
            if let type = PGCatalogIDs.type(named: name) { return type.oid }
            throw TeleError(.undefinedObject, "type \"\(name)\" does not exist", hint: "Name a built-in type.", position: position)
        case "regnamespace":
            if let namespace = PGCatalogIDs.namespaces.first(where: { $0.name == name }) { return namespace.oid }
            throw TeleError(
                SQLState("3F000"), "schema \"\(name)\" does not exist",
                hint: "TeleDB has the schemas pg_catalog, public and information_schema.", position: position)
        case "regrole":
            if name == catalogEnvironment?.userName ?? CatalogSettings.defaultUser { return PGCatalogIDs.superuser }
            throw TeleError(.undefinedObject, "role \"\(name)\" does not exist", hint: "Name the current user.", position: position)
        default:
            if let oid = Int64(name) { return oid }
            var function = name
            if function.hasPrefix("pg_catalog.") { function.removeFirst("pg_catalog.".count) }
            if let known = PGCatalogIDs.ioFunctions.first(where: { $0.name == function }) { return known.oid }
            throw TeleError(
                .undefinedFunction, "function \"\(name)\" does not exist",
                hint: "Only the input and output functions of types, such as int4in or array_in, have OIDs.",
                position: position)
        }
    }

    /// Binds `left op ANY (...)` or `left op ALL (...)`, or returns nil when `right` is no
    /// such construct.
    func bindQuantifiedComparison(_ op: BinaryOperator, _ left: Expression, _ right: Expression, position: SourcePosition)
        throws -> BoundExpression?
    {
        guard case .function(let call) = right.kind, call.name == "any" || call.name == "all", call.arguments.count == 1
        else { return nil }

        let isAny = call.name == "any"
        let argument = call.arguments[0]
        switch argument.kind {
        case .array(let elements):
            if op == .equal && isAny { return try bindInList(left, elements, negated: false, position: position) }
            if op == .notEqual && !isAny { return try bindInList(left, elements, negated: true, position: position) }
            guard !elements.isEmpty else { return .constant(.boolean(!isAny), type: .boolean) }
            let comparisons = try elements.map { try bindBinary(op, left, $0, position: position) }
            return isAny ? .or(comparisons) : .and(comparisons)
        case .scalarSubquery(let query):
            if op == .equal && isAny { return try bindInSubquery(left, query, negated: false, position: position) }
            if op == .notEqual && !isAny { return try bindInSubquery(left, query, negated: true, position: position) }
            throw TeleError(
                .featureNotSupported, "only = ANY and <> ALL are supported with a subquery",
                hint: "Rewrite the comparison with EXISTS.", position: position)
        default:
            break
        }

        let array = try bind(argument)
        guard array.type == .varchar else {
            // A scalar compares as a one-element array.
            return try bindBinary(op, left, argument, position: position)
        }
        guard op == .equal || op == .notEqual else {
            throw TeleError(
                .featureNotSupported, "only = and <> are supported with ANY or ALL over an array",
                hint: "Compare with = ANY (array).", position: position)
        }

        let needle = try TypeCoercion.coerce(try bind(left), to: .varchar, position: left.position)
        let contains = try applyFunction("pg_array_contains", [array, needle], position: position)
        // `x = ANY (a)` is "a contains x", and `x <> ALL (a)` is its negation. `x <> ANY` and
        // `x = ALL` would need the array's distinct values, so they are not supported.
        if op == .equal && isAny { return contains }
        if op == .notEqual && !isAny { return .not(contains) }
        throw TeleError(
            .featureNotSupported, "\(op.rawValue) \(call.name.uppercased()) over an array is not supported",
            hint: "Write x = ANY (array) or x <> ALL (array).", position: position)
    }

    /// Binds `ARRAY[a, b]` to its array text, `{a,b}`.
    func bindArrayConstructor(_ elements: [Expression], position: SourcePosition) throws -> BoundExpression {
        let bound = try elements.map { ConstantFolding.fold(try bind($0)) }
        let constants = bound.compactMap { expression -> Value? in
            if case .constant(let value, _) = expression { return value }
            return nil
        }
        if constants.count == bound.count {
            return .constant(.string(PGArrayText.text(of: constants.map(\.text))), type: .varchar)
        }
        var parts: [BoundExpression] = [text("{")]
        for (index, element) in bound.enumerated() {
            if index > 0 { parts.append(text(",")) }
            let asText = try TypeCoercion.coerce(element, to: .varchar, position: position)
            parts.append(.coalesce([asText, text("NULL")], type: .varchar))
        }
        parts.append(text("}"))
        var result = parts[0]
        for part in parts.dropFirst() { result = try applyFunction("||", [result, part], position: position) }
        return result
    }

    /// Binds `array[i]`. Elements of the catalog's integer arrays come back as BIGINT.
    func bindArrayElement(_ call: FunctionCall, position: SourcePosition) throws -> BoundExpression {
        let arguments = try call.arguments.map { try bind($0) }
        let element = try applyFunction("array_element", arguments, position: position)
        return isIntegerArray(call.arguments[0]) ? try TypeCoercion.coerce(element, to: .bigint, position: position) : element
    }

    /// Tells whether an array expression has integer elements: a cast to an integer array
    /// type, or one of the catalog's integer array columns.
    func isIntegerArray(_ array: Expression) -> Bool {
        var array = array
        while case .cast(let inner, let type) = array.kind {
            if ["int2[]", "int4[]", "int8[]", "oid[]", "int2vector", "oidvector"].contains(type.name) { return true }
            array = inner
        }
        if case .column(let parts) = array.kind, let column = parts.last { return BindContext.integerArrayColumns.contains(column) }
        return false
    }

    /// Array columns of the emulated catalog whose elements are integers.
    static let integerArrayColumns: Set<String> = [
        "prattrs", "indkey", "indclass", "indcollation", "indoption", "conkey", "confkey", "stxkeys", "proargtypes",
        "polroles", "attrtypoids", "grolist",
    ]
}
