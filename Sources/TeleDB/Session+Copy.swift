// COPY table FROM 'path' (FORMAT ping | ndjson | csv, ...).

import TeleCore
import TeleIngest
import TeleStorage
import TeleSyntax

extension Session {
    func copy(into table: String, from path: String, options: [CopyOption], in transaction: WriteTransaction) throws
        -> StatementResult
    {
        var format = path.hasSuffix(".csv") ? "csv" : "ping"
        // PostgreSQL's default: the first line is data unless HEADER is given.
        var header = false
        var delimiter: UInt8 = 0x2C
        var pingOptions = PingIngestOptions()
        for option in options {
            let text = try optionText(option)
            switch option.name {
            case "format": format = (text ?? "").lowercased()
            case "header": header = text.map { ["true", "on", "1", "yes"].contains($0.lowercased()) } ?? true
            case "delimiter":
                guard let text, text.utf8.count == 1, let byte = text.utf8.first else {
                    throw TeleError(.invalidParameterValue, "COPY delimiter must be a single one-byte character")
                }
                delimiter = byte
            case "dedupe": pingOptions.dedupe = text.map { ["true", "on", "1", "yes"].contains($0.lowercased()) } ?? true
            case "schema": pingOptions.schemaPath = text
            default:
                throw TeleError(
                    .syntaxError, "option \"\(option.name)\" not recognized",
                    hint: "COPY takes FORMAT, HEADER, DELIMITER, DEDUPE and SCHEMA.")
            }
        }

        switch format {
        case "ping", "pings":
            return try copyPings(into: table, from: path, options: pingOptions)
        case "csv", "ndjson", "json":
            let data = try requireTable(table, in: transaction.snapshot)
            let bytes = try readFileBytes(path: path)
            let chunks = format == "csv"
                ? try readCSV(bytes: bytes, schema: data.schema, header: header, delimiter: delimiter)
                : try readNDJSON(bytes: bytes, schema: data.schema)
            var rows = 0
            for chunk in chunks {
                try transaction.append(table: data.schema.name, chunk: chunk)
                rows += chunk.count
            }
            return StatementResult(columns: [], chunks: [], commandTag: "COPY \(rows)", rowCount: rows)
        default:
            throw TeleError(
                .invalidParameterValue, "COPY format \"\(format)\" not recognized",
                hint: "Use FORMAT ping, ndjson or csv.")
        }
    }

    /// COPY of pings loads the ping tables; the table named must be one of them.
    private func copyPings(into table: String, from path: String, options: PingIngestOptions) throws -> StatementResult {
        guard PingTables.all.contains(where: { $0.name == table }) else {
            throw TeleError(
                .invalidParameterValue, "COPY ... (FORMAT ping) loads the ping tables, not \"\(table)\"",
                hint: "Write COPY pings FROM 'file' (FORMAT ping), or use FORMAT csv or ndjson for other tables.")
        }
        guard transaction == nil else {
            throw TeleError(
                .activeSQLTransaction, "COPY ... (FORMAT ping) cannot run inside a transaction block",
                hint: "It commits batches of its own; run it outside BEGIN ... COMMIT.")
        }
        let report = try database.ingestPings(files: [path], options: options)
        return StatementResult(
            columns: [], chunks: [], commandTag: "COPY \(report.pings)", rowCount: report.pings,
            notices: [report.description] + report.notices)
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
