// The `teledb` command line: parsing the arguments into one command and the usage text.
//
// Parsing is separate from running so that tests can check every form without a database.

/// The command that one `teledb` invocation runs.
public enum ShellCommand: Equatable, Sendable {
    case help
    case version
    /// The interactive shell, or a script when stdin is not a terminal. A nil path means the
    /// default database.
    case shell(databasePath: String?, mode: OutputMode?)
    /// `-c SQL`: runs the SQL, prints the results and exits.
    case run(databasePath: String?, sql: String, mode: OutputMode?)
    case ingest(databasePath: String, dedupe: Bool, schemaPath: String?, inputs: [String])
    case generatePings(count: Int, seed: UInt64, outputPath: String)
    /// `generate dataset`: the benchmark tables as CSV files in a directory.
    case generateDataset(rows: Int, seed: UInt64, outputDirectory: String)
    case sqllogictest(options: SQLLogicTestOptions, paths: [String])
}

/// A command line that cannot be parsed; `teledb` prints it with the usage and exits with 2.
public struct UsageError: Error, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

public enum ArgumentParser {
    public static let usage = """
        usage: teledb [DBPATH] [-c SQL] [--mode table|csv|json|markdown|line|chart]
               teledb ingest DBPATH [--dedupe] [--schema FILE] FILE|DIR...
               teledb generate pings --count N --seed S --out PATH
               teledb generate dataset --rows N --seed S --out DIR
               teledb sqllogictest [--fail-fast] [--filter TEXT] [--verbose] PATH...
               teledb serve DBPATH [--host ADDRESS] [--port N] [--tls-cert F --tls-key F] [--idle-timeout S] [--statement-timeout S]
               teledb --help | --version
        """

    public static let help = usage + """


        DBPATH is a database directory, created when missing; ":memory:" opens a database that
        lives in memory only. Without DBPATH the shell uses the default database
        ($TELEDB_HOME/default.tdb, else ~/.local/share/teledb/default.tdb).

        options:
          -c SQL            run the SQL statements, print their results and exit
          --mode MODE       output mode: table (default), csv, json, markdown, line or chart
          --dedupe          ingest: skip documents whose document id was already ingested
          --schema FILE     ingest: validate pings against this JSON schema
          --count N         generate: number of pings to write
          --seed S          generate: random seed (default 0); the same seed writes the same pings
          --rows N          generate dataset: number of pings; the histogram tables get more rows
          --out PATH        generate pings: NDJSON file to write; generate dataset: directory
                            for the CSV files of pings, histograms and histogram_values
          --fail-fast       sqllogictest: stop at the first failing record
          --filter TEXT     sqllogictest: run only files whose path contains TEXT
          --verbose         sqllogictest: print every failure, not only the first 10
          --help            print this help
          --version         print the version

        In the shell, type .help for the dot commands.
        """

    /// Parses the arguments after the program name.
    ///
    /// - Throws: `UsageError` naming the unknown option, missing value or missing operand.
    public static func parse(_ arguments: [String]) throws -> ShellCommand {
        guard let first = arguments.first else { return .shell(databasePath: nil, mode: nil) }
        switch first {
        case "--help", "-h": return .help
        case "--version": return .version
        case "ingest": return try parseIngest(Array(arguments.dropFirst()))
        case "generate": return try parseGenerate(Array(arguments.dropFirst()))
        case "sqllogictest": return try parseSQLLogicTest(Array(arguments.dropFirst()))
        default: return try parseShell(arguments)
        }
    }

    private static func parseShell(_ arguments: [String]) throws -> ShellCommand {
        var reader = ArgumentReader(arguments)
        var path: String?
        var sql: String?
        var mode: OutputMode?
        while let argument = reader.next() {
            switch argument {
            case "-c":
                // Several -c options run in order, as in psql.
                let text = try reader.value(for: argument)
                sql = sql.map { $0 + ";\n" + text } ?? text
            case "--mode":
                let name = try reader.value(for: argument)
                guard let parsed = OutputMode(rawValue: name) else {
                    throw UsageError("invalid output mode \"\(name)\"; use one of \(OutputMode.namesList)")
                }
                mode = parsed
            case "--help", "-h":
                return .help
            default:
                try rejectOption(argument)
                guard path == nil else { throw UsageError("unexpected argument \"\(argument)\"; give at most one DBPATH") }
                path = argument
            }
        }
        if let sql { return .run(databasePath: path, sql: sql, mode: mode) }
        return .shell(databasePath: path, mode: mode)
    }

