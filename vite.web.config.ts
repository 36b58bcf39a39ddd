import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('./web/', import.meta.url));

/**
 * Three surfaces, one build: the public page's enhancement script (the page itself is rendered by
 * the server and works without it), the agent app (PWA with its service worker at /agent/sw.js) and
 * the console. Output: dist/web (git-ignored), served by `muster serve`.
 */
export default defineConfig({
  root,
  base: '/',
  // Copied as they are (fixed URLs): the agent app's manifest and icon.
  publicDir: fileURLToPath(new URL('./web/static/', import.meta.url)),
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('./dist/web/', import.meta.url)),
    emptyOutDir: true,
    manifest: true,
    target: 'es2020',
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    rollupOptions: {
      input: {
        register: `${root}register/enhance.ts`,
        agent: `${root}agent/index.html`,
        sw: `${root}agent/sw.ts`,
        console: `${root}console/index.html`,
      },
      output: {
        // The service worker keeps a fixed URL: its scope is /agent/ and browsers look for updates there.
        entryFileNames: (chunk) => (chunk.name === 'sw' ? 'agent/sw.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
});
