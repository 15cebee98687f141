// Binding of the PostgreSQL system functions that client catalog queries call: version(),
// current_setting(), current_user, format_type(), pg_table_is_visible() and the rest.
// TeleDB has one schema, one user and no privileges, so most of them bind to constants.
// Those that map an OID to a name bind to a CASE over the known OIDs. The session state
// comes from the snapshot when it is a `CatalogEnvironment`.

import TeleCore
import TeleExecution
import TeleSyntax

extension BindContext {
    /// The session state of the catalog emulation, when the planner was given one.
    var catalogEnvironment: (any CatalogEnvironment)? { session.snapshot as? any CatalogEnvironment }

    /// Binds a system function, or returns nil when `call` names none.
    ///
    /// - Throws: `TeleError` 42704 for current_setting() of an unknown setting, 0A000 when a
    ///   setting name is not a constant, 42601 for a wrong argument count.
    func bindCatalogFunction(_ call: FunctionCall, position: SourcePosition) throws -> BoundExpression? {
        let environment = catalogEnvironment
        let name = call.name
        switch name {
        case "version":
            try expectArguments(call, 0...0, position: position)
            return text(CatalogSettings.versionText)
        case "current_setting":
            try expectArguments(call, 1...2, position: position)
            let setting = try constantText(call.arguments[0], function: name)
            let missingOK = call.arguments.count == 2 ? try constantBoolean(call.arguments[1], function: name) : false
            if let value = setting.flatMap({ CatalogSettings.value(of: $0, in: environment) }) { return text(value) }
            if missingOK || setting == nil { return text(nil) }
            throw CatalogSettings.unknownSetting(setting ?? "", position: position)
        case "set_config":
            try expectArguments(call, 3...3, position: position)
            guard let setting = try constantText(call.arguments[0], function: name) else { return text(nil) }
            let value = try constantText(call.arguments[1], function: name) ?? ""
            environment?.recordSetting(setting.lowercased(), value: value)
            return text(value)
        case "current_database", "current_catalog":
            return text(environment?.databaseName ?? CatalogSettings.defaultDatabase)
        case "current_schema":
            return text("public")
        case "current_schemas":
            try expectArguments(call, 1...1, position: position)
            let implicit = try constantBoolean(call.arguments[0], function: name)
            return text(implicit ? "{pg_catalog,public}" : "{public}")
        case "current_user", "session_user", "current_role", "user", "getpgusername":
            return text(environment?.userName ?? CatalogSettings.defaultUser)
        case "pg_get_userbyid":
            try expectArguments(call, 1...1, position: position)
            return text(environment?.userName ?? CatalogSettings.defaultUser)
        case "pg_encoding_to_char":
            return text("UTF8")
        case "pg_backend_pid":
            return .constant(.integer(environment?.backendPID ?? 0), type: .integer)
        case "pg_postmaster_start_time", "pg_conf_load_time":
            return .constant(.integer(environment?.startTime ?? 0), type: .timestamp)
        case "pg_is_in_recovery", "pg_relation_is_publishable":
            return .constant(.boolean(false), type: .boolean)
        case "pg_table_size", "pg_relation_size", "pg_total_relation_size", "pg_indexes_size", "pg_database_size":
            // NOTE: TeleDB does not account storage per table, so sizes are unknown (NULL).
            return .constant(.null, type: .bigint)
        case "pg_advisory_unlock_all":
            // Returns void in PostgreSQL. TeleDB takes no advisory locks, so there is none to free.
            return text(nil)
        case "format_type":
            try expectArguments(call, 2...2, position: position)
            return try oidNameCase(call.arguments[0], names: PGCatalogIDs.types.map { ($0.oid, $0.formatted) }, otherwise: "???")
        case "to_regtype":
            try expectArguments(call, 1...1, position: position)
            guard let typeName = try constantText(call.arguments[0], function: name) else { return oid(nil) }
            return oid(PGCatalogIDs.type(named: typeName)?.oid)
        case "to_regclass":
            try expectArguments(call, 1...1, position: position)
            guard let relation = try constantText(call.arguments[0], function: name) else { return oid(nil) }
            return oid(relationOID(relation))
        case "to_regnamespace":
            try expectArguments(call, 1...1, position: position)
            guard let namespace = try constantText(call.arguments[0], function: name) else { return oid(nil) }
            return oid(PGCatalogIDs.namespaces.first { $0.name == namespace }?.oid)
        case "pg_table_is_visible":
            try expectArguments(call, 1...1, position: position)
            return try relationVisibility(call.arguments[0])
        case "pg_get_viewdef":
            try expectArguments(call, 1...2, position: position)
            return try viewDefinition(call.arguments[0])
        case "unnest", "generate_subscripts":
            let arguments = try call.arguments.map { try bind($0) }
            var returnType = DataType.integer
            if name == "unnest", let first = call.arguments.first {
                returnType = isIntegerArray(first) ? .bigint : .varchar
            }
            let function = PGSelectListSetFunctions.rejecting(
                name: name, argumentTypes: arguments.map(\.type), returnType: returnType)
            return .function(function, arguments: arguments)
        case "json_build_object", "json_build_array":
            let arguments = try call.arguments.map { argument -> BoundExpression in
                let bound = try bind(argument)
                return bound.type == .null ? .constant(.null, type: .varchar) : bound
            }
            let function = try withPosition(position) {
                try PGJSONFunctions.builder(name: name, argumentTypes: arguments.map(\.type))
            }
            return .function(function, arguments: arguments)
        case "array":
            guard call.arguments.count == 1, case .scalarSubquery(let query) = call.arguments[0].kind else { return nil }
            return try bindArraySubquery(query, position: position)
        case "any", "all":
            throw TeleError.syntax(
                "\(name.uppercased())(...) is only allowed on the right of a comparison", at: position,
                hint: "Write x = ANY (array) or x <> ALL (array).")
        default:
            if CatalogSettings.alwaysTrueFunctions.contains(name) { return .constant(.boolean(true), type: .boolean) }
            if CatalogSettings.nullTextFunctions.contains(name) { return text(nil) }
            return nil
        }
    }

