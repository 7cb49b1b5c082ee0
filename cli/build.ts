/**
 * Builds the CLI into `dist/cli.js` (one ESM file, dependencies left to node_modules).
 * Runs on `npm ci` through the `prepare` script, so `node dist/cli.js` works after install.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

export const CLI_BUNDLE = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

export async function buildCli(outfile = CLI_BUNDLE): Promise<string> {
  await build({
    entryPoints: [fileURLToPath(new URL('./main.ts', import.meta.url))],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    sourcemap: true,
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'warning',
  });
  return outfile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildCli();
}
