#!/usr/bin/env node
// Entry point of the `muster` command. The sources are TypeScript, loaded through tsx so that a
// fresh checkout runs without a separate build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
