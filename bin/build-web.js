#!/usr/bin/env node
// Builds the browser apps (public page script, agent app, console) into dist/web with Vite.
// Run by `npm ci`/`npm install` (prepare) and by `npm start`; with --if-missing it builds only when
// the output is missing or older than its sources, so a fresh clone or a pull never needs a separate step.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = join(root, 'dist', 'web', '.vite', 'manifest.json');
// What the bundles are made of: the web sources and the shared modules they import.
const SOURCES = ['web', 'src/i18n', 'src/domain', 'src/config', 'src/access', 'vite.web.config.ts', 'package-lock.json'];

/** @param {string} path @returns {number} */
function newest(path) {
  const full = join(root, path);
  if (!existsSync(full)) return 0;
  const stat = statSync(full);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(full).map((name) => newest(join(path, name))));
}

const ifMissing = process.argv.includes('--if-missing');
const upToDate = () => existsSync(manifest) && Math.max(...SOURCES.map(newest)) <= statSync(manifest).mtimeMs;
if (ifMissing && upToDate()) process.exit(0);

// One build at a time (test files start servers in parallel): the others wait, then find it done.
const lock = join(root, 'dist', '.web-build.lock');
mkdirSync(join(root, 'dist'), { recursive: true });
const waitUntil = Date.now() + 120_000;
for (;;) {
  try {
    mkdirSync(lock);
    break;
  } catch {
    // A lock older than two minutes was left by a build that died.
    if (Date.now() > waitUntil || Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > 120_000) {
      rmSync(lock, { recursive: true, force: true });
      continue;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
  }
}
process.on('exit', () => rmSync(lock, { recursive: true, force: true }));
if (ifMissing && upToDate()) process.exit(0);
if (ifMissing) console.log('web apps: missing or older than their sources, building');

let viteBin;
try {
  viteBin = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
} catch {
  console.warn('web apps: vite is not installed (npm ci without dev dependencies?); the web pages will answer 503 until they are built');
  process.exit(0);
}
const started = Date.now();
const result = spawnSync(process.execPath, [viteBin, 'build', '--config', join(root, 'vite.web.config.ts')], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  console.error('web apps: build failed');
  process.exit(result.status ?? 1);
}
console.log(`web apps built into dist/web in ${((Date.now() - started) / 1000).toFixed(1)} s`);
