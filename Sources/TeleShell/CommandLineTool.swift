// The `teledb` program: runs the command that the arguments name and returns the exit
// status.
//
// Exit statuses: 0 on success, 1 when a statement, an ingest or a test failed, 2 for a
// command line that cannot be parsed.

import Foundation
import TeleCore
import TeleIngest

public enum CommandLineTool {
    /// The version `teledb --version` prints.
    public static let version = "0.1.0"

    /// Runs `teledb` with the arguments after the program name.
    public static func main(arguments: [String], engine: any ShellEngine) -> Int32 {
        let command: ShellCommand
        do {
            command = try ArgumentParser.parse(arguments)
        } catch {
            writeError("teledb: \(error)\n\(ArgumentParser.usage)\n")
            return 2
        }
        switch command {
        case .help:
            writeOutput(ArgumentParser.help + "\n")
            return 0
        case .version:
            writeOutput("teledb \(engine.version)\n")
            return 0
        case .shell(let path, let mode):
            return runShell(engine: engine, path: path, mode: mode)
        case .run(let path, let sql, let mode):
            return runCommand(engine: engine, path: path, sql: sql, mode: mode ?? .table)
        case .ingest(let path, let dedupe, let schemaPath, let inputs):
            return runIngest(engine: engine, path: path, dedupe: dedupe, schemaPath: schemaPath, inputs: inputs)
        case .generatePings(let count, let seed, let outputPath):
            do {
                try engine.generatePings(count: count, seed: seed, to: outputPath)
                writeOutput("wrote \(count) pings to \(outputPath)\n")
                return 0
            } catch {
                writeError(ErrorFormatter.format(error, statement: nil, inScript: false))
                return 1
            }
        case .generateDataset(let rows, let seed, let directory):
            return runGenerateDataset(rows: rows, seed: seed, directory: directory)
        case .sqllogictest(let options, let paths):
            let runner = SQLLogicTestRunner(options: options) { engine.inMemoryDatabase().makeSession() }
            do {
                let results = try runner.run(paths: paths) { writeOutput($0 + "\n") }
                return results.contains { $0.failed > 0 } ? 1 : 0
            } catch {
                writeError(ErrorFormatter.format(error, statement: nil, inScript: false))
                return 1
            }
        }
    }

    /// Opens the database at `path`, the default database when nil, creating the default
    /// database's parent directory when missing.
    static func openDatabase(engine: any ShellEngine, path: String?) throws -> any ShellDatabase {
        guard let path else {
            let defaultPath = engine.defaultDatabasePath
            let parent = (defaultPath as NSString).deletingLastPathComponent
            do {
                try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            } catch {
                throw TeleError(.ioError, "cannot create directory \"\(parent)\": \(error.localizedDescription)",
                                hint: "Give a DBPATH, or set TELEDB_HOME to a writable directory.")
            }
            return try engine.open(defaultPath)
        }
        return try engine.open(path)
    }

    /// `teledb DBPATH -c SQL`: runs the statements in order and stops at the first error.
    static func runCommand(engine: any ShellEngine, path: String?, sql: String, mode: OutputMode) -> Int32 {
        let database: any ShellDatabase
        do {
            database = try openDatabase(engine: engine, path: path)
        } catch {
            writeError(ErrorFormatter.format(error, statement: nil, inScript: false))
            return 1
        }
        let shell = Shell(engine: engine, database: database, mode: mode, inScript: false,
                          output: writeOutput, errorOutput: writeError)
        // A dot command, such as `-c .tables`, runs on its own.
        let trimmed = sql.trimmingWhitespace()
        if trimmed.hasPrefix(".") {
            shell.runDotCommand(trimmed, lineNumber: 1)
            return shell.errorCount > 0 ? 1 : 0
        }
        for statement in StatementSplitter.split(sql) where !shell.run(statement) {
            return 1
        }
        return 0
    }

    /// Runs the shell at a terminal, or a script from a pipe. A script keeps going after errors
    /// and exits with 1 when any statement failed.
    static func runShell(engine: any ShellEngine, path: String?, mode: OutputMode?) -> Int32 {
        let database: any ShellDatabase
        do {
            database = try openDatabase(engine: engine, path: path)
        } catch {
            writeError(ErrorFormatter.format(error, statement: nil, inScript: false))
            return 1
        }
        let interactive = isatty(STDIN_FILENO) == 1
        let shell = Shell(engine: engine, database: database, mode: mode ?? .table, maxRows: interactive ? 40 : 0,
                          inScript: !interactive, output: writeOutput, errorOutput: writeError)
        if interactive {
            // Histograms print as long JSON; at a terminal a table stays readable when such
            // values are cut, and .maxwidth 0 shows them whole.
            shell.maxCellWidth = 60
            shell.showsQueryProgress = isatty(STDERR_FILENO) == 1
            writeOutput("TeleDB \(engine.version)\nEnter \".help\" for the dot commands; end statements with \";\".\n")
            let input = ReadlineLineInput(historyPath: historyPath())
            let refreshCompletion = { [unowned shell] in
                ReadlineLineInput.setCompletionWords(completionWords(engine: engine, session: shell.currentSession))
            }
            shell.catalogDidChange = refreshCompletion
            refreshCompletion()
            InputLoop.run(shell: shell, input: input, interactive: true)
        } else {
            InputLoop.run(shell: shell, input: PlainLineInput(), interactive: false)
        }
        return shell.errorCount > 0 && !interactive ? 1 : 0
    }

