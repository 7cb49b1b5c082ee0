/**
 * Builds the dashboard's front end (dashboard/web) into dist/dashboard/public with esbuild:
 * one minified bundle (Preact and uPlot included), its CSS and index.html. Part of
 * `npm run build`, so `npm pack` ships the assets and nothing is fetched at run time.
 *
 * @example
 * await buildDashboard({ outdir: '/tmp/dashboard-assets' }); // tests build to a folder of their own
 */
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

const WEB = join(import.meta.dirname, 'web');
export const DEFAULT_OUTDIR = join(import.meta.dirname, '..', 'dist', 'dashboard', 'public');

export async function buildDashboard({ outdir = DEFAULT_OUTDIR, minify = true } = {}): Promise<string> {
  // A clean folder, so nothing stale ships.
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  await build({
    entryPoints: { app: join(WEB, 'main.tsx') },
    bundle: true,
    outdir,
    format: 'esm',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify,
    sourcemap: false,
    logLevel: 'warning',
    // app.css imports uPlot's stylesheet; both end up in app.css.
    loader: { '.css': 'css' },
  });
  await copyFile(join(WEB, 'index.html'), join(outdir, 'index.html'));
  return outdir;
}

if (import.meta.filename === process.argv[1]) {
  const outdir = await buildDashboard();
  // stderr: `npm pack --json` runs this build and its stdout must stay JSON.
  console.error(`dashboard built into ${outdir}`);
}