    /// Binds pg_table_is_visible(oid): true unless the relation is in information_schema,
    /// which is not on the search path.
    private func relationVisibility(_ operand: Expression) throws -> BoundExpression {
        let value = try TypeCoercion.coerce(try bind(operand), to: .bigint, position: operand.position)
        let hidden = (catalogEnvironment?.hiddenRelationIDs ?? []).map { BoundExpression.constant(.integer($0), type: .bigint) }
        guard !hidden.isEmpty else { return .constant(.boolean(true), type: .boolean) }
        return .inList(value, list: hidden, negated: true)
    }

    /// Binds pg_get_viewdef(view): the view's SQL text for a view's OID or name, else NULL.
    private func viewDefinition(_ operand: Expression) throws -> BoundExpression {
        let views = session.snapshot.viewNames.compactMap { name in session.snapshot.view(name).map { (name, $0.sql) } }
        let bound = ConstantFolding.fold(try bind(operand))
        if case .constant(.string(let name), _) = bound {
            return text(views.first { $0.0 == name }?.1)
        }
        let byOID = views.map { (PGCatalogIDs.relationOID(named: $0.0), $0.1) }
        let definition = try oidNameCase(operand, names: byOID, otherwise: nil)
        guard case .caseWhen(let branches, _, let type) = definition else { return definition }
        return .caseWhen(branches: branches, elseResult: text(nil), type: type)
    }

