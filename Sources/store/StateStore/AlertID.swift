public import Foundation
import Synchronization

/// Alert ids in the ULID shape: 48-bit millisecond timestamp + 80 random bits, 26 Crockford
/// base32 characters. They are unique without coordination, sort by creation time as plain
/// strings (so "newest first" and log greps agree), and are safe in URLs, journal fields and
/// file names. Within one process ids are strictly increasing, even within one millisecond
/// (unless the clock steps back: the id keeps the time it was given rather than lie about it).
public enum AlertID {
    static let alphabet: [Character] = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    private struct Last {
        var millis: UInt64 = 0
        var randomHigh: UInt16 = 0
        var randomLow: UInt64 = 0
    }
    private static let last = Mutex(Last())

    /// A new id for an alert created at `now`.
    public static func make(now: Date = Date()) -> String {
        let ms = UInt64(max(0, min((now.timeIntervalSince1970 * 1000).rounded(), Double(1 << 48 - 1))))
        let (hi, lo, stamp) = last.withLock { last -> (UInt16, UInt64, UInt64) in
            if ms == last.millis {
                // Same millisecond: count up from the last id, so ids stay in creation order.
                last.randomLow &+= 1
                if last.randomLow == 0 { last.randomHigh &+= 1 }
            } else {
                var rng = SystemRandomNumberGenerator()
                last.millis = ms
                last.randomHigh = UInt16.random(in: .min ... .max, using: &rng)
                last.randomLow = UInt64.random(in: .min ... .max, using: &rng)
            }
            return (last.randomHigh, last.randomLow, last.millis)
        }
        return encode(millis: stamp, randomHigh: hi, randomLow: lo)
    }

    static func encode(millis: UInt64, randomHigh: UInt16, randomLow: UInt64) -> String {
        var out = ""
        out.reserveCapacity(26)
        for k in 0..<10 { out.append(alphabet[Int((millis >> UInt64(45 - 5 * k)) & 31)]) }
        let high = UInt64(randomHigh)
        for k in 0..<16 {
            let shift = 75 - 5 * k  // bit position of this 5-bit group within the 80 random bits
            let v: UInt64
            if shift >= 64 {
                v = high >> UInt64(shift - 64)
            } else if shift + 5 <= 64 {
                v = randomLow >> UInt64(shift)
            } else {
                v = (randomLow >> UInt64(shift)) | (high << UInt64(64 - shift))
            }
            out.append(alphabet[Int(v & 31)])
        }
        return out
    }

    /// The creation time encoded in an id, or nil when `id` is not one of ours.
    public static func date(of id: String) -> Date? {
        let chars = Array(id.uppercased())
        guard chars.count == 26 else { return nil }
        var ms: UInt64 = 0
        for c in chars.prefix(10) {
            guard let v = alphabet.firstIndex(of: c) else { return nil }
            ms = ms << 5 | UInt64(v)
        }
        guard chars.dropFirst(10).allSatisfy({ alphabet.contains($0) }), ms < 1 << 48 else { return nil }
        return Date(timeIntervalSince1970: Double(ms) / 1000)
    }
}
