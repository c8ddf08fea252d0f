/// The names in `names` closest to `name` by edit distance (case-insensitive), best first
/// (ties alphabetically), at most `count` of them and none further than `maxDistance`: the
/// "did you mean" of an unknown environment id, algorithm or configuration key.
public func closestNames(to name: String, in names: [String], count: Int, maxDistance: Int) -> [String] {
    let target = Array(name.lowercased())
    var scored: [(name: String, distance: Int)] = []
    for candidate in names {
        let distance = editDistance(target, Array(candidate.lowercased()))
        if distance <= maxDistance { scored.append((candidate, distance)) }
    }
    scored.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.name < $1.name }
    return scored.prefix(count).map(\.name)
}

/// Levenshtein distance.
func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    var previous = Array(0...b.count)
    for (i, ca) in a.enumerated() {
        var current = [i + 1] + Array(repeating: 0, count: b.count)
        for (j, cb) in b.enumerated() {
            current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
