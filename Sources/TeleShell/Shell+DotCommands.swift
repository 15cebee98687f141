// The shell's dot commands: `.help`, `.tables`, `.schema`, `.mode`, `.chart`, `.timer`,
// `.maxrows`, `.maxwidth`, `.read`, `.open`, `.quit` and `.exit`.

import Foundation
import TeleCore
import TeleDB

extension Shell {
    static let dotCommandHelp = """
        .chart                 print the chart settings
        .chart auto|on|off     charts under tables: auto draws HISTOGRAM and CDF values, on also
                               draws (value, cumulative) results and series by date or build id
        .chart linear|log      scale histogram bars by count or by log10(1 + count)
        .chart trim P          leave the top P percent of each histogram's samples out of its chart
        .chart width N         set the chart width in columns, at least 40; 0 follows the terminal
        .exit                  leave the shell
        .help                  list the dot commands
        .maxrows N             show at most N rows in table mode, eliding the middle; 0 shows all
        .maxwidth N            cut table values wider than N columns off with "…"; 0 never cuts
        .mode [MODE]           set the output mode: table, csv, json, markdown, line or chart
        .open PATH             close this database and open PATH (":memory:" for an in-memory one)
        .quit                  leave the shell
        .read FILE             run the statements and dot commands in FILE
        .schema [TABLE]        print the CREATE TABLE statement of TABLE, or of every table
        .tables                list the tables
        .timer on|off          print the run time of each statement

        """

    /// Runs one dot command line, such as `.mode csv`.
    func runDotCommand(_ line: String, lineNumber: Int) {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let name = words[0]
        let arguments = Array(words.dropFirst())
        switch name {
        case ".help": output(Self.dotCommandHelp)
        case ".quit", ".exit": quit()
        case ".tables": output(session.tableNames.map { $0 + "\n" }.joined())
        case ".schema": printSchema(arguments, lineNumber: lineNumber)
        case ".mode": setMode(arguments, lineNumber: lineNumber)
        case ".chart": setChart(arguments, lineNumber: lineNumber)
        case ".timer": setTimer(arguments, lineNumber: lineNumber)
        case ".maxrows": setMaxRows(arguments, lineNumber: lineNumber)
        case ".maxwidth": setMaxCellWidth(arguments, lineNumber: lineNumber)
        case ".read": readFile(arguments, lineNumber: lineNumber)
        case ".open": openDatabase(arguments, lineNumber: lineNumber)
        default:
            reportError("unknown dot command \"\(name)\"", hint: "Type .help to list the dot commands.", lineNumber: lineNumber)
        }
    }

    private func printSchema(_ arguments: [String], lineNumber: Int) {
        let tables: [String]
        if let table = arguments.first {
            let names = session.tableNames
            guard let match = names.first(where: { $0 == table }) ?? names.first(where: { $0.lowercased() == table.lowercased() }) else {
                let hint = nearestName(to: table, among: names).map { "Did you mean \"\($0)\"?" } ?? "Type .tables to list the tables."
                reportError("table \"\(table)\" not found", hint: hint, lineNumber: lineNumber)
                return
            }
            tables = [match]
        } else {
            tables = session.tableNames
        }
        for table in tables {
            guard let columns = session.columns(of: table) else { continue }
            output(Self.createTableStatement(table: table, columns: columns) + "\n")
        }
    }

    /// `CREATE TABLE name (column TYPE, ...);` with identifiers quoted where SQL needs it.
    static func createTableStatement(table: String, columns: [ResultColumn]) -> String {
        let definitions = columns.map { quoteIdentifier($0.name) + " " + $0.type.sqlName }
        return "CREATE TABLE \(quoteIdentifier(table)) (\(definitions.joined(separator: ", ")));"
    }

    /// Quotes an identifier unless it is lowercase letters, digits and underscores that do
    /// not start with a digit, since only those read back unchanged without quotes.
    static func quoteIdentifier(_ name: String) -> String {
        let plain = !name.isEmpty && name.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "_")
        } && !(name.utf8.first.map { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } ?? false)
        if plain { return name }
        return "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private func setMode(_ arguments: [String], lineNumber: Int) {
        guard let name = arguments.first else {
            output("current output mode: \(mode.rawValue)\n")
            return
        }
        guard let newMode = OutputMode(rawValue: name.lowercased()) else {
            reportError("invalid output mode \"\(name)\"", hint: "Use one of \(OutputMode.namesList).", lineNumber: lineNumber)
            return
        }
        mode = newMode
    }

    private func setTimer(_ arguments: [String], lineNumber: Int) {
        switch arguments.first?.lowercased() {
        case "on": timerEnabled = true
        case "off": timerEnabled = false
        default:
            reportError("invalid .timer argument \"\(arguments.first ?? "")\"", hint: "Use .timer on or .timer off.", lineNumber: lineNumber)
        }
    }

    private func setMaxRows(_ arguments: [String], lineNumber: Int) {
        guard let text = arguments.first, let count = Int(text), count >= 0 else {
            reportError("invalid .maxrows argument \"\(arguments.first ?? "")\"",
                        hint: "Give a row count, such as .maxrows 40, or 0 to show every row.", lineNumber: lineNumber)
            return
        }
        maxRows = count
    }

    private func setMaxCellWidth(_ arguments: [String], lineNumber: Int) {
        guard let text = arguments.first, let width = Int(text), width == 0 || width >= 2 else {
            reportError("invalid .maxwidth argument \"\(arguments.first ?? "")\"",
                        hint: "Give a width of at least 2 columns, such as .maxwidth 60, or 0 to never cut values.",
                        lineNumber: lineNumber)
            return
        }
        maxCellWidth = width
    }

    private func readFile(_ arguments: [String], lineNumber: Int) {
        guard let path = arguments.first else {
            reportError(".read needs a file name", hint: "Use .read FILE.", lineNumber: lineNumber)
            return
        }
        let resolved = URL(fileURLWithPath: path).standardizedFileURL.path
        if readStack.contains(resolved) || readStack.count >= Shell.maximumReadDepth {
            let chain = (readStack + [resolved]).map { ($0 as NSString).lastPathComponent }.joined(separator: " -> ")
            reportError(
                ".read files nest too deeply or in a cycle: \(chain)",
                hint: "A file may not .read itself or a file that reads it; at most \(Shell.maximumReadDepth) files nest.",
                lineNumber: lineNumber)
            return
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            reportError("cannot read \"\(path)\": \(error.localizedDescription)", hint: "Check the path and its permissions.",
                        lineNumber: lineNumber)
            return
        }
        // Errors inside the file name their line in the file, whatever the prompt mode.
        let wasInScript = inScript
        inScript = true
        readStack.append(resolved)
        runScript(text)
        readStack.removeLast()
        inScript = wasInScript
    }

    private func openDatabase(_ arguments: [String], lineNumber: Int) {
        guard let path = arguments.first else {
            reportError(".open needs a database path", hint: "Use .open PATH, or .open :memory: for an in-memory database.",
                        lineNumber: lineNumber)
            return
        }
        do {
            database = try engine.open(path)
            session = database.makeSession()
            catalogDidChange?()
        } catch {
            reportError(error, statement: nil)
        }
    }
}
