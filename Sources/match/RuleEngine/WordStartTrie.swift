/// A byte trie walked from every place a word can start, instead of an
/// Aho–Corasick DFA over every byte. Every pattern the engine uses either starts with a non-word
/// byte or must start a word (the scanner drops any other occurrence), so a walk only has to
/// begin at word starts and at non-word bytes, and needs no failure links. That keeps the cost
/// per item independent of the size of the watchlist (a walk ends where the text leaves the
/// trie, after a few bytes), and makes compiling one hash insert per pattern byte.
///
/// ASCII case is folded, and tab, line feed and carriage return match a space, in patterns and
/// text alike, as before.
struct WordStartTrie: Sendable {
    /// Whether a walk starts here, by `afterASCIIWord << 8 | byte`: 0 when no pattern starts
    /// with the byte or it cannot start a word there; else `0x100 | folded byte`, plus `0x200`
    /// when a one-byte pattern is that byte.
    private let start: [UInt16]
    /// Root child entry of each folded byte, for one-byte patterns' outputs.
    private let rootEntry: [UInt32]
    /// Depth-two entries by the first two folded bytes: the shallow nodes have many children
    /// each, and one table lookup for both bytes is what most walks (those that end at the
    /// second byte) cost.
    private let pair: [UInt32]
    /// Trie nodes as edge entries of three words: the edge's byte, the child's edge count (9
    /// bits) and its output count (15 bits); where the child's own edges start; where its
    /// outputs start in `outs`. Each node's edges are contiguous and sorted by byte, and nodes
    /// are laid out depth first, so a walk down a name reads neighbouring memory.
    private let edges: [UInt32]
    /// Pattern ids ending at each node.
    private let outs: [Int32]
    let patternLengths: [Int]
    /// The longest pattern, which bounds how far back a match can start.
    let maxLength: Int
    /// Bytes held by the tables, for the benchmarks' bytes-per-alias figure.
    let tableBytes: Int
    /// Trie nodes, root included: also the state count of an Aho–Corasick DFA over the patterns.
    let nodeCount: Int

    /// Folded byte for each byte: ASCII lower case, and tab, LF and CR as a space.
    private static let fold: [UInt8] = (0...255).map { (b: Int) -> UInt8 in
        let u = UInt8(b)
        if u >= 0x41 && u <= 0x5A { return u | 0x20 }
        if u == 0x09 || u == 0x0A || u == 0x0D { return 0x20 }
        return u
    }
    /// 256 after an ASCII word byte, after which a word-byte occurrence cannot start a word
    /// whatever the text's word flags say; 0 after any other byte.
    private static let afterWord: [Int] = (0...255).map { isWordByte(UInt8($0)) && $0 < 0x80 ? 256 : 0 }
    private static let none = UInt32.max
    private static let empty = UInt64.max
    /// Node numbers must leave the low byte of a 32-bit key for the edge's byte, and entry
    /// offsets (three words each) must fit 32 bits.
    private static let maxNodes = 0x00FF_FFFF
    private static let maxOutputs = 0x7FFF

