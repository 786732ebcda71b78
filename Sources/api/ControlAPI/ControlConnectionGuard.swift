import Foundation
import HTTPTypes
import HummingbirdCore
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// How the control socket keeps answering when clients misbehave: silent or half-sent
/// connections are closed after `idleTimeout`, bodies over `maxBodyBytes` are refused before
/// they are read, and connections are bounded well below the process's file limit so feed
/// polls and webhooks always have descriptors left.
public struct ControlLimits: Sendable, Equatable {
    /// A connection that completes no request (headers and body) for this long is closed.
    public var idleTimeout: Duration = .seconds(10)
    /// No endpoint takes a body; anything larger is refused with 413.
    public var maxBodyBytes = 16 << 10
    /// Over this many open connections, the oldest idle one is closed for each new one, so a
    /// crowd of idle clients cannot lock `frenemyctl` out.
    public var maxConnections: Int
    /// At this many (all busy), the socket stops accepting until one closes.
    public var hardMaxConnections: Int

    public init(maxConnections: Int = 256, hardMaxConnections: Int = 512) {
        self.maxConnections = maxConnections
        self.hardMaxConnections = hardMaxConnections
    }

    /// Limits for a process allowed `fileLimit` descriptors: at most half of them (and never
    /// more than 512) for control connections, the rest for feeds, webhooks and the store.
    public static func forFileLimit(_ fileLimit: Int) -> ControlLimits {
        let hard = max(16, min(512, fileLimit / 2))
        return ControlLimits(maxConnections: max(8, hard / 2), hardMaxConnections: hard)
    }

    /// `forFileLimit` with this process's soft RLIMIT_NOFILE.
    public static func forThisProcess() -> ControlLimits {
        var limit = rlimit()
        #if os(Linux)
            let ok = getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0
        #else
            let ok = getrlimit(RLIMIT_NOFILE, &limit) == 0
        #endif
        let soft = ok && limit.rlim_cur < rlim_t(Int.max) ? Int(limit.rlim_cur) : 1024
        return forFileLimit(soft)
    }
}

/// The control socket's open connections, oldest first, and whether each is answering a
/// request. Shared by every connection's `ControlRequestGate`.
final class ControlConnections: Sendable {
    private struct Entry {
        let channel: any Channel
        let serial: UInt64
        var busy: Bool
    }

    private struct State {
        var entries: [ObjectIdentifier: Entry] = [:]
        var serial: UInt64 = 0
    }

    private let state = NIOLockedValueBox(State())
    let limit: Int

    init(limit: Int) { self.limit = limit }

    var count: Int { state.withLockedValue { $0.entries.count } }

    /// Registers a new connection; over the limit, closes the oldest connection that is not
    /// answering a request (a silent or half-sent one), never the new one.
    func opened(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        let victim: (any Channel)? = state.withLockedValue { s in
            s.serial += 1
            s.entries[id] = Entry(channel: channel, serial: s.serial, busy: false)
            guard s.entries.count > limit else { return nil }
            var oldest: (key: ObjectIdentifier, serial: UInt64)?
            for (key, entry) in s.entries where key != id && !entry.busy {
                if oldest.map({ entry.serial < $0.serial }) ?? true { oldest = (key, entry.serial) }
            }
            guard let oldest else { return nil }
            return s.entries.removeValue(forKey: oldest.key)?.channel
        }
        victim?.close(promise: nil)
        channel.closeFuture.whenComplete { _ in self.closed(id) }
    }

    func closed(_ id: ObjectIdentifier) {
        _ = state.withLockedValue { $0.entries.removeValue(forKey: id) }
    }

    func setBusy(_ channel: any Channel, _ busy: Bool) {
        state.withLockedValue { $0.entries[ObjectIdentifier(channel)]?.busy = busy }
    }
}

/// Sits between HTTP decoding and Hummingbird: holds each request until it is complete, so a
/// handler never runs for a half-sent request, and refuses a body over the limit with 413
/// (an announced Content-Length before a byte of the body is read). Hummingbird's idle timeout
/// behind it then sees no activity until a request is complete, which makes it a timeout on
/// reading the whole request, not only on silence between requests.
final class ControlRequestGate: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let maxBodyBytes: Int
    private let connections: ControlConnections
    private var head: HTTPRequest?
    private var body: [ByteBuffer] = []
    private var bodyBytes = 0
    private var rejected = false
    private var responsesPending = 0

    init(maxBodyBytes: Int, connections: ControlConnections) {
        self.maxBodyBytes = maxBodyBytes
        self.connections = connections
    }

    func handlerAdded(context: ChannelHandlerContext) {
        connections.opened(context.channel)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !rejected else { return }
        switch unwrapInboundIn(data) {
        case .head(let request):
            if let announced = request.headerFields[.contentLength] {
                guard let length = Int(announced), length >= 0 else {
                    return reject(context, .badRequest, "malformed Content-Length")
                }
                if length > maxBodyBytes {
                    return reject(
                        context, .contentTooLarge,
                        "request body of \(length) bytes is over the \(maxBodyBytes)-byte limit")
                }
            }
            head = request
            body = []
            bodyBytes = 0
        case .body(let chunk):
            bodyBytes += chunk.readableBytes
            guard bodyBytes <= maxBodyBytes else {
                return reject(context, .contentTooLarge, "request body over the \(maxBodyBytes)-byte limit")
            }
            body.append(chunk)
        case .end(let trailers):
            guard let request = head else { return }
            head = nil
            responsesPending += 1
            connections.setBusy(context.channel, true)
            context.fireChannelRead(wrapInboundOut(.head(request)))
            for chunk in body { context.fireChannelRead(wrapInboundOut(.body(chunk))) }
            body = []
            context.fireChannelRead(wrapInboundOut(.end(trailers)))
        }
    }

    /// A request the HTTP parser cannot read answers 400 with the JSON error body the API
    /// promises (Hummingbird would send an empty one), then the connection closes.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError, !rejected else {
            return context.fireErrorCaught(error)
        }
        reject(context, .badRequest, "malformed HTTP request (\(parserError)); send HTTP/1.1, as curl does")
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), responsesPending > 0 {
            responsesPending -= 1
            if responsesPending == 0 { connections.setBusy(context.channel, false) }
        }
        context.write(data, promise: promise)
    }

    /// Answers `status` with a JSON error and closes the connection; the rest of the request
    /// is never read.
    private func reject(_ context: ChannelHandlerContext, _ status: HTTPResponse.Status, _ message: String) {
        rejected = true
        head = nil
        body = []
        guard responsesPending == 0 else {  // a pipelined answer is still being written
            context.close(promise: nil)
            return
        }
        let escaped = message.replacingOccurrences(of: "\"", with: "'")
        let bytes = Array("{\"error\": \"\(escaped)\"}\n".utf8)
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        fields[.contentLength] = "\(bytes.count)"
        fields[.connection] = "close"
        context.write(wrapOutboundOut(.head(HTTPResponse(status: status, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(ByteBuffer(bytes: bytes))), promise: nil)
        let bound = context.loopBound
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in bound.value.close(promise: nil) }
    }
}
