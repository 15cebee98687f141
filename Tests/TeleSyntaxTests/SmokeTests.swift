import Testing
import TeleCore
@testable import TeleSyntax

@Suite struct SmokeTests {
    @Test func selectParses() throws {
        let statements = try Parser.parse("SELECT a, b AS c FROM t WHERE x = 1 AND y < 2 ORDER BY a DESC LIMIT 10")
        print(statements)
        #expect(statements.count == 1)
    }
}
