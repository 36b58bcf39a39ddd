/**
 * Measuring deduplication against known answers. Pairs are unordered and count once: (a, b) and
 * (b, a) are one pair, a pair listed twice is one pair, and a record paired with itself is no pair.
 */

export interface PairEvaluation {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  /** True pairs found / pairs reported; 1 when nothing is reported (no false claim was made). */
  precision: number;
  /** True pairs found / true pairs; 1 when there are no true pairs (none was missed). */
  recall: number;
  /** Harmonic mean of precision and recall; 0 when both are 0. */
  f1: number;
}

/** One key per unordered pair. JSON keeps ids containing any separator character apart. */
export function pairKey(a: string, b: string): string {
  return a < b ? JSON.stringify([a, b]) : JSON.stringify([b, a]);
}

function pairSet(pairs: Iterable<readonly [string, string]>): Set<string> {
  const set = new Set<string>();
  for (const [a, b] of pairs) if (a !== b) set.add(pairKey(a, b));
  return set;
}

export function evaluatePairs(predicted: Iterable<readonly [string, string]>, truth: Iterable<readonly [string, string]>): PairEvaluation {
  const found = pairSet(predicted);
  const expected = pairSet(truth);
  let truePositives = 0;
  for (const key of found) if (expected.has(key)) truePositives += 1;
  const falsePositives = found.size - truePositives;
  const falseNegatives = expected.size - truePositives;
  const precision = found.size === 0 ? 1 : truePositives / found.size;
  const recall = expected.size === 0 ? 1 : truePositives / expected.size;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { truePositives, falsePositives, falseNegatives, precision, recall, f1 };
}

/**
 * Every pair within each entity, from (record id, entity) assignments: a cluster of k records gives
 * k(k-1)/2 pairs. For turning a data set's answer column into the truth `evaluatePairs` takes.
 */
export function pairsFromClusters(assignments: Iterable<readonly [string, string]>): Array<[string, string]> {
  const clusters = new Map<string, string[]>();
  for (const [id, entity] of assignments) {
    const members = clusters.get(entity);
    if (members) members.push(id);
    else clusters.set(entity, [id]);
  }
  const pairs: Array<[string, string]> = [];
  for (const members of clusters.values()) {
    for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) pairs.push([members[i] as string, members[j] as string]);
    }
  }
  return pairs;
}
