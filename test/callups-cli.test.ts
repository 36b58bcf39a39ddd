import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

describe('muster callup', () => {
  const dir = mkdtempSync(join(tmpdir(), 'muster-callup-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates, previews, starts, shows and cancels a call-up from the command line', async () => {
    const data = join(dir, 'data');
    expect((await run('demo', '--volunteers', '300', '--data', data)).code).toBe(0);
    const file = join(dir, 'callup.json');
    const day = 86400_000;
    writeFileSync(
      file,
      JSON.stringify({
        title: 'Renfort national',
        needs: [{ role: 'medical', count: 5 }, { role: 'transport', count: 3 }],
        areas: ['NE001', 'NE002', 'NE003', 'NE004', 'NE005', 'NE006', 'NE007', 'NE008'],
        reportPlace: 'Chef-lieu de region',
        reportAt: new Date(Date.now() + 10 * day).toISOString(),
        answerBy: new Date(Date.now() + 9 * day).toISOString(),
      }),
    );
    expect((await run('callup', 'create', '--data', data)).code).toBe(2);
    const created = await run('callup', 'create', '--file', file, '--data', data);
    expect(created.code).toBe(0);
    const id = /call-up (\S+) written/.exec(created.out)?.[1] ?? '';
    const preview = await run('callup', 'preview', '--id', id, '--data', data);
    expect(preview.out).toMatch(/^medical: need 5, eligible \d+, first wave 8$/m);
    expect(preview.out).toMatch(/message: fr 1 SMS \(gsm7\)/);
    const started = await run('callup', 'start', '--id', id, '--data', data);
    expect(started.out).toMatch(/started: 1[23] people asked/);
    expect((await run('callup', 'start', '--id', id, '--data', data)).err).toContain('call-up invalid state (running)');
    const status = await run('callup', 'status', '--id', id, '--data', data);
    expect(status.out).toContain('Renfort national (running, wave 1)');
    expect(status.out).toMatch(/medical\s+5\s+0\s+0\s+0\s+0\s+8\s+0/);
    expect((await run('callup', 'cancel', '--id', id, '--data', data)).out).toContain('cancelled: 0 people');
  });
});
