/**
 * Decryption of a volunteer's personal fields, per person (not a test): `npm run bench:seal -- [--people
 * 100000] [--runs 3]`. Rows written before migration 0008 hold one AES-256-GCM ciphertext per field;
 * rows since hold one per person (src/store/personal-fields.ts). Both are opened by `openPersonal`,
 * as every reader does, for all five fields and for the three a call-up export reads. Prints a
 * Markdown table of medians: CPU microseconds per person (process.cpuUsage: the figure that does not
 * depend on the neighbours on a shared machine) and wall time; progress on stderr.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createFieldCipher } from '../src/crypto/field-cipher.ts';
import { keyringFromMasters } from '../src/crypto/keyring.ts';
import { uuidv7 } from '../src/store/ids.ts';
import { legacyPersonalColumns } from '../test/helpers/legacy-personal.ts';
import { openPersonal, PERSONAL_FIELDS, sealPersonal, type PersonalColumns, type PersonalField, type PersonalFields } from '../src/store/personal-fields.ts';

const { values } = parseArgs({ options: { people: { type: 'string', default: '100000' }, runs: { type: 'string', default: '3' } } });
const count = Number(values.people);
const runs = Number(values.runs);
const cipher = createFieldCipher(keyringFromMasters([Buffer.alloc(32, 1)], Buffer.alloc(32, 2)));

function fieldsOf(i: number): PersonalFields {
  return {
    givenName: ['Aïchatou', 'Moussa', 'Hadiza', 'Ibrahim', 'Zeinabou'][i % 5] ?? 'Issa',
    familyName: ['Ɗan Kano', 'Garba', 'Sani', 'Abdou', 'Mahamadou'][i % 5] ?? 'Issa',
    phone: `+2279${String(i).padStart(7, '0')}`,
    nationalId: i % 4 === 0 ? `NIG${100000 + i}` : null,
    birthDate: i % 3 === 0 ? null : `19${70 + (i % 30)}-0${1 + (i % 9)}-1${i % 10}`,
  };
}

console.error(`sealing ${count} people both ways`);
const legacy: PersonalColumns[] = [];
const sealed: PersonalColumns[] = [];
for (let i = 0; i < count; i++) {
  const id = uuidv7();
  const f = fieldsOf(i);
  legacy.push(legacyPersonalColumns(cipher, id, f));
  sealed.push({ id, personal_enc: sealPersonal(cipher, id, f) });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

function measure(rows: readonly PersonalColumns[], wanted: readonly PersonalField[]): { cpuUs: number; wallUs: number } {
  let check = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (const row of rows) check += openPersonal(cipher, row, wanted).phone?.length ?? 0;
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  if (check === 0) throw new Error('nothing decrypted');
  return { cpuUs: (used.user + used.system) / rows.length, wallUs: (wall * 1000) / rows.length };
}

const cases = [
  { label: 'all five fields', wanted: PERSONAL_FIELDS },
  { label: 'names and phone (call-up export)', wanted: ['givenName', 'familyName', 'phone'] as const },
  { label: 'phone only (call-up message)', wanted: ['phone'] as const },
];
const lines = [
  `- ${count.toLocaleString('en-US')} people, ${runs} runs each (alternating); ${os.cpus().length} CPUs, ${os.cpus()[0]?.model ?? '?'}; Node ${process.version}; load average at start ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`,
  '',
  '| fields read | per-field rows: CPU µs per person (median) | sealed rows: CPU µs per person (median) | ratio | per-field: wall µs | sealed: wall µs | runs (CPU µs per-field / sealed) |',
  '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
];
for (const c of cases) {
  measure(legacy.slice(0, 10_000), c.wanted);
  measure(sealed.slice(0, 10_000), c.wanted);
  const a: Array<{ cpuUs: number; wallUs: number }> = [];
  const b: Array<{ cpuUs: number; wallUs: number }> = [];
  for (let run = 0; run < runs; run++) {
    a.push(measure(legacy, c.wanted));
    b.push(measure(sealed, c.wanted));
    console.error(`${c.label} run ${run + 1}: per-field ${a.at(-1)?.cpuUs.toFixed(2)} µs, sealed ${b.at(-1)?.cpuUs.toFixed(2)} µs CPU per person`);
  }
  const ca = median(a.map((m) => m.cpuUs));
  const cb = median(b.map((m) => m.cpuUs));
  lines.push(
    `| ${c.label} | ${ca.toFixed(2)} | ${cb.toFixed(2)} | ${(ca / cb).toFixed(2)}× | ${median(a.map((m) => m.wallUs)).toFixed(2)} | ${median(b.map((m) => m.wallUs)).toFixed(2)} | ${a.map((m, i) => `${m.cpuUs.toFixed(1)} / ${b[i]?.cpuUs.toFixed(1)}`).join(', ')} |`,
  );
}
lines.push('', `- load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(lines.join('\n'));
