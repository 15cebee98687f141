// Runs sqllogictest files against fresh sessions and reports passes, failures and skips.
//
// Each file gets a session of its own from the factory, so files cannot see each other's
// tables. Engine output is never force-unwrapped: an engine error in a `query` or
// `statement ok` record is a failure, and any error passes a `statement error` record.

import Foundation
import TeleCore
import TeleDB

/// Options of a sqllogictest run.
public struct SQLLogicTestOptions: Sendable, Equatable {
    /// Stop at the first failing record.
    public var failFast = false
    /// Run only files whose path contains this text.
    public var filter: String?
    /// Print every failure instead of the first `failureReportLimit`.
    public var verbose = false

    public init(failFast: Bool = false, filter: String? = nil, verbose: Bool = false) {
        self.failFast = failFast
        self.filter = filter
        self.verbose = verbose
    }
}

/// One record that did not give the expected outcome.
public struct SQLLogicTestFailure: Sendable, Equatable {
    public var path: String
    public var line: Int
    public var sql: String
    public var expected: [String]
    public var actual: [String]
    public var reason: String

    /// The failure as the runner prints it: location, SQL, expected and actual output.
    public var report: String {
        var text = "FAILED \(path):\(line): \(reason)\n"
        text += sql.splitLines().map { "    " + $0 }.joined(separator: "\n") + "\n"
        text += "  expected:\n" + expected.map { "    " + $0 + "\n" }.joined()
        text += "  actual:\n" + actual.map { "    " + $0 + "\n" }.joined()
        return text
    }
}

/// The outcome of one file.
public struct SQLLogicTestFileResult: Sendable, Equatable {
    public var path: String
    public var passed = 0
    public var failed = 0
    public var skipped = 0
    public var seconds = 0.0
    public var failures: [SQLLogicTestFailure] = []

    public init(path: String) { self.path = path }

    /// `path: P passed, F failed, S skipped (T s)`.
    public var summary: String {
        "\(path): \(passed) passed, \(failed) failed, \(skipped) skipped (\(String(format: "%.2f", seconds)) s)"
    }
}

public final class SQLLogicTestRunner {
    /// Engine names that `skipif` and `onlyif` treat as this engine.
    public static let engineNames: Set<String> = ["teledb", "postgresql"]
    /// Failures printed in full when the run is not verbose.
    public static let failureReportLimit = 10
    /// The hash threshold a file starts with; 0 means results are never hashed unless the
    /// file sets `hash-threshold`.
    static let defaultHashThreshold = 0

    let options: SQLLogicTestOptions
    let makeSession: () -> any ShellSession

    public init(options: SQLLogicTestOptions, makeSession: @escaping () -> any ShellSession) {
        self.options = options
        self.makeSession = makeSession
    }

    /// Runs every file under `paths` and prints per-file lines, failures and a total line
    /// through `output`.
    ///
    /// - Returns: The results of every file that ran, in order.
    @discardableResult
    public func run(paths: [String], output: (String) -> Void) throws -> [SQLLogicTestFileResult] {
        var results: [SQLLogicTestFileResult] = []
        var reportedFailures = 0
        for path in try Self.collectFiles(paths) where options.filter.map({ path.contains($0) }) ?? true {
            let result = runFile(path)
            results.append(result)
            output(result.summary)
            for failure in result.failures where options.verbose || reportedFailures < Self.failureReportLimit {
                output(failure.report)
                reportedFailures += 1
            }
            if options.failFast, result.failed > 0 { break }
        }
        let passed = results.reduce(0) { $0 + $1.passed }
        let failed = results.reduce(0) { $0 + $1.failed }
        let skipped = results.reduce(0) { $0 + $1.skipped }
        output("\(passed) passed, \(failed) failed, \(skipped) skipped")
        return results
    }