    /// Keywords, functions, tables and the columns of every table.
    static func completionWords(engine: any ShellEngine, session: any ShellSession) -> [String] {
        var words = engine.keywords + engine.functionNames
        for table in session.tableNames {
            words.append(table)
            words += session.columns(of: table)?.map(\.name) ?? []
        }
        return words
    }

    static func runIngest(engine: any ShellEngine, path: String, dedupe: Bool, schemaPath: String?, inputs: [String]) -> Int32 {
        do {
            let files = try IngestFiles.expand(inputs)
            let database = try engine.open(path)
            var progress: (@Sendable (Int, Int) -> Void)?
            if isatty(STDERR_FILENO) == 1 {
                // The facade reports progress in bytes read.
                let bar = ProgressBar(unit: .bytes)
                progress = { done, total in bar.update(done: done, total: total) }
            }
            let summary = try database.ingest(files: files, dedupe: dedupe, schemaPath: schemaPath, progress: progress)
            for notice in summary.notices { writeError("NOTICE: \(notice)\n") }
            writeOutput(summary.line + "\n")
            return 0
        } catch {
            // End a progress bar line that the failure cut short.
            if isatty(STDERR_FILENO) == 1 { writeError("\n") }
            writeError(ErrorFormatter.format(error, statement: nil, inScript: false))
            return 1
        }
    }

    /// `teledb generate dataset`: writes the benchmark CSV files into `directory`, creating it
    /// when missing.
    static func runGenerateDataset(rows: Int, seed: UInt64, directory: String) -> Int32 {
        do {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw TeleError(.ioError, "cannot create directory \"\(directory)\": \(error.localizedDescription)",
                                hint: "Give an --out directory that can be created or written.")
            }
            let summary = try BenchmarkDataset(pingCount: rows, seed: seed).write(to: directory)
            writeOutput(
                "wrote \(summary.pingRows) pings, \(summary.histogramRows) histogram bucket rows and "
                    + "\(summary.histogramValueRows) histogram values to \(directory)\n")
            return 0
        } catch {
            writeError(ErrorFormatter.format(error, statement: nil, inScript: false))
            return 1
        }
    }

    static func writeOutput(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func writeError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// Reads lines from an input until it ends or the shell quits.
public enum InputLoop {
    public static func run(shell: Shell, input: any LineInput, interactive: Bool) {
        var pending = PendingInput()
        var lineNumber = 0
        while !shell.shouldQuit {
            let prompt = pending.isEmpty ? Shell.mainPrompt : Shell.continuationPrompt
            guard let line = input.readLine(prompt: prompt) else { break }
            // Ctrl-C dropped whatever was typed before this line.
            if input.takeInterrupt() { pending = PendingInput() }
            lineNumber += 1
            let continued = pending.text
            shell.process(line: line, lineNumber: lineNumber, pending: &pending)
            // A statement typed over several lines is one history entry on one line, because the
            // history file stores one entry per line.
            if pending.isEmpty {
                input.addHistory(continued.isEmpty ? line : continued + " " + line)
            }
        }
        // A script's last statement runs even without its `;`, but at the prompt Ctrl-D discards it.
        if !pending.isEmpty, !shell.shouldQuit {
            if interactive { return }
            shell.flush(&pending)
        }
    }
}

/// The ping files an ingest reads.
public enum IngestFiles {
    /// Keeps files as given and expands each directory to the `.json` and `.ndjson` files
    /// below it, recursively, sorted by path.
    ///
    /// - Throws: `TeleError` when a path does not exist or a directory contains no ping files.
    public static func expand(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw TeleError(.ioError, "file \"\(path)\" not found", hint: "Pass ping files (.json or .ndjson) or directories of them.")
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let base = path.hasSuffix("/") ? String(path.dropLast()) : path
            let entries = FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? []
            let pings = entries.filter { $0.hasSuffix(".json") || $0.hasSuffix(".ndjson") }.sorted()
            guard !pings.isEmpty else {
                throw TeleError(.ioError, "directory \"\(path)\" contains no .json or .ndjson files",
                                hint: "Pass the directory that contains the ping files.")
            }
            files += pings.map { base + "/" + $0 }
        }
        return files
    }
}

extension CommandLineTool {
    /// The shell's history file: `$TELEDB_HOME/history` when TELEDB_HOME is set, so that
    /// setting keeps every TeleDB file in one folder, else `~/.teledb_history`.
    static func historyPath() -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let home = environment["TELEDB_HOME"], !home.isEmpty { return home + "/history" }
        return environment["HOME"].map { $0 + "/.teledb_history" }
    }
}
