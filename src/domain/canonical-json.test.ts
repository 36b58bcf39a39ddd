import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.ts';

/** The first form of canonicalJson: request fingerprints already stored were made from its text. */
function referenceCanonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(referenceCanonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${referenceCanonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

describe('canonicalJson', () => {
  it('sorts keys at every depth and leaves out undefined members', () => {
    expect(canonicalJson({ b: 1, a: [{ d: undefined, c: 'x' }, null], é: true, Z: 0 })).toBe('{"Z":0,"a":[{"c":"x"},null],"b":1,"é":true}');
    expect(canonicalJson([undefined, 1])).toBe('[,1]');
    expect(canonicalJson('a"b')).toBe('"a\\"b"');
  });

  it('gives the text of its first form for any value, so stored fingerprints still match', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withObjectString: true, withSparseArray: true, maxDepth: 4 }), (value) => {
        expect(canonicalJson(value)).toBe(referenceCanonicalJson(value));
      }),
      { numRuns: 3000 },
    );
  });

  it('gives the text of its first form for registrations', () => {
    const text = fc.string({ unit: 'binary', maxLength: 12 });
    fc.assert(
      fc.property(fc.dictionary(text, fc.oneof(text, fc.integer(), fc.constant(null), fc.constant(undefined), fc.array(text, { maxLength: 3 }))), (value) => {
        expect(canonicalJson(value)).toBe(referenceCanonicalJson(value));
      }),
      { numRuns: 3000 },
    );
  });
});
