import Testing
@testable import TeleShell

@Suite struct StatementSplitterTests {
    @Test func splitsAtTopLevelSemicolons() {
        let statements = StatementSplitter.split("SELECT 1; SELECT 2;")
        #expect(statements == [SplitStatement(text: "SELECT 1", line: 1), SplitStatement(text: "SELECT 2", line: 1)])
    }

    @Test func ignoresSemicolonsInQuotes() {
        let statements = StatementSplitter.split("SELECT ';', \"a;b\";\nSELECT 'it''s;'")
        #expect(statements.map(\.text) == ["SELECT ';', \"a;b\"", "SELECT 'it''s;'"])
        #expect(statements.map(\.line) == [1, 2])
    }

    @Test func ignoresSemicolonsInComments() {
        let statements = StatementSplitter.split("SELECT 1 -- a;b\n; /* ; */ SELECT 2;")
        #expect(statements.map(\.text) == ["SELECT 1 -- a;b", "/* ; */ SELECT 2"])
    }

    @Test func dropsEmptyAndCommentOnlyPieces() {
        let statements = StatementSplitter.split(";;\n-- only a comment\n;  ")
        #expect(statements.isEmpty)
    }

    @Test func countsLinesAcrossStatements() {
        let text = "SELECT 1;\n\n\nSELECT\n  2;\n/* two\nlines */ SELECT 3"
        let statements = StatementSplitter.split(text, firstLine: 10)
        #expect(statements.map(\.line) == [10, 13, 15])
        #expect(statements.last?.text == "/* two\nlines */ SELECT 3")
    }

    @Test func completeNeedsFinalSemicolon() {
        #expect(StatementSplitter.isComplete("SELECT 1;"))
        #expect(StatementSplitter.isComplete("SELECT 1; -- done"))
        #expect(StatementSplitter.isComplete("SELECT 1;\n"))
        #expect(!StatementSplitter.isComplete("SELECT 1"))
        #expect(!StatementSplitter.isComplete("SELECT 1; SELECT"))
        #expect(!StatementSplitter.isComplete(""))
        #expect(!StatementSplitter.isComplete("/* ; */"))
    }

    @Test func dollarQuotesAndEscapes() {
        let statements = StatementSplitter.split("SELECT $$a;b$$;\nSELECT E'it\\'s;';")
        #expect(statements.map(\.text) == ["SELECT $$a;b$$", "SELECT E'it\\'s;'"])
        #expect(statements.map(\.line) == [1, 2])
    }

    @Test func repeatedStatementsGetOwnLines() {
        let statements = StatementSplitter.split("SELECT 1;\nSELECT 1;\n\nSELECT 1;")
        #expect(statements.map(\.line) == [1, 2, 4])
    }

    @Test func incompleteInsideQuotesOrComments() {
        #expect(!StatementSplitter.isComplete("SELECT ';"))
        #expect(!StatementSplitter.isComplete("SELECT 'a'';"))
        #expect(!StatementSplitter.isComplete("SELECT 1; /* open"))
        #expect(StatementSplitter.isComplete("SELECT 'a;b';"))
    }
}
