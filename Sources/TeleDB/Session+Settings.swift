// SET, SHOW and RESET of session settings, the other session statements drivers send when
// they pool or reset a connection (DISCARD, CLOSE, UNLISTEN), and the catalog snapshot that
// carries the settings to current_setting() and set_config().

import Foundation
import TeleCore
import TeleExecution
import TelePlanner
import TeleStorage
import TeleSyntax

extension Session {
    /// Returns the value of a setting as SHOW reports it, or nil for a name TeleDB does not know.
    public func setting(_ name: String) -> String? {
        let key = name.lowercased()
        return settings[key] ?? CatalogSettings.defaults[key]
    }

    /// `snapshot` with the emulated pg_catalog and this session's state, for planning.
    func catalogSnapshot(_ snapshot: any Snapshot) -> CatalogSnapshot {
        CatalogSnapshot(
            base: snapshot, settings: settings, userName: userName, databaseName: databaseName,
            backendPID: Int64(backendProcessID))
    }

    /// Plans a query without running it and returns its result columns, for a wire server's
    /// Describe message. Catalog tables resolve as they do when the query runs.
    ///
    /// - Throws: `TeleError` for the binding errors running the query would raise.
    public func resultColumns(of query: SelectStatement, parameters: [Value] = []) throws -> [ResultColumn] {
        let snapshot = catalogSnapshot(readSnapshot)
        let planned = try Planner(snapshot: snapshot).plan(query, parameters: parameters)
        return planned.columns.map { ResultColumn(name: $0.name, type: $0.type) }
    }

    /// Stores the settings set_config() changed while `snapshot` was planned against.
    func keepRecordedSettings(of snapshot: CatalogSnapshot) {
        let recorded = snapshot.recordedSettings.withLock { $0 }
        settings.merge(recorded) { _, new in new }
    }

    func show(_ name: String) throws -> StatementResult {
        let key = name.lowercased()
        if key == "all" { return showAll() }
        guard let value = setting(key) else {
            let known = Array(Set(settings.keys).union(CatalogSettings.defaults.keys))
            let hint = nearestName(to: key, among: known).map { "Perhaps you meant \"\($0)\"." }
                ?? "SHOW ALL lists the known parameters."
            throw TeleError(.undefinedObject, "unrecognized configuration parameter \"\(name)\"", hint: hint)
        }
        var builder = VectorBuilder(type: .varchar)
        builder.appendString(value)
        return rowsResult(columns: [ResultColumn(name: key, type: .varchar)], vectors: [builder.finish()])
    }

    private func showAll() -> StatementResult {
        let names = Set(settings.keys).union(CatalogSettings.defaults.keys).sorted()
        var nameColumn = VectorBuilder(type: .varchar, capacity: names.count)
        var valueColumn = VectorBuilder(type: .varchar, capacity: names.count)
        var descriptionColumn = VectorBuilder(type: .varchar, capacity: names.count)
        for name in names {
            nameColumn.appendString(name)
            valueColumn.appendString(setting(name) ?? "")
            descriptionColumn.appendString(SettingDescriptions.description(of: name))
        }
        return rowsResult(
            columns: [
                ResultColumn(name: "name", type: .varchar), ResultColumn(name: "setting", type: .varchar),
                ResultColumn(name: "description", type: .varchar),
            ],
            vectors: [nameColumn.finish(), valueColumn.finish(), descriptionColumn.finish()])
    }

    /// Stores a setting. Any name is accepted, because drivers set standard settings that
    /// TeleDB does not use. ON and OFF are stored as `on` and `off`.
    func set(_ name: String, _ value: TeleSyntax.Expression) throws -> StatementResult {
        let bound = try Planner(snapshot: readSnapshot).bindExpression(value, over: nil, alias: nil)
        let constant = try ExpressionEvaluator.evaluateConstant(bound)
        let text: String
        if case .boolean(let flag) = constant { text = flag ? "on" : "off" } else { text = constant.text ?? "" }
        if name.lowercased() == "threads" { try Self.checkThreads(text) }
        settings[name.lowercased()] = text
        return result("SET")
    }

    /// The threads the next query may use: the `threads` setting.
    var queryThreads: Int {
        setting("threads").flatMap { Int($0) } ?? Parallelism.processorCount
    }

    /// Accepts a whole number of threads from 1 to 256.
    static func checkThreads(_ text: String) throws {
        guard let threads = Int(text.trimmingCharacters(in: .whitespaces)), (1...256).contains(threads) else {
            throw TeleError(
                .invalidParameterValue, "invalid value for parameter \"threads\": \"\(text)\"",
                hint: "Set threads to a whole number from 1 to 256; this machine has \(Parallelism.processorCount) cores.")
        }
    }

    func runSessionCommand(_ command: SessionCommand) throws -> StatementResult {
        switch command {
        case .discard(let target):
            return try discard(target)
        case .transactionModes:
            return result("SET")
        case .savepoint, .releaseSavepoint:
            // A savepoint that is never rolled back to changes nothing, which is how drivers
            // such as psycopg 3 use them around catalog look-ups.
            guard inTransaction else {
                throw TeleError(
                    SQLState("25P01"), "SAVEPOINT can only be used in transaction blocks", hint: "Run BEGIN first.")
            }
            if case .savepoint = command { return result("SAVEPOINT") }
            return result("RELEASE")
        case .deallocate(let name):
            // A session without a wire connection has no prepared statements; the server
            // drops its own before it runs this.
            return result(name == nil ? "DEALLOCATE ALL" : "DEALLOCATE")
        case .rollbackToSavepoint(let name):
            throw TeleError(
                .featureNotSupported, "ROLLBACK TO SAVEPOINT \(name) is not supported",
                hint: "The storage layer can only roll back a whole transaction; run ROLLBACK.")
        }
    }

    /// Restores one setting, or all of them for a nil name, to its value at startup.
    func reset(_ name: String?) -> StatementResult {
        if let name {
            let key = name.lowercased()
            settings[key] = startupSettings[key]
        } else {
            settings = startupSettings
        }
        return result("RESET")
    }

    /// Runs CLOSE. Cursors live in the wire server, so a session alone has none to close.
    func closeCursor(_ name: String?) throws -> StatementResult {
        guard let name else { return result("CLOSE CURSOR ALL") }
        throw TeleError(
            SQLState("34000"), "cursor \"\(name)\" does not exist",
            hint: "Declare cursors over the wire protocol, or run CLOSE ALL.")
    }

    private func discard(_ target: String) throws -> StatementResult {
        switch target {
        case "all":
            guard !inTransaction else {
                throw TeleError(
                    SQLState("25001"), "DISCARD ALL cannot run inside a transaction block",
                    hint: "Run COMMIT or ROLLBACK first.")
            }
            settings = startupSettings
            return result("DISCARD ALL")
        default:
            // TeleDB keeps no plans, sequences or temporary tables between statements.
            return result("DISCARD \(target.uppercased())")
        }
    }
}
