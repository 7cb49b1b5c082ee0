/**
 * Measurement 5: the consumer bundle as CDK's NodejsFunction builds the demo app's consumer entry
 * (esbuild: bundle, minify, ESM, platform node, target node24, the AWS SDK bundled, the
 * createRequire banner, an external source map), its size, what is in it, and its module init
 * time: `import()` of the built file in a fresh Node process with the consumer's environment.
 *
 * Variants of the same bundle: with `--enable-source-maps` (the stack sets it in NODE_OPTIONS),
 * and — to price one finding — a build with `@aws-sdk/client-s3` stubbed out (only the report
 * job uses it, yet every class's function loads it), one with zod's locales emptied, and one
 * built with esbuild's code splitting, where every dynamic `import()` (the report job's S3
 * client, the SDK's credential providers) becomes a chunk loaded on first use: its init is the
 * entry file and the chunks it imports statically, and its size is what those weigh.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile, type Plugin } from 'esbuild';
import { summarize, type Summary } from './stats.ts';

export interface ColdStartOptions {
  readonly runs: number;
  readonly warmups: number;
  readonly log?: (line: string) => void;
}

export interface BundleStats {
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly sourceMapBytes: number;
  /** Bytes of the output by package (`(app)` = this repository's code), largest first. */
  readonly packages: readonly { readonly name: string; readonly bytes: number }[];
}

export interface InitVariant {
  readonly id: string;
  readonly title: string;
  /** The file's size; for the code-splitting build, the bytes loaded at import (entry + static chunks). */
  readonly bundleBytes: number;
  /** `import()` of the bundle, ms. */
  readonly importMs: Summary;
  /** Process start → bundle imported (Node's own startup included), ms. */
  readonly readyMs: Summary;
  /** Per round, this variant's import time minus the plain bundle's (paired: the same moment on the machine). */
  readonly importDeltaMs: Summary;
}

export interface ColdStartResult {
  readonly entry: string;
  readonly esbuildOptions: Readonly<Record<string, unknown>>;
  readonly bundle: BundleStats;
  /** The code-splitting build: bytes loaded at import (entry + static chunks) and in chunks loaded on first use. */
  readonly split?: { readonly bytesAtInit: number; readonly lazyBytes: number };
  readonly variants: readonly InitVariant[];
  readonly runs: number;
  readonly warmups: number;
}

export const CONSUMER_ENTRY = join(import.meta.dirname, 'consumer-entry.ts');

/** The consumer's environment, as the brief and the stack define it. */
export const CONSUMER_ENV: Readonly<Record<string, string>> = {
  SQS_JOBS_CLASS: 'default',
  SQS_JOBS_TABLE_NAME: 'x',
  SQS_JOBS_QUEUES: JSON.stringify({ default: { queueUrl: 'http://127.0.0.1:1/q', dlqUrl: 'http://127.0.0.1:1/d' } }),
  AWS_REGION: 'us-east-1',
};

/** What cdk/class-consumer.ts passes to NodejsFunction's bundling. */
const BANNER = "import{createRequire}from'node:module';const require=createRequire(import.meta.url);";
export const esbuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  sourcemap: 'external',
  sourcesContent: false,
  mainFields: ['module', 'main'],
  external: [] as string[],
  banner: { js: BANNER },
} as const;

/** Replaces @aws-sdk/client-s3 with a stub exporting the two names the report job imports. */
const stubS3: Plugin = {
  name: 'stub-client-s3',
  setup(b) {
    b.onResolve({ filter: /^@aws-sdk\/client-s3$/ }, () => ({ path: 'client-s3-stub', namespace: 'stub' }));
    b.onLoad({ filter: /^client-s3-stub$/, namespace: 'stub' }, () => ({
      contents: 'export class S3Client { send() { throw new Error("stub"); } } export class PutObjectCommand {}',
      loader: 'js',
    }));
  },
};

