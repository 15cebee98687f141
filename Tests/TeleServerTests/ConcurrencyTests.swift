// Many clients at once: readers querying while one connection inserts must each see a
// committed state, and no insert may be lost.

import Foundation
import Synchronization
import Testing

@testable import TeleServer

@Suite struct ConcurrencyTests {
    @Test func fiftyReadersWhileOneWrites() throws {
        try withServer { server in
            let setup = try server.client()
            _ = try setup.rows("CREATE TABLE events (batch INTEGER, v INTEGER)")

            let batches = 60
            let rowsPerBatch = 10
            let readers = 50
            let failures = Mutex<[String]>([])
            let answers = Atomic<Int>(0)
            let writerDone = Atomic<Bool>(false)
            let port = server.port
            var threads: [Thread] = []
            let finished = DispatchSemaphore(value: 0)

            threads.append(
                Thread {
                    defer {
                        writerDone.store(true, ordering: .releasing)
                        finished.signal()
                    }
                    do {
                        let writer = try WireClient.connected(port: port)
                        for batch in 1...batches {
                            let values = (1...rowsPerBatch).map { _ in "(\(batch), 1)" }.joined(separator: ", ")
                            // Half the batches go through an explicit transaction.
                            if batch % 2 == 0 {
                                _ = try writer.rows("BEGIN; INSERT INTO events VALUES \(values); COMMIT")
                            } else {
                                _ = try writer.rows("INSERT INTO events VALUES \(values)")
                            }
                        }
                    } catch {
                        failures.withLock { $0.append("writer: \(error)") }
                    }
                })
            for reader in 0..<readers {
                threads.append(
                    Thread {
                        defer { finished.signal() }
                        do {
                            let client = try WireClient.connected(port: port)
                            var last = 0
                            repeat {
                                let row = try client.rows("SELECT count(*), sum(v) FROM events").first ?? []
                                let count = Int(row.first.flatMap { $0 } ?? "") ?? -1
                                let sum = Int(row.last.flatMap { $0 } ?? "0") ?? -1
                                answers.add(1, ordering: .relaxed)
                                if count % rowsPerBatch != 0 || (count > 0 && sum != count) || count < last {
                                    failures.withLock { $0.append("reader \(reader): count \(count) sum \(sum) after \(last)") }
                                }
                                last = count
                            } while !writerDone.load(ordering: .acquiring)
                        } catch {
                            failures.withLock { $0.append("reader \(reader): \(error)") }
                        }
                    })
            }
            for thread in threads { thread.start() }
            for _ in threads { finished.wait() }

            #expect(failures.withLock { $0 } == [])
            #expect(answers.load(ordering: .relaxed) >= readers)
            #expect(try setup.rows("SELECT count(*), count(DISTINCT batch) FROM events") == [["\(batches * rowsPerBatch)", "\(batches)"]])
        }
    }
}
