import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.ts';
import { DEFAULT_DRIVE_PATH } from '../src/config/load-drive.ts';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('muster command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'muster-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints usage and refuses unknown commands and options', async () => {
    expect((await run('help')).out).toContain('muster demo --volunteers N');
    expect((await run('frobnicate')).code).toBe(2);
    const bad = await run('stats', '--colour', 'red');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('colour');
  });

  it('checks the shipped drive configuration and reports every problem of a broken one', async () => {
    const ok = await run('config', 'check');
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('8 at level 1, 67 at level 2, 266 at level 3');
    const broken = JSON.parse(readFileSync(DEFAULT_DRIVE_PATH, 'utf8')) as { minimumAge: number; roles: Array<{ labels: Record<string, string> }> };
    broken.minimumAge = 200;
    delete broken.roles[0]?.labels.ha;
    const file = join(dir, 'broken.json');
    writeFileSync(file, JSON.stringify(broken));
    const result = await run('config', 'check', '--drive', file);
    expect(result.code).toBe(1);
    expect(result.err).toContain('minimumAge');
  });

  it('migrates, fills demo data through the rules, reports counts, and issues admin tokens', async () => {
    const data = join(dir, 'data');
    expect((await run('migrate', '--data', data)).out).toContain('applied: 0001-volunteers');
    expect((await run('migrate', '--data', data)).out).toContain('up to date');
    const demo = await run('demo', '--volunteers', '300', '--data', data);
    expect(demo.code).toBe(0);
    const created = Number(/^(\d+) volunteers created/m.exec(demo.out)?.[1]);
    expect(created).toBeGreaterThan(290);
    const stats = await run('stats', '--data', data);
    expect(stats.out).toContain(`${created} registrations`);
    expect(stats.out).toMatch(/Niamey \(NE008\)\s+\d+/);
    expect((await run('demo', '--data', data)).code).toBe(1);
  });

  it('creates the first admin with a one-time password, manages devices, and verifies the audit chain', async () => {
    const data = join(dir, 'staff');
    const added = await run('user', 'add', '--username', 'amina', '--role', 'admin', '--data', data);
    expect(added.code).toBe(0);
    expect(added.out).toMatch(/one-time password: [0-9A-HJKMNP-TV-Z-]{29}/);
    expect((await run('user', 'add', '--username', 'amina', '--role', 'admin', '--data', data)).code).toBe(1);
    const coordinator = await run('user', 'add', '--username', 'issa', '--role', 'coordinator', '--data', data);
    expect(coordinator.code).toBe(1);
    expect(coordinator.err).toContain('areas');
    expect((await run('user', 'add', '--username', 'issa', '--role', 'coordinator', '--areas', 'NE006,NE008', '--data', data)).code).toBe(0);
    expect((await run('user', 'list', '--data', data)).out).toMatch(/issa\s+coordinator\s+NE006,NE008\s+must change password/);
    expect((await run('user', 'reset-password', '--username', 'issa', '--data', data)).out).toContain('one-time password');
    expect((await run('user', 'reset-2fa', '--username', 'issa', '--data', data)).code).toBe(0);
    expect((await run('user', 'disable', '--username', 'issa', '--data', data)).code).toBe(0);
    expect((await run('user', 'disable', '--username', 'nobody', '--data', data)).code).toBe(1);

    const device = await run('device', 'enroll', '--site', 'niamey-stade', '--name', 'Tablette 1', '--data', data);
    expect(device.out).toMatch(/enrolment code: [0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}/);
    const id = /device ([0-9a-f-]{36})/.exec(device.out)?.[1] ?? '';
    expect((await run('device', 'list', '--data', data)).out).toContain(`${id}  pending`);
    expect((await run('device', 'revoke', '--id', id, '--data', data)).code).toBe(0);
    expect((await run('device', 'revoke', '--id', id, '--data', data)).code).toBe(1);
    expect((await run('device', 'enroll', '--site', 'nowhere', '--name', 'x', '--data', data)).code).toBe(1);

    const verified = await run('audit', 'verify', '--data', data);
    expect(verified.code).toBe(0);
    expect(verified.out).toMatch(/sealed \d+ pending entries/);
    expect(verified.out).toContain('OK: chain intact');
  });

  it('looks for duplicates over the registry, queues each likely pair once, and saves the match model', async () => {
    const data = join(dir, 'dedup');
    expect((await run('demo', '--volunteers', '1500', '--duplicates', '0.1', '--data', data)).code).toBe(0);
    const first = await run('dedup', '--data', data);
    expect(first.code, first.err).toBe(0);
    const queued = Number(/(\d+) new in the review queue/.exec(first.out)?.[1]);
    const likely = Number(/(\d+) likely duplicates/.exec(first.out)?.[1]);
    expect(likely).toBeGreaterThan(20);
    expect(queued).toBe(likely);
    const second = await run('dedup', '--data', data);
    expect(second.out).toContain(' 0 new in the review queue');
  }, 120_000); // three command processes, each starting TypeScript
});
