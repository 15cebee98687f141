// Users of the wire server: CREATE, ALTER and DROP USER, and the look-ups the server makes
// when a client authenticates.
//
// Each user is one row of the system table `teledb_users(name, verifier)`, created by the
// first CREATE USER. Only the SCRAM-SHA-256 verifier is stored, never the password, and the
// table commits with the transaction that changes it like any other table. SHOW TABLES and
// `Session.tableNames` hide it, as they hide every `teledb_` table.

import TeleCore
import TeleSecurity
import TeleStorage
import TeleSyntax

/// The system table of users and its reads.
enum UserCatalog {
    static let tableName = "teledb_users"
    static let schema = TableSchema(
        name: tableName,
        columns: [
            ColumnSchema(name: "name", type: .varchar, notNull: true),
            ColumnSchema(name: "verifier", type: .varchar, notNull: true),
        ])

    /// A user name and its verifier text.
    struct Entry: Equatable {
        var name: String
        var verifier: String
    }

    /// Reads every user in `snapshot`, in stored order.
    static func entries(in snapshot: any Snapshot) throws -> [Entry] {
        guard let table = snapshot.table(tableName) else { return [] }
        var entries: [Entry] = []
        for group in table.rowGroups {
            let names = try group.readColumn(0)
            let verifiers = try group.readColumn(1)
            for row in 0..<group.rowCount {
                guard case .string(let name) = names.value(at: row), case .string(let verifier) = verifiers.value(at: row)
                else { continue }
                entries.append(Entry(name: name, verifier: verifier))
            }
        }
        return entries
    }

    /// Replaces the table's rows with `entries`, creating the table when it is missing.
    static func write(_ entries: [Entry], in transaction: WriteTransaction) throws {
        guard let table = transaction.snapshot.table(tableName) else {
            try transaction.createTable(schema)
            if !entries.isEmpty { try transaction.append(table: tableName, chunk: chunk(entries)) }
            return
        }
        try transaction.replaceRowGroups(
            table: tableName, removing: table.rowGroups, adding: entries.isEmpty ? [] : [chunk(entries)])
    }

    private static func chunk(_ entries: [Entry]) -> DataChunk {
        var names = VectorBuilder(type: .varchar, capacity: entries.count)
        var verifiers = VectorBuilder(type: .varchar, capacity: entries.count)
        for entry in entries {
            names.appendString(entry.name)
            verifiers.appendString(entry.verifier)
        }
        return DataChunk(columns: [names.finish(), verifiers.finish()], count: entries.count)
    }

    /// Builds the verifier to store: a password that already is a SCRAM-SHA-256 verifier is
    /// kept as given, as PostgreSQL does, and any other password is hashed with a fresh salt.
    static func verifier(for password: String, user: String) throws -> String {
        guard !password.isEmpty else {
            throw TeleError(
                .invalidParameterValue, "empty password for role \"\(user)\"",
                hint: "Give a password of at least one character.")
        }
        if password.hasPrefix("SCRAM-SHA-256$"), let parsed = try? ScramVerifier(parsing: password) {
            return parsed.text
        }
        return try ScramVerifier(password: password).text
    }
}

/// Tells whether a table is TeleDB's own, such as `teledb_users`, which table listings hide.
func isSystemTable(_ name: String) -> Bool {
    name.hasPrefix("teledb_")
}

extension Session {
    /// Returns the statement text that monitors and logs may show: user statements print with
    /// the password masked, and every other statement as written.
    static func displayText(of statement: Statement, text: String) -> String {
        if case .user(let user) = statement { return user.description }
        return text
    }

