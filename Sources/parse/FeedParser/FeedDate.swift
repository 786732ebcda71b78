public import Foundation

/// Dates as feeds really write them. RFC 822 and its many sloppy cousins (two-digit years, no
/// seconds, no day name, zone names, localized months) and RFC 3339 / ISO 8601 (fractions,
/// offsets without colons). A date with no zone is UTC. Anything else is nil, never "now":
/// inventing a date would make old news look fresh. Public so the fetcher can reuse it for
/// `Retry-After` and `Expires` HTTP dates.
public enum FeedDate {
    /// The instant `text` names, or nil when it names none (callers warn; they never guess).
    public static func parse(_ text: String) -> Date? {
        var copy = text
        if let date = copy.withUTF8(CommonDate.parse) { return date }
        let s = text.trimmedWS
        guard !s.isEmpty, s.utf8.count < 100 else { return nil }
        let bytes = Array(s.utf8)
        if bytes.count >= 7, bytes[0...3].allSatisfy(isDigit), bytes[4] == UInt8(ascii: "-") {
            return iso8601(bytes)
        }
        return rfc822(s)
    }

    // MARK: RFC 3339 / ISO 8601

    static func iso8601(_ b: [UInt8]) -> Date? {
        var i = 0
        func number(_ width: Int) -> Int? {
            guard i + width <= b.count else { return nil }
            var v = 0
            for k in i..<(i + width) {
                guard isDigit(b[k]) else { return nil }
                v = v * 10 + Int(b[k] - 48)
            }
            i += width
            return v
        }
        func skip(_ c: Character) -> Bool {
            if i < b.count, b[i] == c.asciiValue {
                i += 1
                return true
            }
            return false
        }
        guard let year = number(4), skip("-"), let month = number(2) else { return nil }
        var day = 1
        if skip("-") {
            guard let d = number(2) else { return nil }
            day = d
        }
        var hour = 0
        var minute = 0
        var second = 0.0
        if i < b.count, b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: "t") || b[i] == 0x20 {
            i += 1
            guard let h = number(2), skip(":"), let m = number(2) else { return nil }
            hour = h
            minute = m
            if skip(":") {
                guard let sec = number(2) else { return nil }
                second = Double(sec)
                if i < b.count, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",") {
                    i += 1
                    var scale = 0.1
                    while i < b.count, isDigit(b[i]) {
                        second += Double(b[i] - 48) * scale
                        scale /= 10
                        i += 1
                    }
                }
            }
        }
        let hasTime = i > 10
        while i < b.count, b[i] == 0x20 { i += 1 }
        var offset = 0
        if i < b.count {
            guard hasTime else { return nil }  // "2013-01-27-01" is not a date with a zone
            let rest = String(decoding: b[i...], as: UTF8.self)
            guard let o = zoneOffset(rest) else { return nil }
            offset = o
        }
        return make(year: year, month: month, day: day, hour: hour, minute: minute, second: second, offset: offset)
    }

    // MARK: RFC 822 family

    static func rfc822(_ s: String) -> Date? {
        var day: Int?
        var month: Int?
        var year: Int?
        var time: (Int, Int, Double)?
        var offset = 0
        var numericOffset = false
        var pm: Bool?
        var slashed = false  // "2006/09/15": numeric year, month, day
        for token in tokens(s) {
            let first = token.utf8.first ?? 0
            if token.utf8.contains(UInt8(ascii: ":")), isDigit(first) {
                guard time == nil, let t = clock(token) else { return nil }
                time = t
            } else if (first == UInt8(ascii: "+") || first == UInt8(ascii: "-")) && time != nil {
                guard let o = zoneOffset(token) else { return nil }
                offset = o
                numericOffset = true
            } else if isDigit(first) {
                guard let v = Int(token) else { return nil }
                if year != nil && month == nil && day != nil && !slashed && v <= 31 {
                    // "2006/09/15": the year came first, so these are month then day.
                    (month, day, slashed) = (day, v, true)
                } else if day == nil && token.utf8.count <= 2 {
                    day = v
                } else if year == nil {
                    year = token.utf8.count <= 2 ? (v < 50 ? 2000 + v : 1900 + v) : v
                } else {
                    return nil
                }
            } else {
                let word = token.lowercased()
                if month == nil, let m = monthNumber(word) {
                    month = m
                } else if word == "am" || word == "pm" {
                    pm = word == "pm"
                } else if dayNames.contains(where: { word.hasPrefix($0) }) {
                    continue
                } else if let o = zoneOffset(token) {
                    if !numericOffset { offset = o }
                } else if ignorable.contains(word) {
                    continue
                } else {
                    return nil
                }
            }
        }
        guard let day, let month, let year else { return nil }
        var (hour, minute, second) = time ?? (0, 0, 0)
        if let pm {
            if pm && hour < 12 { hour += 12 } else if !pm && hour == 12 { hour = 0 }
        }
        return make(year: year, month: month, day: day, hour: hour, minute: minute, second: second, offset: offset)
    }

    /// Words, numbers, clock times and signed offsets; everything else separates them. A sign
    /// starts an offset only after the time ("03-Jun-2024" has no offsets).
    static func tokens(_ s: String) -> [String] {
        let b = Array(s.utf8)
        func isLetter(_ c: UInt8) -> Bool { ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A) || c >= 0x80 }
        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        var out: [String] = []
        var sawTime = false
        var i = 0
        while i < b.count {
            let c = b[i]
            let start = i
            if c == UInt8(ascii: "+") || c == UInt8(ascii: "-"), sawTime, i + 1 < b.count, isDigit(b[i + 1]) {
                i += 1
                while i < b.count, isDigit(b[i]) || b[i] == UInt8(ascii: ":") { i += 1 }
            } else if isLetter(c) {
                while i < b.count, isLetter(b[i]) { i += 1 }
            } else if isDigit(c) {
                while i < b.count,
                    isDigit(b[i]) || b[i] == UInt8(ascii: ":")
                        || (b[i] == UInt8(ascii: ".") && b[start..<i].contains(UInt8(ascii: ":")) && i + 1 < b.count
                            && isDigit(b[i + 1]))
                {
                    i += 1
                }
                if b[start..<i].contains(UInt8(ascii: ":")) { sawTime = true }
            } else {
                i += 1
                continue
            }
            out.append(String(decoding: b[start..<i], as: UTF8.self))
        }
        return out
    }

    static func clock(_ token: String) -> (Int, Int, Double)? {
        let parts = token.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, let h = Int(parts[0]), let m = Int(parts[1]) else { return nil }
        var s = 0.0
        if parts.count == 3 {
            guard let v = Double(parts[2]) else { return nil }
            s = v
        }
        return (h, m, s)
    }

    /// Seconds east of UTC for "Z", "+0200", "-07:00", "+05", zone names, "GMT+2".
    static func zoneOffset(_ raw: String) -> Int? {
        var s = raw.trimmedWS
        if let paren = s.firstIndex(of: "(") { s = String(s[..<paren]).trimmedWS }
        let upper = s.uppercased()
        if let named = zoneNames[upper] { return named }
        for prefix in ["GMT", "UTC", "UT"] where upper.hasPrefix(prefix) && upper.count > prefix.count {
            return zoneOffset(String(upper.dropFirst(prefix.count)))
        }
        guard let sign = s.first, sign == "+" || sign == "-" else { return nil }
        let digits = s.dropFirst().filter { $0 != ":" }
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), [1, 2, 3, 4].contains(digits.count),
            let v = Int(digits)
        else { return nil }
        let (h, m) = digits.count <= 2 ? (v, 0) : (v / 100, v % 100)
        guard h <= 18, m < 60 else { return nil }
        return (sign == "-" ? -1 : 1) * (h * 3600 + m * 60)
    }

    static func make(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Double, offset: Int) -> Date? {
        guard (1..<10000).contains(year), (1...12).contains(month), (1...daysIn(month, year)).contains(day),
            (0...24).contains(hour), (0...59).contains(minute), second >= 0, second < 61
        else { return nil }
        let days = daysFromCivil(year, month, day)
        let secs = Double(days * 86400 + hour * 3600 + minute * 60 - offset) + min(second, 59.999)
        return Date(timeIntervalSince1970: secs)
    }

    static func daysIn(_ month: Int, _ year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }

    static func monthNumber(_ word: String) -> Int? {
        if let m = months[word] { return m }
        let w = word.hasSuffix(".") ? String(word.dropLast()) : word
        if let m = months[w] { return m }
        return w.count >= 3 ? months[String(w.prefix(3))] : nil
    }

    static let months: [String: Int] = [
        "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
        "nov": 11, "dec": 12, "sept": 9,
        // German, French, Spanish, Italian, Portuguese, Dutch forms that differ from English.
        "mär": 3, "mrz": 3, "mai": 5, "okt": 10, "dez": 12, "janv": 1, "févr": 2, "fév": 2, "fev": 2, "mars": 3,
        "avr": 4, "juin": 6, "juil": 7, "août": 8, "aou": 8, "déc": 12, "ene": 1, "abr": 4, "ago": 8, "dic": 12,
        "gen": 1, "mag": 5, "giu": 6, "lug": 7, "set": 9, "ott": 10, "fevereiro": 2, "maio": 5, "out": 10,
        "dez.": 12, "mei": 5, "mrt": 3, "januar": 1, "februar": 2, "märz": 3, "juni": 6, "juli": 7,
        "janvier": 1, "février": 2, "avril": 4, "juillet": 7, "décembre": 12, "enero": 1, "febrero": 2,
        "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7, "agosto": 8, "septiembre": 9,
        "octubre": 10, "noviembre": 11, "diciembre": 12,
        // Scandinavian and Polish forms.
        "maj": 5, "des": 12, "sty": 1, "lut": 2, "kwi": 4, "cze": 6, "lip": 7, "sie": 8, "wrz": 9, "paź": 10,
        "lis": 11, "gru": 12,
    ]

    static let dayNames = [
        "mon", "tue", "wed", "thu", "fri", "sat", "sun", "mo", "di", "mi", "do", "fr", "sa", "so", "lun", "mar",
        "mer", "jeu", "ven", "sam", "dim", "ma", "wo", "vr", "za", "zo", "tis", "ons", "tor", "fre", "lör", "sön",
    ]

    static let ignorable: Set<String> = ["at", "on", "the", "of", "t", "etc"]

    /// Common zone names; military letters read as UTC, as RFC 5322 says (RFC 822 got the sign
    /// wrong, so their offsets cannot be trusted).
    static let zoneNames: [String: Int] = {
        var z: [String: Int] = [
            "Z": 0, "GMT": 0, "UT": 0, "UTC": 0, "WET": 0, "BST": 3600, "CET": 3600, "MET": 3600, "WEST": 3600,
            "CEST": 7200, "MEST": 7200, "EET": 7200, "EEST": 10800, "MSK": 10800, "IST": 19800, "SGT": 28800,
            "HKT": 28800, "JST": 32400, "KST": 32400, "AEST": 36000, "AEDT": 39600, "NZST": 43200, "NZDT": 46800,
            "EST": -18000, "EDT": -14400, "CST": -21600, "CDT": -18000, "MST": -25200, "MDT": -21600,
            "PST": -28800, "PDT": -25200, "AKST": -32400, "AKDT": -28800, "HST": -36000, "AST": -14400,
            "ADT": -10800, "NST": -12600, "NDT": -9000,
            // Zone names without standard/daylight, as some publishers write them.
            "AT": -14400, "ET": -18000, "CT": -21600, "MT": -25200, "PT": -28800,
        ]
        for letter in "ABCDEFGHIKLMNOPQRSTUVWXY" { z[String(letter)] = 0 }
        return z
    }()
}
