import Foundation

/// A headline's fingerprint for near-duplicate detection across outlets: MinHash over its word
/// unigrams and bigrams. MinHash rather than SimHash because headlines are short (8 to 15
/// words): SimHash's bit votes over so few features are noisy and its Hamming threshold has no
/// meaning a person can check, while MinHash estimates the Jaccard similarity of the two
/// shingle sets directly ("half the words and word pairs are shared"), and 64 values of 32 bits
/// (256 bytes) per story let the store compare headlines without keeping their text.
public enum TitleSignature {
    /// Values per signature: the estimate's standard error is at most 1/(2·√64) = 0.0625.
    public static let size = 64

    /// The signature of `title`; the same words give the same signature in every build.
    public static func make(_ title: String) -> [UInt32] {
        let shingles = Self.shingles(title)
        var signature = [UInt32](repeating: .max, count: size)
        guard !shingles.isEmpty else { return signature }
        for shingle in shingles {
            let h = fnv1a(shingle)
            for i in 0..<size {
                let v = UInt32(truncatingIfNeeded: mix(h ^ seeds[i]) >> 32)
                if v < signature[i] { signature[i] = v }
            }
        }
        return signature
    }

    /// Estimated Jaccard similarity of the two headlines' shingle sets, 0 to 1; 0 when either
    /// has no words or the signatures differ in size (another version's).
    public static func similarity(_ a: [UInt32], _ b: [UInt32]) -> Double {
        guard a.count == size, b.count == size, a.contains(where: { $0 != .max }) else { return 0 }
        var same = 0
        for i in 0..<size where a[i] == b[i] { same += 1 }
        return Double(same) / Double(size)
    }

    /// Lower-cased words and adjacent word pairs, with an outlet's trailing " - Reuters" or
    /// " | TechCrunch" removed and the commonest function words left out, so syndicated copies
    /// of one headline share nearly every shingle.
    static func shingles(_ title: String) -> Set<String> {
        var text = Substring(title)
        for separator in [" - ", " | ", " – ", " — "] {
            if let range = text.range(of: separator, options: .backwards),
                text[range.upperBound...].split(separator: " ").count <= 3
            {
                text = text[..<range.lowerBound]
            }
        }
        var words: [String] = []
        var word = ""
        for scalar in text.lowercased().unicodeScalars {
            if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                word.unicodeScalars.append(scalar)
            } else if !word.isEmpty {
                if !stopwords.contains(word) { words.append(word) }
                word = ""
            }
        }
        if !word.isEmpty, !stopwords.contains(word) { words.append(word) }
        var out = Set(words)
        for (a, b) in zip(words, words.dropFirst()) { out.insert(a + " " + b) }
        return out
    }

    private static let stopwords: Set<String> = [
        "a", "an", "the", "of", "to", "in", "on", "for", "and", "with", "as", "at", "by", "its", "is", "from", "s",
    ]

    private static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }

    /// splitmix64's finalizer: a fixed, well-mixed permutation of 64-bit values.
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    private static let seeds: [UInt64] = {
        var state: UInt64 = 0x6672_656e_656d_7921  // "frenemy!"
        return (0..<size).map { _ in
            state = mix(state)
            return state
        }
    }()
}