    /// Expands directories to the `.test` files below them, recursively and sorted; files
    /// named directly are kept whatever their extension.
    ///
    /// - Throws: `TeleError` when a path does not exist.
    public static func collectFiles(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw TeleError(.ioError, "test file \"\(path)\" not found", hint: "Pass a .test file or a directory that contains them.")
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let base = path.hasSuffix("/") ? String(path.dropLast()) : path
            let entries = FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? []
            files += entries.filter { $0.hasSuffix(".test") }.sorted().map { base + "/" + $0 }
        }
        return files
    }

    /// Runs one file on a fresh session.
    public func runFile(_ path: String) -> SQLLogicTestFileResult {
        let start = Date()
        var result = SQLLogicTestFileResult(path: path)
        do {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            result = runRecords(try SQLLogicTestParser.parse(text), path: path)
        } catch {
            result.failed += 1
            result.failures.append(SQLLogicTestFailure(
                path: path, line: (error as? SQLLogicTestParseError)?.line ?? 0, sql: "", expected: [], actual: [],
                reason: "cannot read the file: \(error)"))
        }
        result.seconds = Date().timeIntervalSince(start)
        return result
    }

    /// Runs parsed records in order on a fresh session.
    public func runRecords(_ records: [SQLLogicTestRecord], path: String) -> SQLLogicTestFileResult {
        var result = SQLLogicTestFileResult(path: path)
        let session = makeSession()
        var threshold = Self.defaultHashThreshold
        for record in records {
            if case .halt = record.kind, !Self.isSkipped(record) { break }
            if case .hashThreshold(let value) = record.kind {
                threshold = value
                continue
            }
            if Self.isSkipped(record) {
                result.skipped += 1
                continue
            }
            if let failure = check(record, on: session, path: path, threshold: threshold) {
                result.failed += 1
                result.failures.append(failure)
                if options.failFast { break }
            } else {
                result.passed += 1
            }
        }
        return result
    }

    /// Returns whether the record's `skipif`/`onlyif` guards exclude this engine.
    static func isSkipped(_ record: SQLLogicTestRecord) -> Bool {
        record.conditions.contains { condition in
            condition.onlyIf != engineNames.contains(condition.engine.lowercased())
        }
    }

    private func check(_ record: SQLLogicTestRecord, on session: any ShellSession, path: String, threshold: Int)
        -> SQLLogicTestFailure?
    {
        func failure(_ reason: String, expected: [String], actual: [String]) -> SQLLogicTestFailure {
            SQLLogicTestFailure(path: path, line: record.line, sql: record.sql, expected: expected, actual: actual, reason: reason)
        }

        switch record.kind {
        case .statement(let expectError):
            do {
                _ = try session.execute(record.sql)
                return expectError ? failure("statement succeeded", expected: ["an error"], actual: ["ok"]) : nil
            } catch {
                guard expectError else {
                    return failure("statement failed", expected: ["ok"], actual: [Self.describe(error)])
                }
                if let state = record.expectedState, (error as? TeleError)?.state.code != state {
                    return failure("wrong error", expected: ["ERROR \(state)"], actual: [Self.describe(error)])
                }
                return nil
            }
        case .query(let types, let sort, _, let expected):
            let expectedLines: [String]
            switch expected {
            case .lines(let lines): expectedLines = lines
            case .hash(let count, let md5): expectedLines = ["\(count) values hashing to \(md5)"]
            }
            let results: [StatementResult]
            do {
                results = try session.execute(record.sql)
            } catch {
                return failure("query failed", expected: expectedLines, actual: [Self.describe(error)])
            }
            guard let last = results.last, last.returnsRows else {
                return failure("query returned no result set", expected: expectedLines, actual: [])
            }
            if last.columns.count != types.count {
                return failure("query has \(last.columns.count) columns but the record declares \(types.count)",
                               expected: expectedLines, actual: last.columns.map(\.name))
            }
            let rows = SQLLogicTestResults.formatRows(last.rows, types: types, sort: sort)
            guard let reason = SQLLogicTestResults.mismatch(actual: rows, expected: expected) else { return nil }
            let actual = SQLLogicTestResults.render(actual: rows, expected: expected, threshold: threshold)
            return failure(reason, expected: expectedLines, actual: actual)
        case .hashThreshold, .halt:
            return nil
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? TeleError { return "ERROR \(error.state.code): \(error.message)" }
        return "error: \(error)"
    }
}
