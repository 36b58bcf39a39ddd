import { describe, expect, it } from 'vitest';
import { evaluatePairs, pairsFromClusters } from './evaluate.ts';

describe('evaluatePairs', () => {
  it('counts unordered pairs once', () => {
    const result = evaluatePairs(
      [
        ['a', 'b'],
        ['b', 'a'],
        ['c', 'd'],
      ],
      [
        ['b', 'a'],
        ['e', 'f'],
        ['f', 'e'],
      ],
    );
    expect(result).toMatchObject({ truePositives: 1, falsePositives: 1, falseNegatives: 1 });
    expect(result.precision).toBeCloseTo(0.5);
    expect(result.recall).toBeCloseTo(0.5);
    expect(result.f1).toBeCloseTo(0.5);
  });

  it('computes precision, recall and F1', () => {
    const truth: Array<[string, string]> = [
      ['1', '2'],
      ['1', '3'],
      ['2', '3'],
      ['4', '5'],
    ];
    const result = evaluatePairs(
      [
        ['1', '2'],
        ['3', '1'],
        ['4', '6'],
      ],
      truth,
    );
    expect(result).toMatchObject({ truePositives: 2, falsePositives: 1, falseNegatives: 2 });
    expect(result.precision).toBeCloseTo(2 / 3);
    expect(result.recall).toBeCloseTo(1 / 2);
    expect(result.f1).toBeCloseTo((2 * (2 / 3) * (1 / 2)) / (2 / 3 + 1 / 2));
  });

  it('ignores self-pairs and handles empty sides', () => {
    expect(evaluatePairs([['a', 'a']], [['a', 'b']])).toMatchObject({ truePositives: 0, falsePositives: 0, falseNegatives: 1, precision: 1, recall: 0, f1: 0 });
    expect(evaluatePairs([['a', 'b']], [])).toMatchObject({ falsePositives: 1, precision: 0, recall: 1, f1: 0 });
    expect(evaluatePairs([], [])).toMatchObject({ precision: 1, recall: 1, f1: 1 });
  });

  it('keeps ids apart whatever characters they contain', () => {
    // With a naive "a|b" key these two different pairs would collide.
    const result = evaluatePairs([['a|b', 'c']], [['a', 'b|c']]);
    expect(result.truePositives).toBe(0);
  });
});

describe('pairsFromClusters', () => {
  it('gives k(k-1)/2 pairs per cluster', () => {
    const pairs = pairsFromClusters([
      ['r1', 'A'],
      ['r2', 'A'],
      ['r3', 'A'],
      ['r4', 'B'],
      ['r5', 'C'],
      ['r6', 'C'],
    ]);
    expect(pairs).toHaveLength(3 + 0 + 1);
    expect(evaluatePairs(pairs, [['r3', 'r1']]).truePositives).toBe(1);
  });
});