    @inline(__always) private static func slot(_ key: UInt32, _ shift: UInt32) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B1) >> shift)
    }

    /// `patterns` are already folded (lower-case ASCII); their index is the pattern id. Nil when
    /// the trie would need more than 16 million nodes (that many distinct pattern bytes).
    init?(patterns: [[UInt8]]) {
        let fold = Self.fold
        // 1. A trie with its edges in a hash table (parent << 8 | byte → child).
        var total = 0
        for p in patterns { total += p.count }
        var bits: UInt32 = 4
        while (1 << bits) * 3 / 4 < total { bits += 1 }
        let mask = (1 << Int(bits)) - 1
        let shift = 32 - bits
        var slots = [UInt64](repeating: Self.empty, count: 1 << Int(bits))
        var nodes = 1
        var ends: [(node: Int32, id: Int32)] = []
        ends.reserveCapacity(patterns.count)
        for (id, p) in patterns.enumerated() where !p.isEmpty {
            var node: Int32 = 0
            for b in p {
                let key = UInt32(node) << 8 | UInt32(fold[Int(b)])
                var h = Self.slot(key, shift)
                while true {
                    let s = slots[h]
                    if s == Self.empty {
                        guard nodes < Self.maxNodes else { return nil }
                        slots[h] = UInt64(nodes) << 32 | UInt64(key)
                        node = Int32(nodes)
                        nodes += 1
                        break
                    }
                    if UInt32(truncatingIfNeeded: s) == key {
                        node = Int32(truncatingIfNeeded: s >> 32)
                        break
                    }
                    h = (h + 1) & mask
                }
            }
            ends.append((node, Int32(id)))
        }
        // 2. Children and outputs of each node, grouped by node (counting sort).
        var childStart = [Int32](repeating: 0, count: nodes + 1)
        for s in slots where s != Self.empty { childStart[Int(UInt32(truncatingIfNeeded: s) >> 8) + 1] += 1 }
        for i in 0..<nodes { childStart[i + 1] += childStart[i] }
        var fill = childStart
        var children = [UInt32](repeating: 0, count: nodes - 1)  // byte << 24 | child
        for s in slots where s != Self.empty {
            let key = UInt32(truncatingIfNeeded: s)
            let parent = Int(key >> 8)
            children[Int(fill[parent])] = (key & 0xFF) << 24 | UInt32(truncatingIfNeeded: s >> 32)
            fill[parent] += 1
        }
        slots = []
        var outStart = [Int32](repeating: 0, count: nodes + 1)
        for e in ends { outStart[Int(e.node) + 1] += 1 }
        for i in 0..<nodes { outStart[i + 1] += outStart[i] }
        fill = outStart
        var flat = [Int32](repeating: 0, count: ends.count)
        for e in ends {
            flat[Int(fill[Int(e.node)])] = e.id
            fill[Int(e.node)] += 1
        }
        for i in 0..<nodes where outStart[i + 1] - outStart[i] > Self.maxOutputs { return nil }
        // 3. Depth-first layout: a node's edges, then each child's subtree in byte order.
        var edges = [UInt32](repeating: 0, count: 3 * (nodes - 1))
        var rootEntry = [UInt32](repeating: Self.none, count: 256)
        var next = 0  // next free entry
        // Stack of (node, its first entry); a node's edge list is placed when it is popped.
        var stack: [(node: Int, entry: Int)] = [(0, -1)]
        while let (node, entry) = stack.popLast() {
            let lo = Int(childStart[node])
            let hi = Int(childStart[node + 1])
            children[lo..<hi].sort()
            let first = next
            next += hi - lo
            if entry >= 0 { edges[3 * entry + 1] = UInt32(first) }
            for (k, c) in children[lo..<hi].enumerated() {
                let child = Int(c & 0x00FF_FFFF)
                let e = first + k
                let count = UInt32(childStart[child + 1] - childStart[child])
                let outCount = UInt32(outStart[child + 1] - outStart[child])
                edges[3 * e] = c >> 24 | count << 8 | outCount << 17
                edges[3 * e + 2] = UInt32(outStart[child])
                if node == 0 { rootEntry[Int(c >> 24)] = UInt32(e) }
            }
            // Pushed in reverse so the first child's subtree comes right after this list.
            for (k, c) in children[lo..<hi].enumerated().reversed() {
                stack.append((Int(c & 0x00FF_FFFF), first + k))
            }
        }
        var start = [UInt16](repeating: 0, count: 512)
        for b in 0..<256 {
            let e = rootEntry[Int(fold[b])]
            guard e != Self.none else { continue }
            let v = 0x100 | UInt16(fold[b]) | (edges[3 * Int(e)] >> 17 != 0 ? 0x200 : 0)
            start[b] = v
            if !isWordByte(UInt8(b)) { start[256 + b] = v }
        }
        var pair = [UInt32](repeating: Self.none, count: 1 << 16)
        for f in 0..<256 where rootEntry[f] != Self.none {
            let e = Int(rootEntry[f])
            let w = edges[3 * e]
            let first = Int(edges[3 * e + 1])
            for x in first..<(first + Int((w >> 8) & 0x1FF)) { pair[f << 8 | Int(edges[3 * x] & 0xFF)] = UInt32(x) }
        }
        self.start = start
        self.rootEntry = rootEntry
        self.pair = pair
        self.edges = edges
        outs = flat
        nodeCount = nodes
        patternLengths = patterns.map(\.count)
        maxLength = patternLengths.max() ?? 0
        tableBytes =
            start.count * 2 + rootEntry.count * 4 + pair.count * 4 + edges.count * 4 + flat.count * 4 + patterns.count
            * 8
    }

    /// Calls `hit(patternID, endOffset)` for every occurrence of a pattern in `text` that starts
    /// a word or starts with a non-word byte (see the type's comment).
    func scan(_ text: [UInt8], _ hit: (Int, Int) -> Void) {
        text.withUnsafeBufferPointer { scan($0, hit) }
    }

    /// Same, over a buffer. Hits are reported in the order an Aho–Corasick walk reports them:
    /// by end offset, the longer pattern first, then by pattern id.
    func scan(_ buf: UnsafeBufferPointer<UInt8>, _ hit: (Int, Int) -> Void) {
        let n = buf.count
        var found: [(end: Int, start: Int, id: Int32)] = []
        func report(_ w: UInt32, _ e: Int, _ start: Int, _ end: Int) {
            let o = Int(edges[3 &* e &+ 2])
            for x in o..<(o &+ Int(w >> 17)) { found.append((end, start, outs[x])) }
        }
        Self.fold.withUnsafeBufferPointer { fold in
            Self.afterWord.withUnsafeBufferPointer { afterWord in
                start.withUnsafeBufferPointer { start in
                    pair.withUnsafeBufferPointer { pair in
                        edges.withUnsafeBufferPointer { ed in
                            var after = 0
                            var i = 0
                            while i < n {
                                let b = Int(buf[i])
                                let s = Int(start[after | b])
                                after = afterWord[b]
                                i &+= 1
                                if s == 0 { continue }
                                if s & 0x200 != 0 {
                                    let e = Int(rootEntry[s & 0xFF])
                                    report(ed[3 &* e], e, i &- 1, i)
                                }
                                if i == n { continue }
                                let e2 = pair[(s & 0xFF) << 8 | Int(fold[Int(buf[i])])]
                                if e2 == Self.none { continue }
                                var e = Int(e2)
                                var j = i &+ 1
                                while true {
                                    let w = ed[3 &* e]
                                    if w >> 17 != 0 { report(w, e, i &- 1, j) }
                                    let count = Int((w >> 8) & 0x1FF)
                                    if count == 0 || j == n { break }
                                    let c = UInt32(fold[Int(buf[j])])
                                    var x = Int(ed[3 &* e &+ 1])
                                    let end = x &+ count
                                    while x < end && ed[3 &* x] & 0xFF < c { x &+= 1 }
                                    if x == end || ed[3 &* x] & 0xFF != c { break }
                                    e = x
                                    j &+= 1
                                }
                            }
                        }
                    }
                }
            }
        }
        if found.count > 1 { found.sort { ($0.end, $0.start, $0.id) < ($1.end, $1.start, $1.id) } }
        for f in found { hit(Int(f.id), f.end) }
    }
}