    /// Binds `ARRAY(subquery)` to the subquery's values as array text, such as `{a,b}`.
    private func bindArraySubquery(_ query: SelectStatement, position: SourcePosition) throws -> BoundExpression {
        func literal(_ value: String) -> Expression { Expression(.literal(.string(value)), at: position) }
        let element = Expression(
            .cast(operand: Expression(.column(parts: ["array_value"]), at: position),
                  type: TypeName(name: "varchar", position: position)), at: position)
        let joined = Expression(.function(FunctionCall(name: "string_agg", arguments: [element, literal(",")])), at: position)
        let body = Expression(.function(FunctionCall(name: "coalesce", arguments: [joined, literal("")])), at: position)
        let opened = Expression(.binary(op: .concat, left: literal("{"), right: body), at: position)
        let closed = Expression(.binary(op: .concat, left: opened, right: literal("}")), at: position)
        let source = TableReference.subquery(query, alias: "array_source", columnAliases: ["array_value"])
        let core = SelectCore(items: [.expression(closed, alias: nil)], from: [source])
        // NOTE: elements are joined without the quoting PostgreSQL applies to elements that
        // contain commas, quotes or braces.
        return .subquery(try bindSubquery(SelectStatement(body: .select(core)), kind: .scalar, position: position))
    }

    /// Binds `operand` and maps each known OID to its name with a CASE, other values to
    /// `otherwise` (nil keeps the number as text). A NULL operand gives NULL.
    func oidNameCase(_ operand: Expression, names: [(Int64, String)], otherwise: String?) throws -> BoundExpression {
        let bound = try bind(operand)
        guard bound.type.isInteger || bound.type == .null || bound.type == .varchar else {
            throw TeleError(
                .datatypeMismatch, "cannot use type \(bound.type.sqlName.lowercased()) as an oid",
                hint: "Pass an integer object identifier.", position: operand.position)
        }
        let value = try TypeCoercion.coerce(bound, to: .bigint, position: operand.position)
        var branches: [(condition: BoundExpression, result: BoundExpression)] = []
        branches.append((.isNull(value, negated: false), .constant(.null, type: .varchar)))
        for (oid, name) in names {
            let equal = try applyFunction("=", [value, .constant(.integer(oid), type: .bigint)], position: operand.position)
            branches.append((equal, text(name)))
        }
        let fallback = otherwise.map { text($0) } ?? .cast(value, to: .varchar)
        return .caseWhen(branches: branches, elseResult: fallback, type: .varchar)
    }

    /// Returns the OID of a relation named as `'name'::regclass` accepts it, optionally
    /// schema-qualified and double-quoted, or nil when no relation has that name.
    func relationOID(_ text: String) -> Int64? {
        var name = text
        for prefix in ["pg_catalog.", "public.", "information_schema."] where name.hasPrefix(prefix) {
            name.removeFirst(prefix.count)
        }
        if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 { name = String(name.dropFirst().dropLast()) }
        return relationNamesByOID.first { $0.1 == name }?.0
    }

    /// Every relation with its OID, for `oid::regclass`.
    var relationNamesByOID: [(Int64, String)] {
        if let environment = catalogEnvironment { return environment.relationIDs.map { ($0.oid, $0.name) } }
        return (session.snapshot.tableNames + session.snapshot.viewNames).map { (PGCatalogIDs.relationOID(named: $0), $0) }
    }

    private func expectArguments(_ call: FunctionCall, _ range: ClosedRange<Int>, position: SourcePosition) throws {
        guard range.contains(call.arguments.count) else {
            let expected = range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
            throw TeleError(
                .undefinedFunction, "function \(call.name) takes \(expected) arguments, not \(call.arguments.count)",
                hint: "Check the call against PostgreSQL's signature of \(call.name).", position: position)
        }
    }

    /// Binds an argument that must be a constant and returns its text, nil for NULL.
    private func constantText(_ argument: Expression, function: String) throws -> String? {
        let bound = ConstantFolding.fold(try bind(argument))
        guard case .constant(let value, _) = bound else {
            throw TeleError(
                .featureNotSupported, "\(function) needs a constant setting name or value",
                hint: "Pass a string literal or a parameter.", position: argument.position)
        }
        return value.isNull ? nil : value.text
    }

    private func constantBoolean(_ argument: Expression, function: String) throws -> Bool {
        let bound = ConstantFolding.fold(try bind(argument))
        if case .constant(.boolean(let flag), _) = bound { return flag }
        if case .constant(.null, _) = bound { return false }
        throw TeleError(
            .datatypeMismatch, "argument of \(function) must be a boolean constant",
            hint: "Pass true or false.", position: argument.position)
    }

