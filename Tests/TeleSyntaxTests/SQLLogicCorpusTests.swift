// Parses the SQL of sqllogictest records from the shared corpus: every `statement` and
// `query` record, except those guarded by `onlyif` for another engine. The corpus comes from
// SQLite's test suite, so a few records use syntax that only SQLite accepts. Those records are
// matched by `sqliteOnlySyntax` with the reason, and any other failure fails the test.

import Foundation
import Testing
import TeleCore
@testable import TeleSyntax

/// One SQL record of a sqllogictest file.
struct SQLLogicRecord {
    var file: String
    var line: Int
    var sql: String
    /// Whether the record expects the statement to fail (`statement error`).
    var expectsError: Bool
}

enum SQLLogicCorpus {
    /// The shared corpus folder, or nil when it is absent.
    static var directory: URL? {
        sharedFolder(for: #filePath)?.appendingPathComponent("sqllogictest/test")
    }

    /// Reads the SQL records of one file. A record is a `statement` or `query` line followed
    /// by SQL lines up to a blank line or `----`. An `onlyif` line for another engine drops it.
    static func records(in url: URL) throws -> [SQLLogicRecord] {
        let text = try String(contentsOf: url, encoding: .utf8)
        // Some files end lines with CRLF, which Swift reads as one newline character.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        var records: [SQLLogicRecord] = []
        var skipNext = false
        var i = 0
        while i < lines.count {
            let line = lines[i].trimmingCharacters(in: .whitespaces)
            let words = line.split(separator: " ").map(String.init)
            if words.first == "onlyif", words.count > 1, words[1] != "postgresql" {
                skipNext = true
            }
            guard let keyword = words.first, keyword == "statement" || keyword == "query" else {
                if line.isEmpty { skipNext = false }
                i += 1
                continue
            }
            let firstSQLLine = i + 2
            var sqlLines: [String] = []
            i += 1
            while i < lines.count, !lines[i].trimmingCharacters(in: .whitespaces).isEmpty, lines[i] != "----" {
                sqlLines.append(lines[i])
                i += 1
            }
            if !skipNext {
                records.append(SQLLogicRecord(
                    file: url.lastPathComponent, line: firstSQLLine,
                    sql: sqlLines.joined(separator: "\n"),
                    expectsError: keyword == "statement" && words.count > 1 && words[1] == "error"))
            }
            skipNext = false
        }
        return records
    }

    /// Parses each record and returns those that fail, with the error.
    static func failures(in records: [SQLLogicRecord]) -> [(SQLLogicRecord, TeleError)] {
        records.compactMap { record in
            do {
                _ = try Parser.parse(record.sql)
                return nil
            } catch let error as TeleError {
                return (record, error)
            } catch {
                return (record, TeleError.internalError("\(error)"))
            }
        }
    }
}

@Suite struct SQLLogicCorpusTests {
    /// Syntax that SQLite accepts and PostgreSQL rejects, as a fragment of the record's SQL.
    private let sqliteOnlySyntax: [(fragment: String, reason: String)] = [
        ("IN ()", "an empty IN list"),
        ("NOT INDEXED", "SQLite's index hint"),
        (" NOT NULL ORDER", "postfix NOT NULL; PostgreSQL writes IS NOT NULL or NOTNULL"),
        ("<<", "the bit-shift operator, which TeleDB's tree has no node for"),
        ("x'", "a blob literal"),
    ]

    private func check(_ relativePaths: [String]) throws {
        guard let directory = SQLLogicCorpus.directory else { return }
        var records: [SQLLogicRecord] = []
        for path in relativePaths {
            records += try SQLLogicCorpus.records(in: directory.appendingPathComponent(path))
        }
        #expect(!records.isEmpty)
        let failures = SQLLogicCorpus.failures(in: records)
        let sqliteOnly = failures.filter { failure in
            sqliteOnlySyntax.contains { failure.0.sql.contains($0.fragment) }
        }
        let unexpected = failures.filter { failure in
            !failure.0.expectsError && !sqliteOnlySyntax.contains { failure.0.sql.contains($0.fragment) }
        }
        print("sqllogictest, \(relativePaths.joined(separator: " ")): \(records.count) records, "
              + "\(failures.count) fail to parse, \(sqliteOnly.count) of them for SQLite-only syntax")
        for (record, error) in unexpected {
            Issue.record("\(record.file):\(record.line): \(error.message) in: \(record.sql)")
        }
    }

    @Test func select1() throws {
        try check(["select1.test"])
    }

    @Test func select2AndIndexBetween() throws {
        guard let directory = SQLLogicCorpus.directory else { return }
        let between = directory.appendingPathComponent("index/between")
        var paths = ["select2.test"]
        if let enumerator = FileManager.default.enumerator(atPath: between.path) {
            for case let path as String in enumerator where path.hasSuffix(".test") {
                paths.append("index/between/" + path)
            }
        }
        try check(paths.sorted())
    }

    /// The 18 files of random queries hold about 180,000 records and take close to a minute
    /// in a debug build, so they run only when TELEDB_SLOW_TESTS is set.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["TELEDB_SLOW_TESTS"] != nil))
    func randomQueries() throws {
        guard let directory = SQLLogicCorpus.directory else { return }
        var paths: [String] = []
        for folder in ["aggregates", "expr", "groupby", "select"] {
            let url = directory.appendingPathComponent("random/" + folder)
            guard let files = try? FileManager.default.contentsOfDirectory(atPath: url.path) else { continue }
            paths += files.filter { $0.hasSuffix(".test") }.map { "random/\(folder)/\($0)" }
        }
        try check(paths.sorted())
    }

    @Test func evidence() throws {
        guard let directory = SQLLogicCorpus.directory else { return }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("evidence").path)
        try check(files.filter { $0.hasSuffix(".test") }.sorted().map { "evidence/" + $0 })
    }
}