    /// Throws when a statement other than CREATE, ALTER or DROP USER would create, change or
    /// drop `teledb_users`. A dropped or reshaped table would read as "no users", which turns
    /// password authentication off.
    func rejectDirectUserTableChange(_ statement: Statement) throws {
        let targets: [String]
        switch statement {
        case .createTable(let create): targets = [create.name]
        case .createTableAs(let name, _, _), .createView(let name, _, _, _, _), .createMaterializedView(let name, _, _):
            targets = [name]
        case .dropTable(let names, _), .dropView(let names, _), .dropMaterializedView(let names, _): targets = names
        case .insert(let insert): targets = [insert.table]
        case .update(let update): targets = [update.table]
        case .delete(let table, _, _), .copyFrom(let table, _, _), .createIndex(_, _, let table, _, _): targets = [table]
        default: return
        }
        if let name = targets.first(where: { $0 == UserCatalog.tableName }) {
            throw TeleError(
                SQLState("42501"), "permission denied: \"\(name)\" is a system table",
                hint: "Manage users with CREATE USER, ALTER USER and DROP USER.")
        }
    }

    func runUserStatement(_ statement: UserStatement, in transaction: WriteTransaction) throws -> StatementResult {
        var entries = try UserCatalog.entries(in: transaction.snapshot)
        switch statement {
        case .create(let name, let password):
            guard !entries.contains(where: { $0.name == name }) else {
                throw TeleError(
                    .duplicateObject, "role \"\(name)\" already exists",
                    hint: "Use ALTER USER to change its password, or DROP USER first.")
            }
            entries.append(UserCatalog.Entry(name: name, verifier: try UserCatalog.verifier(for: password, user: name)))
            try UserCatalog.write(entries, in: transaction)
            return result("CREATE ROLE")

        case .alterPassword(let name, let password):
            guard let index = entries.firstIndex(where: { $0.name == name }) else {
                throw TeleError(.undefinedObject, "role \"\(name)\" does not exist", hint: "Create it with CREATE USER.")
            }
            entries[index].verifier = try UserCatalog.verifier(for: password, user: name)
            try UserCatalog.write(entries, in: transaction)
            return result("ALTER ROLE")

        case .drop(let names, let ifExists):
            var notices: [String] = []
            for name in names {
                guard let index = entries.firstIndex(where: { $0.name == name }) else {
                    if ifExists {
                        notices.append("role \"\(name)\" does not exist, skipping")
                        continue
                    }
                    throw TeleError(.undefinedObject, "role \"\(name)\" does not exist", hint: "Use DROP USER IF EXISTS.")
                }
                entries.remove(at: index)
            }
            if transaction.snapshot.table(UserCatalog.tableName) != nil {
                try UserCatalog.write(entries, in: transaction)
            }
            return result("DROP ROLE", notices: notices)
        }
    }
}

extension Database {
    /// Returns the stored SCRAM-SHA-256 verifier text of a user, or nil when no such user
    /// exists. The name matches exactly, as the startup message's `user` parameter gives it.
    ///
    /// - Throws: `TeleError` when the system table cannot be read.
    public func userVerifier(named name: String) throws -> String? {
        try UserCatalog.entries(in: storage.snapshot()).first { $0.name == name }?.verifier
    }

    /// Returns a user's parsed verifier, or nil when no such user exists.
    ///
    /// - Throws: `TeleError` when the system table cannot be read or the stored text is invalid.
    public func scramVerifier(forUser name: String) throws -> ScramVerifier? {
        try userVerifier(named: name).map { try ScramVerifier(parsing: $0) }
    }

    /// Tells whether at least one user exists, which decides whether the server requires a password.
    public func hasUsers() throws -> Bool {
        try !UserCatalog.entries(in: storage.snapshot()).isEmpty
    }

    /// Returns the names of every user, in creation order.
    public func userNames() throws -> [String] {
        try UserCatalog.entries(in: storage.snapshot()).map(\.name)
    }

    /// Returns `sql` with every string literal after the keyword PASSWORD masked, for logs,
    /// monitors and error reports. See `Parser.redactingPasswords(in:)`.
    public static func redactingPasswords(in sql: String) -> String {
        Parser.redactingPasswords(in: sql)
    }
}
