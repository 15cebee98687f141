// COPY table FROM 'path' (FORMAT ping | ndjson | csv, ...).
//
// CSV and NDJSON rows go into the statement's transaction like an INSERT. Ping loads fill the
// four ping tables and commit in batches of their own (see PingIngest.swift), so the session
// runs them outside any statement transaction.

import TeleCore
import TeleIngest
import TeleStorage
import TeleSyntax

extension Session {
    /// Loads a CSV or NDJSON file into `table` inside `transaction`.
    func copy(into table: String, from path: String, options: [CopyOption], in transaction: WriteTransaction) throws
        -> StatementResult
    {
        let format = try copyFormat(path: path, options: options)
        // PostgreSQL's default: the first line is data unless HEADER is given.
        var header = false
        var delimiter: UInt8 = 0x2C
        for option in options {
            let text = try optionText(option)
            switch option.name {
            case "format": break
            case "header": header = isTrue(text)
            case "delimiter":
                guard let text, text.utf8.count == 1, let byte = text.utf8.first else {
                    throw TeleError(.invalidParameterValue, "COPY delimiter must be a single one-byte character")
                }
                delimiter = byte
            default:
                throw TeleError(
                    .syntaxError, "option \"\(option.name)\" not recognized for FORMAT \(format)",
                    hint: "COPY ... (FORMAT csv) takes HEADER and DELIMITER; FORMAT ndjson takes none.")
            }
        }

        guard format == "csv" || format == "ndjson" || format == "json" else {
            throw TeleError(
                .invalidParameterValue, "COPY format \"\(format)\" not recognized",
                hint: "Use FORMAT ping, ndjson or csv.")
        }
        let data = try requireTable(table, in: transaction.snapshot)
        let bytes = try readFileBytes(path: path)
        let chunks: [DataChunk]
        do {
            chunks = format == "csv"
                ? try readCSV(bytes: bytes, schema: data.schema, header: header, delimiter: delimiter)
                : try readNDJSON(bytes: bytes, schema: data.schema)
        } catch var error as TeleError {
            error.message += " in file \"\(path)\""
            throw error
        }
        var rows = 0
        for chunk in chunks {
            try transaction.append(table: data.schema.name, chunk: chunk)
            rows += chunk.count
        }
        return StatementResult(columns: [], chunks: [], commandTag: "COPY \(rows)", rowCount: rows)
    }

    /// The FORMAT option of a COPY, lower-cased; without one, `.csv` files are CSV and every
    /// other file contains pings.
    func copyFormat(path: String, options: [CopyOption]) throws -> String {
        for option in options where option.name == "format" {
            return (try optionText(option) ?? "").lowercased()
        }
        return path.hasSuffix(".csv") ? "csv" : "ping"
    }

    /// Returns whether a COPY loads pings, which runs outside a statement transaction.
    func copyLoadsPings(path: String, options: [CopyOption]) throws -> Bool {
        ["ping", "pings"].contains(try copyFormat(path: path, options: options))
    }

    /// Loads a file of pings into the ping tables; `table` must be one of them.
    func copyPings(into table: String, from path: String, options: [CopyOption]) throws -> StatementResult {
        var pingOptions = PingIngestOptions()
        for option in options {
            let text = try optionText(option)
            switch option.name {
            case "format": break
            case "dedupe": pingOptions.dedupe = isTrue(text)
            case "schema": pingOptions.schemaPath = text
            default:
                throw TeleError(
                    .syntaxError, "option \"\(option.name)\" not recognized for FORMAT ping",
                    hint: "COPY ... (FORMAT ping) takes DEDUPE and SCHEMA.")
            }
        }
        guard PingTables.all.contains(where: { $0.name == table }) else {
            throw TeleError(
                .invalidParameterValue, "COPY ... (FORMAT ping) loads the ping tables, not \"\(table)\"",
                hint: "Write COPY pings FROM 'file' (FORMAT ping), or use FORMAT csv or ndjson for other tables.")
        }
        guard !transactionOpen else {
            throw TeleError(
                .activeSQLTransaction, "COPY ... (FORMAT ping) cannot run inside a transaction block",
                hint: "It commits batches of its own; run it outside BEGIN ... COMMIT.")
        }
        let report = try database.ingestPings(files: [path], options: pingOptions)
        return StatementResult(
            columns: [], chunks: [], commandTag: "COPY \(report.pings)", rowCount: report.pings,
            notices: [report.description] + report.notices)
    }

    /// Reads an option's value as a flag; an option written without one (`(HEADER)`) is true.
    private func isTrue(_ text: String?) -> Bool {
        text.map { ["true", "on", "1", "yes"].contains($0.lowercased()) } ?? true
    }

    private func optionText(_ option: CopyOption) throws -> String? {
        guard let value = option.value else { return nil }
        switch value.kind {
        case .literal(.string(let text)): return text
        case .literal(.boolean(let flag)): return flag ? "true" : "false"
        case .literal(.integer(let number)): return String(number)
        case .column(let parts): return parts.joined(separator: ".")
        default:
            throw TeleError(.syntaxError, "COPY option \"\(option.name)\" needs a constant value", position: value.position)
        }
    }
}
