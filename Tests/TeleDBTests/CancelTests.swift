// Cancelling a running statement from another thread, as the shell's Ctrl-C and a server's
// cancel request do.

import Dispatch
import Foundation
import Synchronization
import Testing
import TeleCore
@testable import TeleDB

@Suite("Cancel")
struct CancelTests {
    @Test("cancel stops a long join")
    func cancelLongJoin() throws {
        let session = Database.inMemory().connect()
        _ = try session.execute("CREATE TABLE digits (d INTEGER)")
        _ = try session.execute("INSERT INTO digits VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)")
        _ = try session.execute(
            "CREATE TABLE big AS SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d AS n FROM digits a, digits b, digits c, digits e")

        // Every row matches a thousand rows on the other side: ten million joined rows, far
        // more than finish before the cancel arrives.
        // The statement clears any cancel request when it starts, so on a busy machine a
        // single early request could be lost: repeat it until the statement has ended.
        let monitor = session.monitor
        let finished = Atomic<Bool>(false)
        DispatchQueue.global().async {
            while !finished.load(ordering: .sequentiallyConsistent) {
                usleep(100_000)
                monitor.cancel()
            }
        }
        let error = #expect(throws: TeleError.self) {
            try session.execute("SELECT count(*) FROM big x JOIN big y ON x.n % 10 = y.n % 10 JOIN digits z ON z.d >= 0")
        }
        finished.store(true, ordering: .sequentiallyConsistent)
        #expect(error?.state == .queryCanceled)

        // The next statement runs normally.
        #expect(try session.count("SELECT count(*) FROM big") == 10_000)
    }
}
