// LISTEN/NOTIFY between the connections of one server.
//
// NOTIFY appends to the queue of every connection listening on the channel and wakes it. A
// connection drains its queue when it is idle outside a transaction block or has just
// finished a command, and sends each entry as a NotificationResponse. Queues live in memory:
// a notification reaches only connections that listen when it is sent, as in PostgreSQL.

import Synchronization

/// One NOTIFY as a listener receives it.
struct Notification: Sendable, Equatable {
    var channel: String
    var payload: String
    /// The process id of the connection that sent it.
    var senderProcessID: Int32
}

final class NotificationHub: Sendable {
    private struct State {
        var listeners: [String: Set<Int32>] = [:]
        var queues: [Int32: [Notification]] = [:]
        var handles: [Int32: ConnectionHandle] = [:]
    }

    private let state = Mutex(State())

    /// Starts delivering `channel` to the connection; listening twice is harmless.
    func listen(_ handle: ConnectionHandle, channel: String) {
        state.withLock { state in
            state.listeners[channel, default: []].insert(handle.processID)
            state.handles[handle.processID] = handle
        }
    }

    /// Stops delivering `channel`, or every channel when it is nil.
    func unlisten(_ processID: Int32, channel: String?) {
        state.withLock { state in
            if let channel {
                state.listeners[channel]?.remove(processID)
                if state.listeners[channel]?.isEmpty == true { state.listeners[channel] = nil }
            } else {
                for key in Array(state.listeners.keys) {
                    state.listeners[key]?.remove(processID)
                    if state.listeners[key]?.isEmpty == true { state.listeners[key] = nil }
                }
            }
        }
    }

    /// Forgets a closed connection's channels and queue.
    func remove(_ processID: Int32) {
        unlisten(processID, channel: nil)
        state.withLock { state in
            state.queues[processID] = nil
            state.handles[processID] = nil
        }
    }

    /// Queues `notification` for every listener of its channel and wakes them.
    func post(_ notification: Notification) {
        let woken = state.withLock { state -> [ConnectionHandle] in
            guard let listeners = state.listeners[notification.channel] else { return [] }
            for processID in listeners { state.queues[processID, default: []].append(notification) }
            return listeners.compactMap { state.handles[$0] }
        }
        for handle in woken { handle.wake() }
    }

    /// Removes and returns the notifications queued for a connection, oldest first.
    func drain(_ processID: Int32) -> [Notification] {
        state.withLock { state in
            guard let queue = state.queues[processID], !queue.isEmpty else { return [] }
            state.queues[processID] = nil
            return queue
        }
    }
}
