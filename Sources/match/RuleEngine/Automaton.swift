/// The pattern matcher over every alias, ticker, exclusion and cue phrase. Two layouts with one
/// interface: the dense Aho–Corasick DFA is the fastest scan while its table (states × byte
/// classes) fits the caches, but it grows with the watchlist, outgrows the caches and takes
/// seconds to build at 100,000 entities; the word-start trie costs the same per item at any size,
/// a few dozen bytes per alias, and builds in one pass. The trie is built first (its node count
/// is the DFA's state count), and the DFA replaces it when its table stays under `denseLimit`.
///
/// Both report every occurrence the scanner can keep (whole-word checks are the scanner's), by
/// end offset, the longer pattern first; the DFA also reports occurrences inside words, which
/// the scanner drops.
struct Automaton: Sendable {
    private enum Layout {
        case dense(DenseAutomaton)
        case trie(WordStartTrie)
    }
    private let layout: Layout
    let patternLengths: [Int]
    /// The longest pattern, which bounds how far back a match can start.
    let maxLength: Int

    /// The DFA table size up to which the DFA is used: it keeps the shallow states, which text
    /// mostly walks, in L2, and costs well under a second to build.
    static let defaultDenseLimit = 24 << 20

    /// `patterns` are already folded (lower-case ASCII); their index is the pattern id. Nil when
    /// they are too many for either layout (more than 16 million distinct pattern bytes).
    init?(patterns: [[UInt8]], denseLimit: Int = Automaton.defaultDenseLimit) {
        guard let trie = WordStartTrie(patterns: patterns) else { return nil }
        var bytes = Set<UInt8>()
        for p in patterns { for b in p { bytes.insert(b >= 0x41 && b <= 0x5A ? b | 0x20 : b) } }
        let denseBytes = trie.nodeCount * (bytes.count + 1) * 4
        if denseBytes <= denseLimit, let dense = DenseAutomaton(patterns: patterns) {
            layout = .dense(dense)
        } else {
            layout = .trie(trie)
        }
        patternLengths = trie.patternLengths
        maxLength = trie.maxLength
    }

    /// Whether the dense DFA was chosen (for tests and benchmarks).
    var isDense: Bool {
        if case .dense = layout { return true }
        return false
    }

    /// Bytes held by the tables, for the benchmarks' bytes-per-alias figure.
    var tableBytes: Int {
        switch layout {
        case .dense(let d): d.tableBytes
        case .trie(let t): t.tableBytes
        }
    }

    /// Calls `hit(patternID, endOffset)` for the occurrences of patterns in `text` (see above).
    func scan(_ text: [UInt8], _ hit: (Int, Int) -> Void) {
        text.withUnsafeBufferPointer { scan($0, hit) }
    }

    /// Same, over a buffer.
    func scan(_ buf: UnsafeBufferPointer<UInt8>, _ hit: (Int, Int) -> Void) {
        switch layout {
        case .dense(let d): d.scan(buf, hit)
        case .trie(let t): t.scan(buf, hit)
        }
    }
}
