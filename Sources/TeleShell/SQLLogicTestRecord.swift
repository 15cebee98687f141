// The records of a sqllogictest file and the parser that reads them.
//
// A file is a list of records separated by blank lines. `statement ok|error` runs one
// statement; `query <types> [<sort>] [<label>]` runs a query whose expected values follow
// a `----` line; `hash-threshold N` sets when results are abbreviated to an MD5;
// `skipif`/`onlyif <engine>` guard the next record; `halt` ends the file. Lines starting
// with `#` are comments.

/// How a query's actual values are ordered before the comparison.
public enum SortMode: String, Sendable, Equatable {
    case nosort
    /// Rows sorted by their values compared as text, column by column.
    case rowsort
    /// All values sorted individually as text.
    case valuesort
}

/// The expected output of a query.
public enum ExpectedResult: Sendable, Equatable {
    /// The values or rows as written, one line each.
    case lines([String])
    /// `N values hashing to <md5>`.
    case hash(count: Int, md5: String)
}

/// An engine guard: `skipif name` or `onlyif name`.
public struct EngineCondition: Sendable, Equatable {
    public var onlyIf: Bool
    public var engine: String

    public init(onlyIf: Bool, engine: String) {
        self.onlyIf = onlyIf
        self.engine = engine
    }
}

/// One record of a sqllogictest file.
public struct SQLLogicTestRecord: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case statement(expectError: Bool)
        case query(types: String, sort: SortMode, label: String?, expected: ExpectedResult)
        case hashThreshold(Int)
        case halt
    }

    public var kind: Kind
    public var sql: String
    public var conditions: [EngineCondition]
    /// The 1-based line of the record's first line.
    public var line: Int
    /// For `statement error XXXXX`: the SQLSTATE the error must carry.
    public var expectedState: String?

    public init(kind: Kind, sql: String, conditions: [EngineCondition], line: Int, expectedState: String? = nil) {
        self.kind = kind
        self.sql = sql
        self.conditions = conditions
        self.line = line
        self.expectedState = expectedState
    }
}

/// A malformed record, with the line it starts on.
public struct SQLLogicTestParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var message: String

    public var description: String { "line \(line): \(message)" }
}

public enum SQLLogicTestParser {
    /// Parses the text of a sqllogictest file into records.
    ///
    /// - Throws: `SQLLogicTestParseError` for a record whose first line is not a known command.
    public static func parse(_ text: String) throws -> [SQLLogicTestRecord] {
        let lines = text.splitLines()
        var records: [SQLLogicTestRecord] = []
        var conditions: [EngineCondition] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            let trimmed = line.trimmingWhitespace()
            if trimmed.isEmpty || trimmed.hasPrefix("#") {
                index += 1
                continue
            }
            let words = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            let lineNumber = index + 1
            index += 1
            switch words[0] {
            case "skipif", "onlyif":
                guard words.count >= 2 else { throw SQLLogicTestParseError(line: lineNumber, message: "\(words[0]) needs an engine name") }
                conditions.append(EngineCondition(onlyIf: words[0] == "onlyif", engine: words[1]))
                continue
            case "halt":
                records.append(SQLLogicTestRecord(kind: .halt, sql: "", conditions: conditions, line: lineNumber))
            case "hash-threshold":
                guard words.count >= 2, let threshold = Int(words[1]) else {
                    throw SQLLogicTestParseError(line: lineNumber, message: "hash-threshold needs an integer, got \"\(trimmed)\"")
                }
                records.append(SQLLogicTestRecord(kind: .hashThreshold(threshold), sql: "", conditions: conditions, line: lineNumber))
            case "statement":
                guard words.count >= 2, words[1] == "ok" || words[1] == "error" else {
                    throw SQLLogicTestParseError(line: lineNumber, message: "expected \"statement ok\" or \"statement error\", got \"\(trimmed)\"")
                }
                // An expected error message after `----` is allowed but not compared. A
                // five-character code after `error` is a SQLSTATE the error must carry.
                let block = readBlock(lines, from: &index)
                let sql = block.split(separator: "----", maxSplits: 1, omittingEmptySubsequences: false).first ?? []
                var expectedState: String?
                if words[1] == "error", words.count >= 3, words[2].count == 5,
                    words[2].allSatisfy({ $0.isNumber || ($0.isLetter && $0.isUppercase) })
                {
                    expectedState = String(words[2])
                }
                records.append(SQLLogicTestRecord(
                    kind: .statement(expectError: words[1] == "error"), sql: sql.joined(separator: "\n"),
                    conditions: conditions, line: lineNumber, expectedState: expectedState))
            case "query":
                records.append(try parseQuery(words, lines: lines, index: &index, conditions: conditions, line: lineNumber))
            default:
                throw SQLLogicTestParseError(line: lineNumber, message: "unknown record \"\(words[0])\"")
            }
            conditions = []
        }
        return records
    }

    private static func parseQuery(
        _ words: [String], lines: [String], index: inout Int, conditions: [EngineCondition], line: Int
    ) throws -> SQLLogicTestRecord {
        guard words.count >= 2 else { throw SQLLogicTestParseError(line: line, message: "query needs its column types, such as \"query II\"") }
        let types = words[1]
        var sort = SortMode.nosort
        var label: String?
        if words.count >= 3 {
            guard let mode = SortMode(rawValue: words[2]) else {
                throw SQLLogicTestParseError(line: line, message: "unknown sort mode \"\(words[2])\"; use nosort, rowsort or valuesort")
            }
            sort = mode
        }
        if words.count >= 4 { label = words[3] }

        let block = readBlock(lines, from: &index)
        let parts = block.split(separator: "----", maxSplits: 1, omittingEmptySubsequences: false)
        let sql = parts[0].joined(separator: "\n")
        let resultLines = parts.count > 1 ? Array(parts[1]) : []
        return SQLLogicTestRecord(
            kind: .query(types: types, sort: sort, label: label, expected: expectedResult(resultLines)),
            sql: sql, conditions: conditions, line: line)
    }

    /// Reads lines up to the next blank line or the end of the file.
    private static func readBlock(_ lines: [String], from index: inout Int) -> [String] {
        var block: [String] = []
        while index < lines.count, !lines[index].trimmingWhitespace().isEmpty {
            block.append(lines[index])
            index += 1
        }
        return block
    }

    private static func expectedResult(_ lines: [String]) -> ExpectedResult {
        if lines.count == 1 {
            let words = lines[0].split(separator: " ")
            if words.count == 5, words[1] == "values", words[2] == "hashing", words[3] == "to", let count = Int(words[0]) {
                return .hash(count: count, md5: String(words[4]))
            }
        }
        return .lines(lines)
    }
}

extension String {
    /// Splits the text into lines at LF or CRLF, without the line breaks.
    ///
    /// Swift treats CRLF as one `Character`, so splitting at "\n" alone would miss it.
    func splitLines() -> [String] {
        split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map(String.init)
    }

    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" || first == "\r" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" || last == "\r" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
