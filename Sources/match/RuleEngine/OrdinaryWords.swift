/// Company names that are also common words ("Block", "Nice", "Snap", "Sage"). Smart case keeps
/// "block" and "nice" out, but the first word of a sentence, a title-case headline or an
/// all-caps field is capitalised whatever it means: "Block parties are back", "Sage of Omaha
/// buys in to Tesco". For an entity marked `ordinary_word: true`, such a one-word mention counts
/// only when the item confirms the company: a mention of it elsewhere in the item whose capital
/// letter does carry meaning (mid-sentence, a longer alias such as "Block Inc", a ticker), a
/// legal suffix right after the name ("Block, Inc.", "Nice Ltd") or a possessive ("Block's").
extension Engine {
    static let legalSuffixes: Set<String> = [
        "inc", "corp", "corporation", "ltd", "limited", "plc", "llc", "ag", "sa", "nv", "se", "co", "group",
        "holdings",
    ]

    /// Drops the ambiguous mentions of ordinary-word entities the item does not confirm, and
    /// records for explanations which mention confirmed the ones kept. Fields left with nothing
    /// a rule could use are dropped, as `scanField` would have.
    func confirmOrdinaryWords(_ scans: [FieldScan]) -> [FieldScan] {
        let ambiguous = scans.map { fs in fs.entities.map { isAmbiguous($0, in: fs) } }
        var confirmer: [Int: String] = [:]
        for (i, fs) in scans.enumerated() {
            for (j, h) in fs.entities.enumerated()
            where entities[h.entity].ordinaryWord && !ambiguous[i][j] && confirmer[h.entity] == nil {
                confirmer[h.entity] = "'\(fs.text.originalText(h.start, h.end))' in the \(fs.field.rawValue)"
            }
        }
        var out: [FieldScan] = []
        for (i, fs) in scans.enumerated() {
            var kept: [EntityHit] = []
            for (j, h) in fs.entities.enumerated() {
                if ambiguous[i][j] {
                    guard let c = confirmer[h.entity] else { continue }
                    fs.confirmations[h.start] = c
                }
                kept.append(h)
            }
            fs.entities = kept
            fs.roleMask = kept.reduce(UInt64(0)) { $0 | entities[$1.entity].roleMask }
            if fs.isEmpty || (needsEntities && kept.isEmpty) { continue }
            let mask = fs.roleMask
            guard enabledRoleSets.contains(where: { $0 & mask == $0 }) else { continue }
            if fs.regexPending {
                fs.regexHits = regexHits(fs.text.exact)
                fs.regexPending = false
            }
            out.append(fs)
        }
        return out
    }

    /// A one-word mention of an ordinary-word entity whose case says nothing: written in lower
    /// case (an all-lower-case alias matches any case), in an all-caps field, or capitalised as
    /// the first word of a sentence (or after a colon or dash) or in title-case text. A name
    /// written in capitals in mixed-case text ("NICE") is not the word; a legal suffix right
    /// after it ("Block Inc.") settles it too.
    func isAmbiguous(_ h: EntityHit, in fs: FieldScan) -> Bool {
        let e = entities[h.entity]
        guard e.ordinaryWord, h.alias < e.wordAlias.count, e.wordAlias[h.alias] else { return false }
        let t = fs.text.exact
        guard h.start < h.end, h.end <= t.count else { return false }
        if !isUpper(t[h.start]) { return !(t[h.start] >= 0x80) }
        if Self.isShouting(t) { return !hasLegalSuffix(t, after: h.end) }
        if h.end - h.start > 1 && (h.start + 1..<h.end).allSatisfy({ !isLower(t[$0]) }) { return false }
        if hasLegalSuffix(t, after: h.end) || isPossessive(t, after: h.end) { return false }
        return startsSentence(h.start, fs) || isTitleCase(fs, around: h.start)
    }

    private func isUpper(_ b: UInt8) -> Bool { b >= 0x41 && b <= 0x5A }
    private func isLower(_ b: UInt8) -> Bool { b >= 0x61 && b <= 0x7A }

    static func isShouting(_ t: [UInt8]) -> Bool {
        !t.contains { $0 >= 0x61 && $0 <= 0x7A } && t.contains { $0 >= 0x41 && $0 <= 0x5A }
    }

    /// "Block's Cash App", "Target's next collaboration": a common noun, verb or adjective is
    /// rarely written with a capital and a possessive.
    private func isPossessive(_ t: [UInt8], after end: Int) -> Bool {
        end + 1 < t.count && t[end] == UInt8(ascii: "'") && (t[end + 1] | 0x20) == UInt8(ascii: "s")
            && (end + 2 == t.count || !isWordByte(t[end + 2]))
    }

    private func hasLegalSuffix(_ t: [UInt8], after end: Int) -> Bool {
        var k = end
        if k < t.count, t[k] == UInt8(ascii: ",") { k += 1 }
        guard k < t.count, t[k] == 0x20 else { return false }
        while k < t.count, t[k] == 0x20 { k += 1 }
        var j = k
        while j < t.count, isWordByte(t[j]) { j += 1 }
        guard j > k else { return false }
        return Self.legalSuffixes.contains(String(decoding: t[k..<j], as: UTF8.self).lowercased())
    }

    /// The first word of its sentence, or the first after a colon, a dash or a bar set off by a
    /// space ("Weekly roundup: Block ...", "Markets - Snap ...").
    private func startsSentence(_ start: Int, _ fs: FieldScan) -> Bool {
        let t = fs.text.exact
        let sentence = fs.sentenceStarts[Segmenter.segment(of: start, in: fs.sentenceStarts)]
        if !t[sentence..<start].contains(where: isWordByte) { return true }
        var p = start - 1
        while p >= 0, t[p] == 0x20 { p -= 1 }
        guard p >= 0, p < start - 1 else { return false }
        return [UInt8(ascii: ":"), UInt8(ascii: "-"), UInt8(ascii: "|")].contains(t[p])
    }

    /// Most longer words of the sentence start with a capital: "Block Unveils New Bitcoin
    /// Wallet". Words of four letters or more, at least three of them, three quarters capitalised.
    private func isTitleCase(_ fs: FieldScan, around start: Int) -> Bool {
        let t = fs.text.exact
        let starts = fs.sentenceStarts
        let s = Segmenter.segment(of: start, in: starts)
        let lo = starts[s]
        let hi = s + 1 < starts.count ? starts[s + 1] : t.count
        var words = 0
        var capitalised = 0
        var i = lo
        while i < hi {
            guard isWordByte(t[i]) else {
                i += 1
                continue
            }
            var j = i
            while j < hi, isWordByte(t[j]) { j += 1 }
            if j - i >= 4, isUpper(t[i]) || isLower(t[i]) {
                words += 1
                if isUpper(t[i]) { capitalised += 1 }
            }
            i = j
        }
        return words >= 3 && capitalised * 4 >= words * 3
    }
}