/** Empties zod's `locales` namespace (error messages in every language; the code uses none). */
const stubZodLocales: Plugin = {
  name: 'stub-zod-locales',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      args.importer.includes('/node_modules/zod/') ? { path: 'zod-locales-stub', namespace: 'stub' } : undefined,
    );
    b.onLoad({ filter: /^zod-locales-stub$/, namespace: 'stub' }, () => ({ contents: 'export {}', loader: 'js' }));
  },
};

async function bundle(outfile: string, plugins: Plugin[] = []): Promise<Metafile> {
  const { metafile } = await build({
    ...esbuildOptions,
    mainFields: [...esbuildOptions.mainFields],
    entryPoints: [CONSUMER_ENTRY],
    outfile,
    metafile: true,
    logLevel: 'silent',
    plugins,
  });
  return metafile;
}

/**
 * The same build with code splitting (ESM): dynamic imports go to their own chunks. Returns the
 * entry file and the bytes loaded at import — the entry and every chunk reachable from it by
 * static imports (the lazily loaded chunks are left out).
 */
async function splitBundle(outdir: string): Promise<{ entry: string; bytesAtInit: number; lazyBytes: number }> {
  const { metafile } = await build({
    ...esbuildOptions,
    mainFields: [...esbuildOptions.mainFields],
    entryPoints: { index: CONSUMER_ENTRY },
    outdir,
    splitting: true,
    outExtension: { '.js': '.mjs' },
    metafile: true,
    logLevel: 'silent',
  });
  const { staticBytes, totalBytes } = staticallyLoaded(metafile, 'index.mjs');
  return { entry: join(outdir, 'index.mjs'), bytesAtInit: staticBytes, lazyBytes: totalBytes - staticBytes };
}

/** Bytes of the output named `entryFile` and of every output it reaches by static imports; and of all outputs. */
export function staticallyLoaded(metafile: Metafile, entryFile: string): { staticBytes: number; totalBytes: number } {
  const outputs = Object.entries(metafile.outputs).filter(([path]) => !path.endsWith('.map'));
  const byPath = new Map(outputs);
  const start = outputs.find(([path]) => basename(path) === entryFile)?.[0];
  const seen = new Set<string>();
  const queue = start ? [start] : [];
  while (queue.length > 0) {
    const path = queue.pop() as string;
    if (seen.has(path)) continue;
    seen.add(path);
    for (const imported of byPath.get(path)?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external && byPath.has(imported.path)) queue.push(imported.path);
    }
  }
  const sum = (paths: Iterable<string>) => [...paths].reduce((total, path) => total + (byPath.get(path)?.bytes ?? 0), 0);
  return { staticBytes: sum(seen), totalBytes: sum(byPath.keys()) };
}

/** Output bytes grouped by npm package; this repository's own files count as `(app)`. */
export function packageSizes(metafile: Metafile): { name: string; bytes: number }[] {
  const sizes = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      // zod's locales (error messages in ~50 languages) are big enough to show apart.
      const name = /node_modules\/zod\/v4\/locales\//.test(path) ? 'zod (v4/locales)' : (match?.[1] ?? '(app)');
      sizes.set(name, (sizes.get(name) ?? 0) + input.bytesInOutput);
    }
  }
  return [...sizes.entries()].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

const IMPORT_SCRIPT = `
const started = performance.now();
await import(process.env.BENCH_BUNDLE_URL);
const done = performance.now();
process.stdout.write(JSON.stringify({ importMs: done - started, readyMs: done }));
`;

function timeImport(bundlePath: string, nodeOptions: string): Promise<{ importMs: number; readyMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', IMPORT_SCRIPT], {
      // A clean environment: only what the function would have (and PATH for the runtime).
      env: { PATH: process.env.PATH ?? '', ...CONSUMER_ENV, NODE_OPTIONS: nodeOptions, BENCH_BUNDLE_URL: pathToFileURL(bundlePath).href },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`importing ${bundlePath} failed (${code}): ${err.trim()}`));
      try {
        resolve(JSON.parse(out) as { importMs: number; readyMs: number });
      } catch {
        reject(new Error(`unexpected output from the import probe: ${out} ${err}`));
      }
    });
  });
}