    func text(_ value: String?) -> BoundExpression {
        .constant(value.map(Value.string) ?? .null, type: .varchar)
    }

    private func oid(_ value: Int64?) -> BoundExpression {
        .constant(value.map(Value.integer) ?? .null, type: .bigint)
    }
}

/// Session settings as the catalog emulation reports them.
public enum CatalogSettings {
    /// The text of version(). Clients such as SQLAlchemy read the major version from
    /// "PostgreSQL 15.0", so the text starts the way PostgreSQL's does.
    public static let versionText = "PostgreSQL 15.0 (TeleDB) on x86_64-pc-linux-gnu, 64-bit"
    public static let defaultUser = "teledb"
    public static let defaultDatabase = "teledb"

    /// Values of settings no session has changed, by lower-cased name. They are the values
    /// PostgreSQL 15 reports by default, except where TeleDB behaves differently.
    public static let defaults: [String: String] = [
        "server_version": "15.0 (TeleDB)", "server_version_num": "150000", "server_encoding": "UTF8",
        "client_encoding": "UTF8", "standard_conforming_strings": "on", "integer_datetimes": "on",
        "datestyle": "ISO, MDY", "intervalstyle": "postgres", "timezone": "UTC", "is_superuser": "on",
        "application_name": "", "search_path": "\"$user\", public", "transaction_isolation": "read committed",
        "default_transaction_isolation": "read committed", "transaction_read_only": "off",
        "default_transaction_read_only": "off", "statement_timeout": "0", "lock_timeout": "0",
        "idle_in_transaction_session_timeout": "0", "jit": "off", "max_identifier_length": "63",
        "max_connections": "100", "extra_float_digits": "1", "lc_messages": "C", "lc_monetary": "C",
        "lc_numeric": "C", "lc_time": "C", "lc_collate": "C", "lc_ctype": "C", "bytea_output": "hex",
        "block_size": "8192", "default_tablespace": "", "row_security": "on", "synchronous_commit": "on",
        "work_mem": "4MB", "session_authorization": defaultUser, "role": "none", "xmloption": "content",
        "escape_string_warning": "on", "check_function_bodies": "on", "client_min_messages": "notice",
        "threads": String(Parallelism.processorCount),
    ]

    /// Returns the value of a setting: the session's own, else the default.
    public static func value(of name: String, in environment: (any CatalogEnvironment)?) -> String? {
        let key = name.lowercased()
        return environment?.setting(key) ?? defaults[key]
    }

    static func unknownSetting(_ name: String, position: SourcePosition?) -> TeleError {
        TeleError(
            .undefinedObject, "unrecognized configuration parameter \"\(name)\"",
            hint: "Pass true as the second argument of current_setting to get NULL for unknown settings.",
            position: position)
    }

    /// Privilege and visibility checks. TeleDB has one schema and no privileges, so every
    /// object is visible and every privilege is held.
    static let alwaysTrueFunctions: Set<String> = [
        "pg_type_is_visible", "pg_function_is_visible", "pg_collation_is_visible",
        "pg_operator_is_visible", "pg_opclass_is_visible", "pg_conversion_is_visible", "pg_ts_config_is_visible",
        "pg_statistics_obj_is_visible", "has_table_privilege", "has_schema_privilege", "has_database_privilege",
        "has_column_privilege", "has_any_column_privilege", "has_function_privilege", "has_sequence_privilege",
        "has_tablespace_privilege", "has_type_privilege", "pg_has_role",
    ]

    /// Functions that describe objects TeleDB does not have (comments, defaults, indexes,
    /// constraints, functions), so they return NULL.
    static let nullTextFunctions: Set<String> = [
        "pg_get_expr", "pg_get_indexdef", "pg_get_constraintdef", "pg_get_function_result",
        "pg_get_function_arguments", "pg_get_function_identity_arguments", "pg_get_statisticsobjdef_columns",
        "obj_description", "col_description", "shobj_description", "pg_get_triggerdef", "pg_get_ruledef",
        "pg_get_partkeydef", "pg_get_serial_sequence", "pg_tablespace_location",
    ]
}
