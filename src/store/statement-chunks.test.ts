import { describe, expect, it } from 'vitest';
import { statementChunks } from './statement-chunks.ts';

describe('statement chunks', () => {
  it('keeps every item once, in order, in slices of repeating sizes', () => {
    for (const n of [0, 1, 7, 64, 65, 255, 1000, 1001]) {
      const items = Array.from({ length: n }, (_, i) => i);
      const chunks = statementChunks(items, 256);
      expect(chunks.flat()).toEqual(items);
      for (const c of chunks) expect([256, 128, 64, 32, 16, 8, 4, 2, 1]).toContain(c.length);
    }
    expect(statementChunks([1, 2, 3], 2).map((c) => c.length)).toEqual([2, 1]);
  });
});