export async function measureColdStart(options: ColdStartOptions): Promise<ColdStartResult> {
  const dir = await mkdtemp(join(tmpdir(), 'sqs-jobs-bench-bundle-'));
  try {
    const main = join(dir, 'index.mjs');
    const metafile = await bundle(main);
    const code = await readFile(main);
    const noS3 = join(dir, 'no-s3', 'index.mjs');
    await bundle(noS3, [stubS3]);
    const noLocales = join(dir, 'no-zod-locales', 'index.mjs');
    await bundle(noLocales, [stubZodLocales]);
    const split = await splitBundle(join(dir, 'split'));

    const variants = [
      { id: 'bundle', title: 'the consumer bundle', path: main, nodeOptions: '' },
      { id: 'bundle-source-maps', title: 'the same, with NODE_OPTIONS=--enable-source-maps (as deployed)', path: main, nodeOptions: '--enable-source-maps' },
      { id: 'bundle-without-s3', title: 'the same bundle with @aws-sdk/client-s3 stubbed out', path: noS3, nodeOptions: '' },
      { id: 'bundle-without-zod-locales', title: "the same bundle with zod's locales namespace emptied", path: noLocales, nodeOptions: '' },
      {
        id: 'bundle-split',
        title: "built with esbuild's code splitting: dynamic imports (the S3 client, the SDK's credential providers) in chunks loaded on first use",
        path: split.entry,
        nodeOptions: '',
        bytes: split.bytesAtInit,
      },
    ];
    const samples = new Map(variants.map((v) => [v.id, { importMs: [] as number[], readyMs: [] as number[], deltaMs: [] as number[] }]));
    for (let run = 0; run < options.warmups + options.runs; run++) {
      // Rotate the order so no variant always runs first (or right after the same neighbour).
      const round = variants.map((_, i) => variants[(i + run) % variants.length] as (typeof variants)[number]);
      const timings = new Map<string, { importMs: number; readyMs: number }>();
      for (const variant of round) timings.set(variant.id, await timeImport(variant.path, variant.nodeOptions));
      if (run < options.warmups) continue;
      const base = timings.get('bundle')?.importMs ?? Number.NaN;
      for (const [id, timing] of timings) {
        samples.get(id)?.importMs.push(timing.importMs);
        samples.get(id)?.readyMs.push(timing.readyMs);
        samples.get(id)?.deltaMs.push(timing.importMs - base);
      }
    }
    const result: ColdStartResult = {
      entry: 'bench/consumer-entry.ts',
      esbuildOptions: { ...esbuildOptions, banner: BANNER },
      bundle: {
        bytes: code.length,
        gzipBytes: gzipSync(code).length,
        sourceMapBytes: (await stat(`${main}.map`)).size,
        packages: packageSizes(metafile),
      },
      split: { bytesAtInit: split.bytesAtInit, lazyBytes: split.lazyBytes },
      variants: await Promise.all(
        variants.map(async (variant) => ({
          id: variant.id,
          title: variant.title,
          bundleBytes: 'bytes' in variant && variant.bytes !== undefined ? variant.bytes : (await stat(variant.path)).size,
          importMs: summarize(samples.get(variant.id)?.importMs ?? []),
          readyMs: summarize(samples.get(variant.id)?.readyMs ?? []),
          importDeltaMs: summarize(samples.get(variant.id)?.deltaMs ?? []),
        })),
      ),
      runs: options.runs,
      warmups: options.warmups,
    };
    options.log?.(
      `  bundle ${(result.bundle.bytes / 1024).toFixed(0)} KiB (${(result.bundle.gzipBytes / 1024).toFixed(0)} KiB gzip); ` +
        `import ${result.variants[0]?.importMs.median.toFixed(0)} ms`,
    );
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
