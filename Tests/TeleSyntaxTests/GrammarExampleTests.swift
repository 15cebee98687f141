// Every example statement in Grammar/teledb.ebnf (lines starting with `-- example: `) and
// every ```sql block in Docs/*.md must parse.

import Foundation
import Testing
import TeleCore
@testable import TeleSyntax

@Suite struct GrammarExampleTests {
    private let root = repositoryRoot(for: #filePath)

    @Test func grammarExamplesParse() throws {
        let grammar = root.appendingPathComponent("Grammar/teledb.ebnf")
        let text = try String(contentsOf: grammar, encoding: .utf8)
        let prefix = "-- example: "
        let examples = text.split(whereSeparator: \.isNewline)
            .filter { $0.hasPrefix(prefix) }
            .map { String($0.dropFirst(prefix.count)) }
        #expect(examples.count >= 30)
        for example in examples {
            do {
                let statements = try Parser.parse(example)
                #expect(statements.count == 1, "\(example) holds \(statements.count) statements")
            } catch {
                Issue.record("grammar example failed: \(example): \(error)")
            }
        }
    }

    @Test func documentationSQLParses() throws {
        let docs = root.appendingPathComponent("Docs")
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: docs.path) else { return }
        for file in files.sorted() where file.hasSuffix(".md") {
            let text = try String(contentsOf: docs.appendingPathComponent(file), encoding: .utf8)
            for block in sqlBlocks(in: text) {
                do {
                    _ = try Parser.parse(block)
                } catch {
                    Issue.record("Docs/\(file): \(error)\nin:\n\(block)")
                }
            }
        }
    }

    /// Extracts the bodies of ```sql fenced blocks.
    private func sqlBlocks(in markdown: String) -> [String] {
        var blocks: [String] = []
        var current: [Substring]?
        for line in markdown.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if current == nil, trimmed.lowercased() == "```sql" {
                current = []
            } else if let body = current, trimmed.hasPrefix("```") {
                blocks.append(body.joined(separator: "\n"))
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }
}
