public import Foundation

/// Durations as operators write them in config: `30s`, `5m`, `2h`, `1d`, `2w`, `1y` (365 days),
/// or combined `1h30m`.
/// One vocabulary for every interval, timeout and age in frenemy's files.
public enum DurationText {
    /// Parses a duration; nil when the text is not one.
    public static func seconds(_ text: String) -> TimeInterval? {
        let s = text.trimmingCharacters(in: .whitespaces)
        guard !s.isEmpty else { return nil }
        var total: TimeInterval = 0
        var number = ""
        var sawUnit = false
        for ch in s {
            if ch.isASCII, ch.isNumber || ch == "." {
                number.append(ch)
                continue
            }
            guard let value = Double(number) else { return nil }
            let unit: TimeInterval
            switch ch {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86400
            case "w": unit = 7 * 86400
            case "y": unit = 365 * 86400
            default: return nil
            }
            total += value * unit
            number = ""
            sawUnit = true
        }
        guard number.isEmpty, sawUnit else { return nil }
        return total
    }

    /// The shortest readable form, for status output (`90` → `1m30s`).
    public static func format(_ seconds: TimeInterval) -> String {
        var rest = Int(seconds.rounded())
        if rest == 0 { return "0s" }
        var out = ""
        for (unit, size) in [("d", 86400), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            out += "\(rest / size)\(unit)"
            rest %= size
        }
        return out
    }
}
