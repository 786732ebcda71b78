import Foundation

/// The two date forms nearly every feed uses, read straight from the bytes: RFC 822 as RSS
/// writes it (`Fri, 20 Nov 2026 12:00:00 +0000`, or a zone name) and RFC 3339 as Atom writes it
/// (`2026-11-20T12:00:00.5+01:00`). Every item carries one or two dates, and the general
/// `FeedDate` tokenizer, with a String per token, took a twentieth of parse time. Anything
/// else, an impossible date (30 February) included, is nil here and goes to `FeedDate`, which
/// reads these forms the same way (a test checks).
enum CommonDate {
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        var start = 0
        var end = bytes.count
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        var reader = Reader(bytes: bytes, at: start, end: end)
        let iso = end - start >= 20 && bytes[start + 4] == UInt8(ascii: "-")
        guard let fields = iso ? reader.rfc3339() : reader.rfc822(), reader.at == end else { return nil }
        return FeedDate.make(
            year: fields.year, month: fields.month, day: fields.day, hour: fields.hour, minute: fields.minute,
            second: fields.second, offset: fields.offset)
    }

    struct Fields {
        var year = 0, month = 0, day = 0, hour = 0, minute = 0
        var second = 0.0
        var offset = 0
    }

    struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var at: Int
        let end: Int

        /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM|±HHMM)`
        mutating func rfc3339() -> Fields? {
            var f = Fields()
            guard let y = digits(4), skip("-"), let mo = digits(2), skip("-"), let d = digits(2) else { return nil }
            guard at < end, bytes[at] == UInt8(ascii: "T") || bytes[at] == UInt8(ascii: "t") else { return nil }
            at += 1
            guard let h = digits(2), skip(":"), let mi = digits(2), skip(":"), let s = digits(2) else { return nil }
            (f.year, f.month, f.day, f.hour, f.minute, f.second) = (y, mo, d, h, mi, Double(s))
            if skip(".") {
                var scale = 0.1
                let first = at
                while at < end, isDigit(bytes[at]) {
                    f.second += Double(bytes[at] - 48) * scale
                    scale /= 10
                    at += 1
                }
                guard at > first else { return nil }
            }
            guard let offset = numericOrZulu() else { return nil }
            f.offset = offset
            return f
        }

        /// `[Day, ]D[D] Mon YYYY HH:MM[:SS] zone`, zone numeric or a US/UTC name.
        mutating func rfc822() -> Fields? {
            var f = Fields()
            if at + 5 <= end, isLetter(bytes[at]), isLetter(bytes[at + 1]), isLetter(bytes[at + 2]),
                bytes[at + 3] == UInt8(ascii: ","), bytes[at + 4] == 0x20
            {
                guard Self.dayNames.contains(lowered(at, 3)) else { return nil }
                at += 5
            }
            guard let d = digits(2, whole: true) ?? digits(1, whole: true), skip(" "), at + 3 <= end,
                let mo = Self.months.firstIndex(of: lowered(at, 3))
            else { return nil }
            at += 3
            guard skip(" "), let y = digits(4, whole: true), skip(" "), let h = digits(2), skip(":"), let mi = digits(2)
            else {
                return nil
            }
            (f.year, f.month, f.day, f.hour, f.minute) = (y, mo + 1, d, h, mi)
            if skip(":") {
                guard let s = digits(2) else { return nil }
                f.second = Double(s)
            }
            guard skip(" ") else { return nil }
            if let offset = numericOrZulu() {
                f.offset = offset
            } else {
                var nameEnd = at
                while nameEnd < end, isLetter(bytes[nameEnd]), nameEnd - at < 4 { nameEnd += 1 }
                guard nameEnd == end, let offset = Self.zones[uppered(at, nameEnd - at)] else { return nil }
                f.offset = offset
                at = end
            }
            return f
        }

        /// `Z`, `±HH:MM` or `±HHMM`.
        mutating func numericOrZulu() -> Int? {
            guard at < end else { return nil }
            if bytes[at] == UInt8(ascii: "Z") || bytes[at] == UInt8(ascii: "z") {
                at += 1
                return 0
            }
            guard bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") else { return nil }
            let sign = bytes[at] == UInt8(ascii: "-") ? -1 : 1
            at += 1
            guard let h = digits(2) else { return nil }
            _ = skip(":")
            guard let m = digits(2), h <= 18, m < 60 else { return nil }
            return sign * (h * 3600 + m * 60)
        }

        /// A number of exactly `width` digits; `whole` refuses one that goes on ("123 Nov").
        mutating func digits(_ width: Int, whole: Bool = false) -> Int? {
            guard at + width <= end else { return nil }
            var v = 0
            for k in at..<(at + width) {
                guard isDigit(bytes[k]) else { return nil }
                v = v * 10 + Int(bytes[k] - 48)
            }
            if whole, at + width < end, isDigit(bytes[at + width]) { return nil }
            at += width
            return v
        }

        mutating func skip(_ c: Unicode.Scalar) -> Bool {
            guard at < end, bytes[at] == UInt8(c.value) else { return false }
            at += 1
            return true
        }

        /// Up to four ASCII letters, lower-cased and packed (no String needed to compare them).
        func lowered(_ from: Int, _ count: Int) -> UInt32 {
            var v: UInt32 = 0
            for k in from..<(from + count) { v = v << 8 | UInt32(bytes[k] | 0x20) }
            return v
        }

        func uppered(_ from: Int, _ count: Int) -> UInt32 {
            var v: UInt32 = 0
            for k in from..<(from + count) { v = v << 8 | UInt32(bytes[k] & ~0x20) }
            return v
        }

        static func pack(_ s: StaticString) -> UInt32 {
            var v: UInt32 = 0
            for k in 0..<s.utf8CodeUnitCount { v = v << 8 | UInt32(s.utf8Start[k]) }
            return v
        }

        static let dayNames: [UInt32] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map(pack)
        static let months: [UInt32] = [
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ].map(pack)
        static let zones: [UInt32: Int] = [
            pack("GMT"): 0, pack("UT"): 0, pack("UTC"): 0, pack("EST"): -18000, pack("EDT"): -14400,
            pack("CST"): -21600, pack("CDT"): -18000, pack("MST"): -25200, pack("MDT"): -21600, pack("PST"): -28800,
            pack("PDT"): -25200,
        ]
    }

    @inline(__always)
    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    @inline(__always)
    static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }

    @inline(__always)
    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
}
