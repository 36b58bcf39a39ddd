import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** Where `npm run build:web` (run by `npm ci` and `npm start`) writes the browser apps. */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../dist/web/', import.meta.url));

export interface WebFile {
  body: Buffer;
  /** Gzipped once at start-up when it saves bytes (text files). */
  gzip: Buffer | null;
  type: string;
  etag: string;
  /** Hashed file names never change content: cached for a year. */
  immutable: boolean;
}

interface ManifestChunk {
  file: string;
  css?: string[];
}

export interface WebAssets {
  /** By URL path ("/assets/register-AbC.js", "/agent/index.html"). */
  files: ReadonlyMap<string, WebFile>;
  /** The script and style sheets of a build entry ("register/enhance.ts"). */
  entry(name: string): { script: string; styles: string[] } | null;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else out.push(path);
  }
  return out;
}

/** Reads a built web directory into memory (a few hundred KB); null when it has not been built. */
export function loadWebAssets(dir: string = DEFAULT_WEB_DIR): WebAssets | null {
  const manifestPath = join(dir, '.vite', 'manifest.json');
  if (!existsSync(manifestPath)) return null;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, ManifestChunk>;
  const files = new Map<string, WebFile>();
  for (const path of walk(dir)) {
    const rel = relative(dir, path).split(sep).join('/');
    if (rel.startsWith('.vite/')) continue;
    const body = readFileSync(path);
    const ext = /\.[a-z]+$/.exec(rel)?.[0] ?? '';
    const type = TYPES[ext] ?? 'application/octet-stream';
    const compressible = type.startsWith('text/') || type.includes('json') || type.includes('svg');
    const gzipped = compressible ? gzipSync(body, { level: 9 }) : null;
    files.set(`/${rel}`, {
      body,
      gzip: gzipped && gzipped.length < body.length ? gzipped : null,
      type,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
      immutable: rel.startsWith('assets/'),
    });
  }
  return {
    files,
    entry(name) {
      const chunk = manifest[name];
      if (!chunk) return null;
      return { script: `/${chunk.file}`, styles: (chunk.css ?? []).map((c) => `/${c}`) };
    },
  };
}
