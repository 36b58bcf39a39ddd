import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ChainVerifier,
  GENESIS_HASH,
  canonicalAuditContent,
  hashAuditEntry,
  stableJson,
  verifyChain,
  type AuditContent,
  type AuditRow,
} from './audit-chain.ts';

const base: AuditContent = {
  seq: 1,
  at: '2026-06-15T10:00:00.000Z',
  actor: 'user:0190f0a0-0000-7000-8000-000000000001',
  action: 'volunteer.search',
  details: { filters: { area: 'NE001', roles: ['nurse', 'driver'] }, resultCount: 12 },
  ip: '10.0.0.1',
  deviceTime: null,
};

/** A well-formed chain of `n` entries, as rows read from the table. */
function chain(n: number): AuditRow[] {
  const rows: AuditRow[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const content: AuditContent = { ...base, seq, details: { ids: [`v${seq}`], reason: seq % 3 === 0 ? 'call-up' : undefined } };
    const hash = hashAuditEntry(prev, content);
    rows.push({ ...content, details: stableJson(content.details), prevHash: prev, hash });
    prev = hash;
  }
  return rows;
}

function rehash(row: AuditRow): AuditRow {
  const details = JSON.parse(row.details) as Record<string, unknown>;
  return { ...row, hash: hashAuditEntry(row.prevHash, { ...row, details }) };
}

describe('canonical form', () => {
  it('does not depend on key order, at any depth, and has no whitespace', () => {
    const reordered: AuditContent = {
      deviceTime: null,
      ip: '10.0.0.1',
      details: { resultCount: 12, filters: { roles: ['nurse', 'driver'], area: 'NE001' } },
      action: 'volunteer.search',
      actor: base.actor,
      at: base.at,
      seq: 1,
    };
    expect(canonicalAuditContent(reordered)).toBe(canonicalAuditContent(base));
    expect(canonicalAuditContent(base)).toBe(
      '{"action":"volunteer.search","actor":"user:0190f0a0-0000-7000-8000-000000000001","at":"2026-06-15T10:00:00.000Z",' +
        '"details":{"filters":{"area":"NE001","roles":["nurse","driver"]},"resultCount":12},"deviceTime":null,"ip":"10.0.0.1","seq":1}',
    );
  });

  it('ignores fields that are not content', () => {
    const withExtras = { ...base, hash: 'x', prevHash: 'y' };
    expect(canonicalAuditContent(withExtras)).toBe(canonicalAuditContent(base));
  });

  it('gives the same text for a value and its JSON round trip (so stored entries re-hash identically)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = stableJson(value);
        expect(stableJson(JSON.parse(text))).toBe(text);
        expect(stableJson(JSON.parse(JSON.stringify(value)))).toBe(text);
      }),
      { seed: 20260615, numRuns: 300 },
    );
    expect(stableJson({ a: undefined, b: [undefined, Number.NaN], c: new Date(0) })).toBe('{"b":[null,null],"c":"1970-01-01T00:00:00.000Z"}');
  });
});

describe('hashAuditEntry', () => {
  const original = hashAuditEntry(GENESIS_HASH, base);

  it('is hex SHA-256 and deterministic', () => {
    expect(original).toMatch(/^[0-9a-f]{64}$/);
    expect(hashAuditEntry(GENESIS_HASH, { ...base })).toBe(original);
  });

  it('changes when any field, or the previous hash, changes', () => {
    const variants: AuditContent[] = [
      { ...base, seq: 2 },
      { ...base, at: '2026-06-15T10:00:00.001Z' },
      { ...base, actor: 'user:other' },
      { ...base, action: 'volunteer.export' },
      { ...base, details: { ...base.details, resultCount: 13 } },
      { ...base, details: { filters: { area: 'NE002', roles: ['nurse', 'driver'] }, resultCount: 12 } },
      { ...base, ip: null },
      { ...base, ip: '10.0.0.2' },
      { ...base, deviceTime: '2026-06-14T08:00:00.000Z' },
    ];
    const hashes = new Set(variants.map((v) => hashAuditEntry(GENESIS_HASH, v)));
    expect(hashes.size).toBe(variants.length);
    expect(hashes.has(original)).toBe(false);
    expect(hashAuditEntry('1'.repeat(64), base)).not.toBe(original);
  });
});

