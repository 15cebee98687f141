// Splitting scripts into statements and telling whether typed text is complete, as the
// shell does before it runs a statement.

import Testing
@testable import TeleSyntax

@Suite struct ScriptSplittingTests {
    @Test(arguments: [
        ("SELECT 1; SELECT 2;", ["SELECT 1", "SELECT 2"]),
        ("SELECT 1", ["SELECT 1"]),
        ("  SELECT 1 ;\n\n", ["SELECT 1"]),
        ("SELECT ';'; SELECT 2", ["SELECT ';'", "SELECT 2"]),
        ("SELECT \"a;b\" FROM t; X", ["SELECT \"a;b\" FROM t", "X"]),
        ("SELECT E'\\';' ; Y", ["SELECT E'\\';'", "Y"]),
        ("SELECT $$;$$; SELECT $t$ ; $t$;", ["SELECT $$;$$", "SELECT $t$ ; $t$"]),
        ("SELECT 1 -- ; not here\n; SELECT 2", ["SELECT 1 -- ; not here", "SELECT 2"]),
        ("SELECT /* ; /* ; */ ; */ 1; Z", ["SELECT /* ; /* ; */ ; */ 1", "Z"]),
        (";;; -- comment only\n;", []),
        ("SELECT a$b; c", ["SELECT a$b", "c"]),
        ("SELECT $1; c", ["SELECT $1", "c"]),
        ("SELECT 'open;", ["SELECT 'open;"]),
    ])
    func split(text: String, expected: [String]) {
        #expect(Parser.splitStatements(text) == expected)
    }

    @Test(arguments: [
        ("SELECT 1;", true),
        ("SELECT 1; -- done\n", true),
        ("SELECT 1; /* c */  ", true),
        ("SELECT 1", false),
        ("", false),
        ("SELECT 'a;", false),
        ("SELECT 'a;';", true),
        ("SELECT \"x;", false),
        ("SELECT /* ; */", false),
        ("SELECT /* ;", false),
        ("SELECT $$ ;", false),
        ("SELECT 1; SELECT 2", false),
        ("SELECT 1;\nSELECT 2;", true),
    ])
    func complete(text: String, expected: Bool) {
        #expect(Parser.isComplete(text) == expected)
    }
}
