/**
 * The consumer bundle as the construct deploys it: the entry `cdk/jobs-module.ts` generates for
 * the demo app, built with the construct's own esbuild settings (`cdk/bundling.ts`). Counted
 * facts (size, bytes by package, what stays an import of the runtime's SDK, and how) and module
 * init: `import()` of the built file in a fresh Node process with the consumer's environment,
 * side by side with a minimal one-client handler and with the consumer's dependencies alone (the
 * floor of the ratio), all built the same way, in rotating order.
 *
 * The bundles are written under `node_modules/.cache/` so the runtime-provided imports resolve
 * from this repository's node_modules, as they resolve from the runtime's on Lambda.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { CONSUMER_ESBUILD } from '../cdk/bundling.ts';
import { consumerEntrySource } from '../cdk/jobs-module.ts';
import { summarize, type Summary } from './stats.ts';

export interface BundleOptions {
  readonly runs: number;
  readonly warmups: number;
  readonly log?: (line: string) => void;
}

export interface BundleFacts {
  readonly bytes: number;
  readonly gzipBytes: number;
  /** Bytes of the output by package (`(app)` = this repository's code), largest first. */
  readonly packages: readonly { readonly name: string; readonly bytes: number }[];
  /** Imports left to the runtime, and whether the module loads them at init or on first use. */
  readonly runtimeImports: readonly { readonly path: string; readonly kind: 'static' | 'dynamic' }[];
}

export interface BundleResult {
  readonly entry: string;
  readonly esbuild: Readonly<Record<string, unknown>>;
  readonly consumer: BundleFacts;
  readonly minimal: BundleFacts;
  readonly runs: number;
  readonly warmups: number;
  /** `import()` of the bundle, ms. */
  readonly initMs: { readonly consumer: Summary; readonly consumerSourceMaps: Summary; readonly minimal: Summary; readonly dependencies: Summary };
  /** Per round: the consumer's init ÷ the minimal handler's (paired: the same moment on the machine). */
  readonly initRatio: Summary;
  /** Per round: the consumer's dependencies alone (no sqs-jobs code) ÷ the minimal handler: the floor of the ratio. */
  readonly dependenciesRatio: Summary;
}

const REPOSITORY_ROOT = join(import.meta.dirname, '..');
export const DEMO_JOBS_ENTRY = join(REPOSITORY_ROOT, 'examples', 'demo', 'src', 'jobs.ts');
const OUT_DIR = join(REPOSITORY_ROOT, 'node_modules', '.cache', 'sqs-jobs-bench', 'bundle');

/** A handler with one SDK client and one call: the floor any consumer's init is compared with. */
const MINIMAL_HANDLER = `import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
const client = new DynamoDBClient({});
export const handler = async () => client.send(new GetItemCommand({ TableName: process.env.SQS_JOBS_TABLE_NAME, Key: { id: { S: 'x' } } }));
`;

