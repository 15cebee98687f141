// How many threads one query may use, and running work on that many threads.
//
// The caller that runs a statement installs the session's `threads` setting for the current
// thread with `Parallelism.run(threads:_:)`; without it a query may use every core. Parallel
// operators start their workers with `Parallelism.forEachWorker`, which gives each worker
// the caller's cancellation and statement time (both are kept per thread) and stops the other
// workers soon after one of them fails.

import Dispatch
import Foundation
import Synchronization

public enum Parallelism {
    private static let threadKey = "teledb.worker-threads"

    /// The maximum number of threads a query may use on this machine: its active cores.
    public static var processorCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Runs `body` with at most `threads` threads per query on this thread.
    public static func run<Result>(threads: Int, _ body: () throws -> Result) rethrows -> Result {
        let dictionary = Thread.current.threadDictionary
        let previous = dictionary[threadKey]
        dictionary[threadKey] = NSNumber(value: max(1, threads))
        defer { dictionary[threadKey] = previous }
        return try body()
    }

    /// The threads a query running on this thread may use.
    public static var threads: Int {
        if let installed = Thread.current.threadDictionary[threadKey] as? NSNumber { return installed.intValue }
        return processorCount
    }

    /// Calls `body(worker)` for every worker in `0..<workers`, on as many threads at once as the
    /// system's pool has free, and returns when all have returned. The first error any worker
    /// throws is rethrown.
    static func forEachWorker(_ workers: Int, _ body: @escaping (Int) throws -> Void) throws {
        let context = WorkerContext.capture()
        let errors = WorkerErrors(count: workers)
        let task = UncheckedTask(body)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            do {
                try context.install { try task.body(worker) }
            } catch {
                errors.record(error, worker: worker)
                context.cancellation.stopOthers()
            }
        }
        if let error = errors.first { throw error }
    }
}

/// The per-thread state of the calling thread that every worker needs.
private struct WorkerContext: @unchecked Sendable {
    let cancellation: WorkerCancellation
    let statementTime: Int64?
    let threads: Int

    static func capture() -> WorkerContext {
        WorkerContext(
            cancellation: WorkerCancellation(parent: Interruption.current), statementTime: StatementClock.installed,
            threads: Parallelism.threads)
    }

    func install(_ body: () throws -> Void) throws {
        try Interruption.run(cancellation) {
            try Parallelism.run(threads: threads) {
                if let statementTime {
                    try StatementClock.run(at: statementTime, body)
                } else {
                    try body()
                }
            }
        }
    }
}

/// The statement's cancellation, plus a flag a failing worker raises to stop the others.
private final class WorkerCancellation: QueryCancellation {
    let parent: (any QueryCancellation)?
    private let stopped = Atomic<Bool>(false)

    init(parent: (any QueryCancellation)?) { self.parent = parent }

    func stopOthers() { stopped.store(true, ordering: .relaxed) }

    func checkCancelled() throws {
        try parent?.checkCancelled()
        if stopped.load(ordering: .relaxed) {
            throw WorkerStop.anotherWorkerFailed
        }
    }
}

/// Thrown by a worker that stops because another one failed; the other worker's error is the
/// one reported, so this one never reaches a user.
private enum WorkerStop: Error { case anotherWorkerFailed }

/// The error of each worker, kept so that the first real one is reported.
private final class WorkerErrors: Sendable {
    private let errors: Mutex<[(worker: Int, error: any Error)]>

    init(count: Int) { errors = Mutex([]) }

    func record(_ error: any Error, worker: Int) {
        errors.withLock { $0.append((worker, error)) }
    }

    /// The failure that stopped the work: a real error before a stop caused by one.
    var first: (any Error)? {
        errors.withLock { list in
            list.first { !($0.error is WorkerStop) }?.error ?? list.first?.error
        }
    }
}

/// Carries a worker body that touches per-worker operator objects across threads. Each
/// worker index is handed to exactly one thread, so no object is used by two at once.
private struct UncheckedTask: @unchecked Sendable {
    let body: (Int) throws -> Void
    init(_ body: @escaping (Int) throws -> Void) { self.body = body }
}