describe('verifyChain', () => {
  it('accepts a good chain and reports its length and head', () => {
    const rows = chain(30);
    expect(verifyChain(rows)).toEqual({ ok: true, count: 30, head: rows[29]?.hash });
    expect(verifyChain([])).toEqual({ ok: true, count: 0, head: GENESIS_HASH });
  });

  it('resumes after a trusted entry', () => {
    const rows = chain(30);
    const trusted = rows[9];
    if (!trusted) throw new Error('no row');
    expect(verifyChain(rows.slice(10), { after: { seq: 10, hash: trusted.hash } })).toMatchObject({ ok: true, count: 20 });
    expect(verifyChain(rows.slice(10), { after: { seq: 10, hash: GENESIS_HASH } })).toMatchObject({ ok: false, firstBadSeq: 11 });
  });

  it('names an edited entry', () => {
    const rows = chain(30);
    rows[16] = { ...rows[16]!, details: '{"ids":["v999"]}' };
    expect(verifyChain(rows)).toMatchObject({ ok: false, firstBadSeq: 17, reason: 'entry 17: content does not match its hash (edited?)' });
  });

  it('names an entry whose details are no longer JSON', () => {
    const rows = chain(5);
    rows[2] = { ...rows[2]!, details: '{"ids":' };
    expect(verifyChain(rows)).toMatchObject({ ok: false, firstBadSeq: 3, reason: expect.stringMatching(/entry 3: details are not a JSON object/) });
  });

  it('names a deleted entry, including the first', () => {
    const rows = chain(30);
    expect(verifyChain(rows.filter((r) => r.seq !== 18))).toMatchObject({ ok: false, firstBadSeq: 18, reason: 'entry 18 missing after 17 (deleted?)' });
    expect(verifyChain(rows.slice(1))).toMatchObject({ ok: false, firstBadSeq: 1 });
  });

  it('names the first of two reordered entries', () => {
    const rows = chain(30);
    const a = rows[11]!;
    const b = rows[19]!;
    // Contents swapped, seq left in place (as an UPDATE of every other column would do).
    rows[11] = { ...b, seq: a.seq };
    rows[19] = { ...a, seq: b.seq };
    expect(verifyChain(rows)).toMatchObject({ ok: false, firstBadSeq: 12, reason: 'entry 12: previous-hash link broken (reordered or inserted?)' });
  });

  it('names the link broken by an inserted entry, even one with a correct hash of its own', () => {
    const rows = chain(30);
    const before = rows[9]!;
    const forged = rehash({ ...before, seq: 11, actor: 'user:forger', prevHash: before.hash, hash: '' });
    const renumbered = rows.slice(10).map((r) => ({ ...r, seq: r.seq + 1 }));
    const tampered = [...rows.slice(0, 10), forged, ...renumbered];
    expect(verifyChain(tampered)).toMatchObject({ ok: false, firstBadSeq: 12, reason: 'entry 12: previous-hash link broken (reordered or inserted?)' });
  });

  it('names an entry whose stored hash or link was changed', () => {
    const rows = chain(10);
    const hashEdited = rows.map((r) => (r.seq === 4 ? { ...r, hash: `${r.hash.startsWith('f') ? '0' : 'f'}${r.hash.slice(1)}` } : r));
    expect(verifyChain(hashEdited)).toMatchObject({ ok: false, firstBadSeq: 4 });
    const linkEdited = rows.map((r) => (r.seq === 6 ? { ...r, prevHash: GENESIS_HASH } : r));
    expect(verifyChain(linkEdited)).toMatchObject({ ok: false, firstBadSeq: 6 });
  });

  it('cannot see a truncated tail or a chain recomputed after an edit (checkpoints do)', () => {
    const rows = chain(10);
    expect(verifyChain(rows.slice(0, 7))).toMatchObject({ ok: true, count: 7 });
    let prev = GENESIS_HASH;
    const rechained = rows.map((r) => {
      const next = rehash({ ...r, actor: r.seq === 5 ? 'user:forger' : r.actor, prevHash: prev });
      prev = next.hash;
      return next;
    });
    expect(verifyChain(rechained)).toMatchObject({ ok: true, count: 10 });
  });

  it('streams: ChainVerifier keeps the first problem and keeps counting', () => {
    const rows = chain(20);
    rows[4] = { ...rows[4]!, actor: 'user:other' };
    rows[14] = { ...rows[14]!, actor: 'user:other' };
    const verifier = new ChainVerifier();
    for (const row of rows) verifier.push(row);
    expect(verifier.result()).toMatchObject({ ok: false, firstBadSeq: 5, count: 20 });
  });
});