/** What every consumer loads at init before any sqs-jobs code: its three SDK modules, zod and Powertools. */
const DEPENDENCIES_ONLY = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
export const parts = [DynamoDBDocumentClient.from(new DynamoDBClient({})), new SQSClient({}), z.object({ id: z.string() }), new Logger(), new Metrics()];
`;

/** The consumer's environment, as the stack defines it. */
export const CONSUMER_ENV: Readonly<Record<string, string>> = {
  SQS_JOBS_CLASS: 'default',
  SQS_JOBS_TABLE_NAME: 'x',
  SQS_JOBS_QUEUES: JSON.stringify({ default: { queueUrl: 'http://127.0.0.1:1/q', dlqUrl: 'http://127.0.0.1:1/d' } }),
  AWS_REGION: 'us-east-1',
};

/** Builds one entry with the construct's settings; returns the output file, its metafile and facts. */
export async function buildBundle(name: string, source: string): Promise<{ file: string; facts: BundleFacts; metafile: Metafile }> {
  const dir = join(OUT_DIR, name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const entry = join(dir, 'entry.ts');
  await writeFile(entry, source);
  const file = join(dir, 'index.mjs');
  const { metafile } = await build({
    ...CONSUMER_ESBUILD,
    mainFields: [...CONSUMER_ESBUILD.mainFields],
    external: [...CONSUMER_ESBUILD.external],
    entryPoints: [entry],
    outfile: file,
    metafile: true,
    logLevel: 'silent',
  });
  const code = await readFile(file);
  return { file, metafile, facts: { bytes: code.length, gzipBytes: gzipSync(code).length, packages: packageSizes(metafile), runtimeImports: runtimeImports(metafile) } };
}

/** The demo app's consumer, as `cdk/jobs-module.ts` generates it. */
export const buildConsumerBundle = () => buildBundle('consumer', consumerEntrySource(DEMO_JOBS_ENTRY, 'jobRegistry', false));

/** Output bytes grouped by npm package; this repository's own files count as `(app)`, zod's locales apart. */
export function packageSizes(metafile: Metafile): { name: string; bytes: number }[] {
  const sizes = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      const name = /node_modules\/zod\/v4\/locales\//.test(path) ? 'zod (v4/locales)' : (match?.[1] ?? '(app)');
      sizes.set(name, (sizes.get(name) ?? 0) + input.bytesInOutput);
    }
  }
  return [...sizes.entries()].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

/** External imports of the output, static (loaded at init) or dynamic (loaded on first use). */
export function runtimeImports(metafile: Metafile): BundleFacts['runtimeImports'] {
  const seen = new Map<string, 'static' | 'dynamic'>();
  for (const output of Object.values(metafile.outputs)) {
    for (const imported of output.imports) {
      if (!imported.external || imported.path.startsWith('node:')) continue;
      const kind = imported.kind === 'dynamic-import' ? 'dynamic' : 'static';
      if (seen.get(imported.path) !== 'static') seen.set(imported.path, kind);
    }
  }
  return [...seen.entries()].map(([path, kind]) => ({ path, kind })).sort((a, b) => a.path.localeCompare(b.path));
}

const IMPORT_SCRIPT = `
const started = performance.now();
await import(process.env.BENCH_BUNDLE_URL);
process.stdout.write(JSON.stringify(performance.now() - started));
`;

/** `import()` of a bundle in a fresh Node process with only the function's environment; ms. */
export function timeImport(bundlePath: string, nodeOptions: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', IMPORT_SCRIPT], {
      env: { PATH: process.env.PATH ?? '', ...CONSUMER_ENV, NODE_OPTIONS: nodeOptions, BENCH_BUNDLE_URL: pathToFileURL(bundlePath).href },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Number(out)) : reject(new Error(`importing ${bundlePath} failed (${code}): ${err.trim()}`))));
  });
}

export async function measureBundle(options: BundleOptions): Promise<BundleResult> {
  const consumer = await buildConsumerBundle();
  const minimal = await buildBundle('minimal', MINIMAL_HANDLER);
  const dependencies = await buildBundle('dependencies', DEPENDENCIES_ONLY);
  const variants = [
    { id: 'consumer', path: consumer.file, nodeOptions: '' },
    { id: 'consumerSourceMaps', path: consumer.file, nodeOptions: '--enable-source-maps' },
    { id: 'minimal', path: minimal.file, nodeOptions: '' },
    { id: 'dependencies', path: dependencies.file, nodeOptions: '' },
  ] as const;
  const samples: Record<(typeof variants)[number]['id'], number[]> = { consumer: [], consumerSourceMaps: [], minimal: [], dependencies: [] };
  const ratios: number[] = [];
  const floorRatios: number[] = [];
  for (let run = 0; run < options.warmups + options.runs; run++) {
    const round: Partial<Record<keyof typeof samples, number>> = {};
    // Rotate the order so no variant always runs first.
    for (let i = 0; i < variants.length; i++) {
      const variant = variants[(i + run) % variants.length] as (typeof variants)[number];
      round[variant.id] = await timeImport(variant.path, variant.nodeOptions);
    }
    if (run < options.warmups) continue;
    for (const id of Object.keys(samples) as (keyof typeof samples)[]) samples[id].push(round[id] ?? Number.NaN);
    ratios.push((round.consumer ?? Number.NaN) / (round.minimal ?? Number.NaN));
    floorRatios.push((round.dependencies ?? Number.NaN) / (round.minimal ?? Number.NaN));
  }
  const result: BundleResult = {
    entry: 'cdk/jobs-module.ts consumerEntrySource(examples/demo/src/jobs.ts)',
    esbuild: { ...CONSUMER_ESBUILD },
    consumer: consumer.facts,
    minimal: minimal.facts,
    runs: options.runs,
    warmups: options.warmups,
    initMs: {
      consumer: summarize(samples.consumer),
      consumerSourceMaps: summarize(samples.consumerSourceMaps),
      minimal: summarize(samples.minimal),
      dependencies: summarize(samples.dependencies),
    },
    initRatio: summarize(ratios),
    dependenciesRatio: summarize(floorRatios),
  };
  options.log?.(
    `  consumer ${(result.consumer.bytes / 1024).toFixed(0)} KiB, init ${result.initMs.consumer.median.toFixed(0)} ms; ` +
      `minimal one-client handler ${result.initMs.minimal.median.toFixed(0)} ms; ratio ${result.initRatio.median.toFixed(2)} ` +
      `(its dependencies alone ${result.dependenciesRatio.median.toFixed(2)})`,
  );
  return result;
}
