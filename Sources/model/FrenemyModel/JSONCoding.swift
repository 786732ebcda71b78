public import Foundation

/// One JSON convention for everything frenemy prints or sends: RFC 3339 UTC dates
/// (with fractional seconds when present), sorted keys so output diffs cleanly.
extension JSONEncoder {
    public static var frenemy: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(RFC3339.string(from: date))
        }
        return e
    }
}

extension JSONDecoder {
    public static var frenemy: JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { decoder in
            let c = try decoder.singleValueContainer()
            let s = try c.decode(String.self)
            guard let date = RFC3339.date(from: s) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "not an RFC 3339 date: \(s)")
            }
            return date
        }
        return d
    }
}

/// RFC 3339 in UTC: the single date format of frenemy's JSON, journal fields and tables.
public enum RFC3339 {
    public static func string(from date: Date) -> String {
        // Whole milliseconds first, so .9996 s rounds up into the next second instead of
        // printing ".1000" or losing almost a second.
        let totalMillis = (date.timeIntervalSince1970 * 1000).rounded()
        let whole = (totalMillis / 1000).rounded(.down)
        let millis = Int(totalMillis - whole * 1000)
        // The full style (not the field-by-field builder) is what includes the "Z".
        let base = Date(timeIntervalSince1970: whole).formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
        if millis == 0 { return base }
        return base.replacingOccurrences(of: "Z", with: String(format: ".%03dZ", millis))
    }

    public static func date(from string: String) -> Date? {
        if let d = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(string) { return d }
        return try? Date.ISO8601FormatStyle().parse(string)
    }
}
