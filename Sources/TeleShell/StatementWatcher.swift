// Watches a running statement from a second thread: draws a progress bar on stderr once the
// statement has run for a while, and turns Ctrl-C into a cancel request.

import Foundation
import Synchronization

/// A background thread that lives as long as one statement runs.
final class StatementWatcher: Sendable {
    /// How long a statement runs before the bar appears, so quick statements print nothing.
    static let delay: Duration = .milliseconds(700)
    static let interval: Duration = .milliseconds(100)

    private let running = Atomic<Bool>(true)
    private let finished = Mutex(false)
    private let done = DispatchSemaphore(value: 0)

    init(session: any ShellSession) {
        nonisolated(unsafe) let session = session
        let thread = Thread { [self] in
            watch(session)
            done.signal()
        }
        thread.start()
    }

    /// Stops the thread and erases the bar; safe to call more than once.
    func stop() {
        let first = finished.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        running.store(false, ordering: .sequentiallyConsistent)
        done.wait()
    }

    private func watch(_ session: any ShellSession) {
        let start = ContinuousClock.now
        var drawn = false
        var lastLine = ""
        while running.load(ordering: .sequentiallyConsistent) {
            Thread.sleep(forTimeInterval: 0.1)
            if takeStatementInterrupt() {
                session.cancel()
                FileHandle.standardError.write(Data("\r\u{1B}[Kcanceling the statement; press Ctrl-C again to quit\n".utf8))
                lastLine = ""
            }
            guard ContinuousClock.now - start >= Self.delay else { continue }
            let (readRows, totalRows) = session.queryProgress
            guard totalRows > 0 else { continue }
            let line = "\r" + ProgressBar.render(done: min(readRows, totalRows), total: totalRows, unit: .rows)
            if line != lastLine {
                FileHandle.standardError.write(Data(line.utf8))
                lastLine = line
                drawn = true
            }
        }
        // Erase the bar so results start on a clean line.
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
