// The shell's state and its input loop body: collecting lines into statements, running
// them, and printing results, timings and errors.
//
// Input arrives one line at a time, from the prompt, a pipe or `.read`. A line that starts
// with `.` while no statement is pending is a dot command (Shell+DotCommands.swift). Other
// lines collect until the text ends with a `;` outside quotes and comments. Then each
// statement runs on its own, so an error position points into that statement's text.

import Foundation
import TeleCore
import TeleDB

/// Statement text collected from input lines that does not end in `;` yet.
public struct PendingInput: Sendable, Equatable {
    public var text = ""
    /// The input line the pending text starts on.
    public var firstLine = 0

    public init() {}

    public var isEmpty: Bool { text.isEmpty }
}

public final class Shell {
    public static let mainPrompt = "teledb> "
    public static let continuationPrompt = "   ...> "

    let engine: any ShellEngine
    var database: any ShellDatabase
    var session: any ShellSession
    public var mode: OutputMode
    /// Rows table mode shows before eliding the middle; 0 shows all.
    public var maxRows: Int
    /// The display width at which table mode cuts a value off with `…`; 0 never cuts.
    public var maxCellWidth = 0
    public var timerEnabled = false
    /// The chart settings that `.chart` changes: scale, trimming, width and whether table mode adds charts.
    public var chartOptions = ChartOptions(width: 0)
    /// Whether input comes from a script rather than the prompt, so errors name their line.
    public var inScript: Bool
    /// Whether a long statement shows a progress bar on stderr and Ctrl-C cancels it; set
    /// for an interactive shell whose stderr is a terminal.
    public var showsQueryProgress = false
    /// Errors printed so far; a script run exits non-zero when this is not 0.
    public private(set) var errorCount = 0
    /// Set by `.quit` and `.exit`.
    public private(set) var shouldQuit = false
    /// Called after a statement that may have changed the tables, so completion can refresh.
    public var catalogDidChange: (() -> Void)?

    let output: (String) -> Void
    let errorOutput: (String) -> Void
    /// Files that `.read` is running, outermost first, to reject cycles.
    var readStack: [String] = []
    /// The most `.read` files that may nest.
    static let maximumReadDepth = 32

    public init(engine: any ShellEngine, database: any ShellDatabase, mode: OutputMode = .table, maxRows: Int = 0,
                inScript: Bool, output: @escaping (String) -> Void, errorOutput: @escaping (String) -> Void) {
        self.engine = engine
        self.database = database
        self.session = database.makeSession()
        self.mode = mode
        self.maxRows = maxRows
        self.inScript = inScript
        self.output = output
        self.errorOutput = errorOutput
    }

    /// The session statements run on; `.open` replaces it.
    public var currentSession: any ShellSession { session }

    /// Feeds one input line.
    ///
    /// Runs a dot command at once, or appends the line to `pending` and runs the pending
    /// statements once they end with `;`.
    public func process(line: String, lineNumber: Int, pending: inout PendingInput) {
        if pending.isEmpty {
            let trimmed = line.trimmingWhitespace()
            if trimmed.hasPrefix(".") {
                runDotCommand(trimmed, lineNumber: lineNumber)
                return
            }
            // Blank lines and comments between statements start nothing, unless the line opens
            // a block comment that continues on the next line.
            if !StatementSplitter.hasContent(trimmed), StatementSplitter.isComplete(trimmed + "\n;") { return }
            pending.firstLine = lineNumber
            pending.text = line
        } else {
            pending.text += "\n" + line
        }
        if StatementSplitter.isComplete(pending.text) { flush(&pending) }
    }

    /// Runs what is pending at the end of input, even without a final `;`.
    public func flush(_ pending: inout PendingInput) {
        let statements = StatementSplitter.split(pending.text, firstLine: pending.firstLine)
        pending = PendingInput()
        for statement in statements {
            run(statement)
            if shouldQuit { return }
        }
    }

    /// Runs every line of `text` as if typed, then whatever is left pending.
    public func runScript(_ text: String) {
        var pending = PendingInput()
        var lineNumber = 0
        for line in text.splitLines() {
            lineNumber += 1
            process(line: line, lineNumber: lineNumber, pending: &pending)
            if shouldQuit { return }
        }
        flush(&pending)
    }

    /// Runs one statement and prints its results, notices, run time or error.
    ///
    /// - Returns: Whether it succeeded.
    @discardableResult
    public func run(_ statement: SplitStatement) -> Bool {
        let start = DispatchTime.now().uptimeNanoseconds
        let results: [StatementResult]
        let watcher = showsQueryProgress ? StatementWatcher(session: session) : nil
        defer { watcher?.stop() }
        do {
            results = try session.execute(statement.text)
            watcher?.stop()
        } catch {
            watcher?.stop()
            reportError(error, statement: statement)
            return false
        }
        for result in results {
            for notice in result.notices { errorOutput("NOTICE: \(notice)\n") }
            ResultFormatter.write(result, mode: mode, maxRows: maxRows, maxCellWidth: maxCellWidth, charts: chartOptions,
                                  to: output)
            if !inScript, Shell.reportsRowCount(result) { output(result.commandTag + "\n") }
        }
        // The time includes writing the rows, as a client's time includes fetching them.
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if timerEnabled { output("Run Time: \(String(format: "%.6f", seconds)) s\n") }
        if results.contains(where: { !$0.returnsRows }) { catalogDidChange?() }
        return true
    }

    /// Returns whether the shell prints the command tag (`INSERT 0 3`, `COPY 2`) of a statement, as
    /// psql does, so a user sees how many rows a change touched.
    static func reportsRowCount(_ result: StatementResult) -> Bool {
        guard !result.returnsRows, let verb = result.commandTag.split(separator: " ").first else { return false }
        return ["INSERT", "UPDATE", "DELETE", "COPY"].contains(String(verb))
    }

    func reportError(_ error: any Error, statement: SplitStatement?) {
        errorCount += 1
        errorOutput(ErrorFormatter.format(error, statement: statement, inScript: inScript))
    }

    /// Prints a shell error that no statement caused, such as a bad dot command.
    func reportError(_ message: String, hint: String?, lineNumber: Int) {
        errorCount += 1
        var text = "Error: "
        if inScript { text += "near line \(lineNumber): " }
        text += message + "\n"
        if let hint { text += "HINT: \(hint)\n" }
        errorOutput(text)
    }

    func quit() { shouldQuit = true }
}
