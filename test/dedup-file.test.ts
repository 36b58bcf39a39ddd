import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.ts';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const GIVEN = ['moussa', 'abdou', 'issoufou', 'harouna', 'hamani', 'garba', 'idrissa', 'adamou', 'oumarou', 'saidou', 'hassane', 'sani', 'yacouba', 'zakari', 'fatouma', 'hadiza', 'mariama', 'rabi', 'halima', 'ramatou'];
const FAMILY = ['tahirou', 'laouali', 'chaibou', 'habou', 'halidou', 'soumana', 'djibo', 'seyni', 'boureima', 'tandja', 'mallam', 'bello', 'diallo', 'maiga', 'toure'];

describe('muster dedup-file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'muster-dedup-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes id_a,id_b,score for the pairs that are the same person, with dates as YYYYMMDD or ISO and empty cells', async () => {
    const rows = ['ref;prenom;nom;naissance;tel;nin'.replace(/;/g, ',')];
    let n = 0;
    for (const g of GIVEN) {
      for (const f of FAMILY) {
        n += 1;
        const year = 1950 + ((n * 7) % 50);
        rows.push(`p${n},${g},${f},${year}${String((n % 12) + 1).padStart(2, '0')}${String((n % 27) + 1).padStart(2, '0')},9${String(1000000 + n * 7919).slice(-7)},`);
      }
    }
    // Second registrations: a variant spelling with an ISO date, swapped names, a missing date.
    rows.push('q1,Mousa,Tahirou,1957-02-02,,');
    rows.push('q2,laouali,abdou,,,');
    rows.push('"q3",Moussa,"Laouali",1964-03-03,,');
    const input = join(dir, 'people.csv');
    writeFileSync(input, `${rows.join('\n')}\n`);
    const out = join(dir, 'pairs.csv');
    const result = await run('dedup-file', '--input', input, '--id-column', 'ref', '--columns', 'given_name=prenom,family_name=nom,birth_date=naissance,phone=tel,national_id=nin', '--out', out);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toMatch(/^303 records, \d+ candidate pairs, \d+ pairs judged the same person/);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('id_a,id_b,score');
    const pairs = new Set(lines.slice(1).map((l) => l.split(',').slice(0, 2).sort().join('-')));
    expect(pairs.has('p1-q1')).toBe(true);
    for (const line of lines.slice(1)) expect(Number(line.split(',')[2])).toBeGreaterThanOrEqual(0.5);
  });

  it('refuses a missing column or a bad mapping with a clear message', async () => {
    const input = join(dir, 'small.csv');
    writeFileSync(input, 'id,first,last\n1,a,b\n');
    const missing = await run('dedup-file', '--input', input, '--id-column', 'id', '--columns', 'given_name=first,family_name=surname', '--out', join(dir, 'x.csv'));
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('no column "surname"');
    const bad = await run('dedup-file', '--input', input, '--id-column', 'id', '--columns', 'nickname=first', '--out', join(dir, 'x.csv'));
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('"nickname" is not a field');
  });
});