    private static func parseIngest(_ arguments: [String]) throws -> ShellCommand {
        var reader = ArgumentReader(arguments)
        var operands: [String] = []
        var dedupe = false
        var schemaPath: String?
        while let argument = reader.next() {
            switch argument {
            case "--dedupe": dedupe = true
            case "--schema": schemaPath = try reader.value(for: argument)
            default:
                try rejectOption(argument)
                operands.append(argument)
            }
        }
        guard let databasePath = operands.first else { throw UsageError("ingest needs a DBPATH and at least one FILE or DIR") }
        guard operands.count > 1 else { throw UsageError("ingest needs at least one FILE or DIR after \"\(databasePath)\"") }
        return .ingest(databasePath: databasePath, dedupe: dedupe, schemaPath: schemaPath, inputs: Array(operands.dropFirst()))
    }

    private static func parseGenerate(_ arguments: [String]) throws -> ShellCommand {
        guard let kind = arguments.first else {
            throw UsageError("generate needs what to generate: \"pings\" or \"dataset\"")
        }
        guard kind == "pings" || kind == "dataset" else {
            throw UsageError("cannot generate \"\(kind)\"; use \"pings\" or \"dataset\"")
        }
        // `pings` counts with --count and `dataset` with --rows; each rejects the other's option.
        let countOption = kind == "pings" ? "--count" : "--rows"
        var reader = ArgumentReader(Array(arguments.dropFirst()))
        var count: Int?
        var seed: UInt64?
        var outputPath: String?
        while let argument = reader.next() {
            switch argument {
            case countOption:
                let text = try reader.value(for: argument)
                guard let value = Int(text), value >= 0 else {
                    throw UsageError("invalid \(countOption) \"\(text)\"; give a non-negative integer")
                }
                count = value
            case "--seed":
                let text = try reader.value(for: argument)
                guard let value = UInt64(text) else { throw UsageError("invalid --seed \"\(text)\"; give a non-negative integer") }
                seed = value
            case "--out":
                outputPath = try reader.value(for: argument)
            default:
                try rejectOption(argument)
                throw UsageError("unexpected argument \"\(argument)\"")
            }
        }
        guard let count else { throw UsageError("generate \(kind) needs \(countOption) N") }
        guard let outputPath else { throw UsageError("generate \(kind) needs --out \(kind == "pings" ? "PATH" : "DIR")") }
        if kind == "dataset" { return .generateDataset(rows: count, seed: seed ?? 0, outputDirectory: outputPath) }
        return .generatePings(count: count, seed: seed ?? 0, outputPath: outputPath)
    }

    private static func parseSQLLogicTest(_ arguments: [String]) throws -> ShellCommand {
        var reader = ArgumentReader(arguments)
        var options = SQLLogicTestOptions()
        var paths: [String] = []
        while let argument = reader.next() {
            switch argument {
            case "--fail-fast": options.failFast = true
            case "--verbose", "-v": options.verbose = true
            case "--filter": options.filter = try reader.value(for: argument)
            default:
                try rejectOption(argument)
                paths.append(argument)
            }
        }
        guard !paths.isEmpty else { throw UsageError("sqllogictest needs at least one file or directory") }
        return .sqllogictest(options: options, paths: paths)
    }

    /// Rejects anything that looks like an option; a lone `-` is an operand.
    private static func rejectOption(_ argument: String) throws {
        if argument.hasPrefix("-"), argument != "-" { throw UsageError("unknown option \"\(argument)\"") }
    }
}

/// Hands out arguments one at a time, with the value that follows an option.
private struct ArgumentReader {
    private let arguments: [String]
    private var index = 0

    init(_ arguments: [String]) { self.arguments = arguments }

    mutating func next() -> String? {
        guard index < arguments.count else { return nil }
        index += 1
        return arguments[index - 1]
    }

    mutating func value(for option: String) throws -> String {
        guard let value = next() else { throw UsageError("option \"\(option)\" needs a value") }
        return value
    }
}
