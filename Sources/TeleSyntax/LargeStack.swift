// Running deeply nested input on a thread with a large stack. Recursive descent uses about a
// dozen stack frames per level of nesting, and a debug build spends far more per frame than a
// release build, so 1,000 nested subqueries do not fit in the stack of a secondary thread.
// Statements that nest deeply are parsed on a thread of their own whose stack is sized for
// `Parser.maximumNestingDepth`. Shallow statements, the usual case, skip the thread.

import Glibc
import TeleCore

/// A type-erased job, so that the C thread entry point needs no generic context.
private class StackJob {
    func run() {}
}

private final class TypedStackJob<T>: StackJob, @unchecked Sendable {
    let body: () throws -> T
    var result: Result<T, any Error>?

    init(_ body: @escaping () throws -> T) {
        self.body = body
    }

    override func run() {
        result = Result { try body() }
    }
}

/// Runs `body` on a new thread with a stack of `stackSize` bytes and waits for it to finish.
///
/// - Throws: what `body` throws, or 54001 when the thread cannot be started.
func runOnLargeStack<T>(stackSize: Int, _ body: () throws -> T) throws -> T {
    try withoutActuallyEscaping(body) { escapable in
        let job = TypedStackJob(escapable)
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, stackSize)

        var thread = pthread_t()
        let context = Unmanaged.passRetained(job as StackJob).toOpaque()
        let status = pthread_create(&thread, &attributes, { context in
            guard let context else { return nil }
            Unmanaged<StackJob>.fromOpaque(context).takeRetainedValue().run()
            return nil
        }, context)
        guard status == 0 else {
            Unmanaged<StackJob>.fromOpaque(context).release()
            throw TeleError(
                .statementTooComplex, "statement is too deeply nested",
                detail: "A thread for parsing deeply nested statements could not be started (error \(status)).",
                hint: "Simplify the statement.")
        }
        pthread_join(thread, nil)
        guard let result = job.result else {
            preconditionFailure("the parser thread finished without a result")
        }
        return try result.get()
    }
}
