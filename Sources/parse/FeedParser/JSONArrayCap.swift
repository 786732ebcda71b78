public import Foundation

/// Caps the arrays under one key of a top-level JSON object BEFORE the document is decoded.
/// JSONSerialization materializes every element, so a 20 MB feed of a million tiny items took
/// gigabytes; this scans the bytes once (no allocation per element, no recursion, so nesting
/// depth costs nothing) and, when an array is over the cap, hands the decoder a copy without the
/// elements past it. Values are skipped structurally, not validated: the decoder still sees, and
/// rejects, anything malformed that it is given.
public enum JSONArrayCap {
    /// The result of capping: the bytes to decode and how many elements the arrays held.
    public struct Capped: Sendable {
        /// `data` itself when nothing was cut, else a copy without the elements past the cap.
        public var data: Data
        /// Elements found in the capped arrays (all of them, not just those kept).
        public var elements: Int
        /// Whether anything was cut.
        public var wasCut: Bool
    }

    /// Caps every array that is the value of `key` in the top-level object of `data` at
    /// `maxElements`. Returns nil when the document is not shaped like an object (the decoder
    /// then reports why), a failure when an array over the cap is malformed past it (handing
    /// the decoder the whole array would materialize it after all).
    public static func cap(_ data: Data, key: String, maxElements: Int) -> Result<Capped, MalformedJSON>? {
        // Every element needs at least one byte and a comma: small documents cannot be over.
        if data.count < 2 * maxElements { return .success(Capped(data: data, elements: 0, wasCut: false)) }
        let scanned: Result<(cuts: [Range<Int>], elements: Int), MalformedJSON>? = data.withUnsafeBytes { raw in
            let b = raw.bindMemory(to: UInt8.self)
            var scanner = Scanner(b: b, key: Array(key.utf8), maxElements: maxElements)
            return scanner.run()
        }
        switch scanned {
        case nil: return nil
        case .failure(let error): return .failure(error)
        case .success(let (cuts, elements)):
            guard !cuts.isEmpty else { return .success(Capped(data: data, elements: elements, wasCut: false)) }
            var out = Data()
            var from = 0
            for cut in cuts {
                out.append(data[data.startIndex + from..<data.startIndex + cut.lowerBound])
                from = cut.upperBound
            }
            out.append(data[(data.startIndex + from)...])
            return .success(Capped(data: out, elements: elements, wasCut: true))
        }
    }

    /// A capped array that does not end properly after the cap.
    public struct MalformedJSON: Error, Sendable, Equatable {
        /// The byte offset where the scan gave up.
        public var offset: Int
    }

    private struct Scanner {
        let b: UnsafeBufferPointer<UInt8>
        let key: [UInt8]
        let maxElements: Int
        var i = 0
        var cuts: [Range<Int>] = []
        var elements = 0

        init(b: UnsafeBufferPointer<UInt8>, key: [UInt8], maxElements: Int) {
            self.b = b
            self.key = key
            self.maxElements = maxElements
        }

        mutating func run() -> Result<(cuts: [Range<Int>], elements: Int), MalformedJSON>? {
            if b.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
            skipWhitespace()
            guard byte == UInt8(ascii: "{") else { return nil }
            i += 1
            while true {
                skipWhitespace()
                if byte == UInt8(ascii: "}") { return .success((cuts, elements)) }
                let keyStart = i
                guard byte == UInt8(ascii: "\""), let keyEnd = skipString() else { return nil }
                let isKey = keyEnd - keyStart == key.count + 2 && b[(keyStart + 1)..<(keyEnd - 1)].elementsEqual(key)
                skipWhitespace()
                guard byte == UInt8(ascii: ":") else { return nil }
                i += 1
                skipWhitespace()
                if isKey && byte == UInt8(ascii: "[") {
                    switch capArray() {
                    case .success: break
                    case .failure(let error): return .failure(error)
                    case nil: return nil
                    }
                } else if !skipValue() {
                    return nil
                }
                skipWhitespace()
                if byte == UInt8(ascii: ",") {
                    i += 1
                } else if byte != UInt8(ascii: "}") {
                    return nil
                }
            }
        }

        /// At `[`: counts the elements and records the range to cut after the cap.
        mutating func capArray() -> Result<Void, MalformedJSON>? {
            i += 1
            var count = 0
            var keepEnd: Int?
            skipWhitespace()
            if byte == UInt8(ascii: "]") {
                i += 1
                return .success(())
            }
            while true {
                skipWhitespace()
                guard skipValue() else { return count > maxElements ? .failure(MalformedJSON(offset: i)) : nil }
                count += 1
                if count == maxElements { keepEnd = i }
                skipWhitespace()
                if byte == UInt8(ascii: ",") {
                    i += 1
                } else if byte == UInt8(ascii: "]") {
                    elements += count
                    if count > maxElements, let keepEnd { cuts.append(keepEnd..<i) }
                    i += 1
                    return .success(())
                } else {
                    return count > maxElements ? .failure(MalformedJSON(offset: i)) : nil
                }
            }
        }

        var byte: UInt8? { i < b.count ? b[i] : nil }

        mutating func skipWhitespace() {
            while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
        }

        /// At `"`: past the closing quote; returns that index, nil when the string never ends.
        mutating func skipString() -> Int? {
            i += 1
            while i < b.count {
                switch b[i] {
                case UInt8(ascii: "\\"): i += 2
                case UInt8(ascii: "\""):
                    i += 1
                    return i
                default: i += 1
                }
            }
            return nil
        }

        /// Past one value of any kind; false at the end of input or where no value starts.
        mutating func skipValue() -> Bool {
            guard let first = byte else { return false }
            switch first {
            case UInt8(ascii: "\""):
                return skipString() != nil
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while i < b.count {
                    switch b[i] {
                    case UInt8(ascii: "\""):
                        guard skipString() != nil else { return false }
                        continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 {
                            i += 1
                            return true
                        }
                    default: break
                    }
                    i += 1
                }
                return false
            case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: ":"):
                return false
            default:  // number, true, false, null: up to the next delimiter
                let start = i
                while i < b.count {
                    let c = b[i]
                    if c == UInt8(ascii: ",") || c == UInt8(ascii: "]") || c == UInt8(ascii: "}") || c == 0x20
                        || c == 0x0A || c == 0x0D || c == 0x09
                    {
                        break
                    }
                    i += 1
                }
                return i > start
            }
        }
    }
}
