/**
 * An application's jobs module as the construct sees it: what it declares (classes, schedules,
 * job names, read once at synth time in a child process) and the Lambda entries that run it
 * (generated under `<project>/node_modules/.cache/sqs-jobs/`, importing the app's module and the
 * package's handler factory by absolute path, so no layout of the app or of this package is
 * assumed).
 *
 * @example
 * const jobs = readJobsModule({ entry: 'src/jobs.ts' });
 * jobs.classes;          // the catalog the registry carries
 * jobs.consumerEntry;    // the generated consumer entry, inside the project root
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PriorityClassCatalog } from '../shared/priority-classes.ts';
import type { Schedule } from '../shared/schedules/schedule-catalog.ts';
import { JobPipelinePropsError } from './validate-pipeline-props.ts';

/** What the construct reads from an app's jobs module at synth time (plain data, JSON-safe). */
export interface JobLoadDescription {
  readonly classes: PriorityClassCatalog;
  readonly schedules: readonly Schedule[];
  readonly jobs: readonly { readonly name: string; readonly class: string }[];
}

export interface JobsModuleProps {
  /** The app's module exporting the job registry (and optionally the schedules), e.g. `src/jobs.ts`. */
  readonly entry: string;
  /** @default 'jobRegistry' */
  readonly registryExport?: string;
  /** @default 'schedules' */
  readonly schedulesExport?: string;
}

export interface JobsModule extends JobLoadDescription {
  /** Absolute path of the app's module. */
  readonly entry: string;
  /** Directory of the lock file that pins the bundled dependencies. */
  readonly projectRoot: string;
  readonly depsLockFilePath: string;
  /** Generated consumer entry: `createConsumerHandler(<the app's registry>)`. */
  readonly consumerEntry: string;
  /** Generated dispatcher entry, inside the project root like the consumer's (bundling requires it). */
  readonly dispatcherEntry: string;
}

const LOCK_FILES = ['package-lock.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock', 'bun.lockb'];
const SOURCE_EXTENSION = extname(import.meta.filename);
/** The package's own files this construct points bundles at: `.ts` in the repository, `.js` when installed. */
const PACKAGE_LAMBDAS = join(import.meta.dirname, '..', 'lambdas');
export const DISPATCHER_ENTRY = join(PACKAGE_LAMBDAS, 'entries', `dispatcher${SOURCE_EXTENSION}`);
const CONSUMER_FACTORY = join(PACKAGE_LAMBDAS, `index${SOURCE_EXTENSION}`);
const DESCRIBE_SCRIPT = join(import.meta.dirname, `describe-jobs-module${SOURCE_EXTENSION}`);
const DESCRIBE_TIMEOUT_MS = 120_000;

/** The nearest lock file at or above `fromPath`'s directory. */
export function findLockFile(fromPath: string): string | undefined {
  let dir = dirname(resolve(fromPath));
  for (;;) {
    const found = LOCK_FILES.map((name) => join(dir, name)).find((file) => existsSync(file));
    if (found) return found;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * @param options.tracing wire Powertools' Tracer into the generated consumer when the app has
 *   `@aws-lambda-powertools/tracer` installed (the package does not depend on it).
 */
export function readJobsModule(props: JobsModuleProps, options: { tracing?: boolean } = {}): JobsModule {
  const entry = resolve(props.entry);
  if (!existsSync(entry)) throw new JobPipelinePropsError([`jobs.entry ${props.entry} does not exist (resolved to ${entry})`]);
  const registryExport = props.registryExport ?? 'jobRegistry';
  const schedulesExport = props.schedulesExport ?? 'schedules';
  const depsLockFilePath = findLockFile(entry);
  if (!depsLockFilePath) {
    throw new JobPipelinePropsError([
      `jobs.entry ${props.entry}: no lock file (${LOCK_FILES.join(', ')}) in its directory or above; bundling pins dependencies with it`,
    ]);
  }
  const description = describe(entry, registryExport, schedulesExport);
  const projectRoot = dirname(depsLockFilePath);
  return {
    ...description,
    entry,
    projectRoot,
    depsLockFilePath,
    consumerEntry: writeConsumerEntry(projectRoot, entry, registryExport, options.tracing === true && hasTracer(projectRoot)),
    dispatcherEntry: writeGenerated(projectRoot, 'dispatcher.ts', dispatcherEntrySource()),
  };
}

function describe(entry: string, registryExport: string, schedulesExport: string): JobLoadDescription {
  // createRequire, not import.meta.resolve: a CommonJS CDK app (cdk init's template) runs this
  // file converted to CommonJS, where import.meta.resolve does not exist.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;
  try {
    const out = execFileSync(process.execPath, ['--import', tsx, DESCRIBE_SCRIPT, entry, registryExport, schedulesExport], {
      cwd: dirname(entry),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: DESCRIBE_TIMEOUT_MS,
    });
    return JSON.parse(out) as JobLoadDescription;
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new JobPipelinePropsError([`jobs.entry: ${stderr || (error as Error).message}`]);
  }
}

function hasTracer(projectRoot: string): boolean {
  try {
    createRequire(join(projectRoot, 'package.json')).resolve('@aws-lambda-powertools/tracer');
    return true;
  } catch {
    return false;
  }
}

function writeConsumerEntry(projectRoot: string, entry: string, registryExport: string, traced: boolean): string {
  return writeGenerated(projectRoot, 'consumer.ts', consumerEntrySource(entry, registryExport, traced));
}

/** Writes a generated entry under `<project>/node_modules/.cache/sqs-jobs/<hash of its source>/`. */
function writeGenerated(projectRoot: string, name: string, source: string): string {
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 12);
  const dir = join(projectRoot, 'node_modules', '.cache', 'sqs-jobs', hash);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, source);
  return file;
}

/** The generated dispatcher entry: the package's handler; it needs no registry. */
function dispatcherEntrySource(): string {
  return [
    '// Generated by the sqs-jobs JobPipeline construct at synth time; do not edit.',
    `import { createDispatcherHandler } from ${JSON.stringify(CONSUMER_FACTORY)};`,
    'export const handler = createDispatcherHandler();',
    '',
  ].join('\n');
}

/** The generated consumer entry: the app's registry under the package's handler factory. */
export function consumerEntrySource(entry: string, registryExport: string, traced: boolean): string {
  const name = JSON.stringify(registryExport);
  return [
    '// Generated by the sqs-jobs JobPipeline construct at synth time; do not edit.',
    `import { createConsumerHandler } from ${JSON.stringify(CONSUMER_FACTORY)};`,
    `import * as app from ${JSON.stringify(entry)};`,
    ...(traced
      ? [
          "import { Tracer } from '@aws-lambda-powertools/tracer';",
          "import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';",
        ]
      : []),
    `const registry = (app as any)[${name}] ?? (app as any).default?.[${name}];`,
    ...(traced
      ? [
          'const tracer = new Tracer();',
          'export const handler = createConsumerHandler(registry, { tracer, middlewares: [captureLambdaHandler(tracer)] });',
        ]
      : ['export const handler = createConsumerHandler(registry);']),
    '',
  ].join('\n');
}
