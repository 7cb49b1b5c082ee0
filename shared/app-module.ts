/**
 * Loads an application's jobs module: the file that exports the job registry and, optionally,
 * the schedule catalog (named exports `jobRegistry` and `schedules` unless told otherwise, or
 * a default export holding them). TypeScript is loaded with tsx, so the module may import the
 * rest of the app as it is written. The CLI reads `sqs-jobs.config.ts` this way, and the CDK
 * construct its `jobs.entry` (in a child process, see cdk/jobs-module.ts).
 *
 * @example
 * const app = await loadAppModule('sqs-jobs.config.ts');
 * app.registry.classes; // the catalog the app's jobs run on
 */
import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigurationError, errorMessage } from './errors.ts';
import { isJobRegistry, type JobRegistry } from './job-registry.ts';
import type { Schedule } from './schedules/schedule-catalog.ts';

export interface AppModule {
  /** Absolute path of the loaded file. */
  readonly file: string;
  readonly registry: JobRegistry;
  readonly schedules: readonly Schedule[];
}

export interface AppModuleExports {
  /** @defaultValue 'jobRegistry' */
  readonly registryExport?: string;
  /** @defaultValue 'schedules' */
  readonly schedulesExport?: string;
}

/** Names auto-discovered in the working directory, in this order. */
export const CONFIG_FILE_NAMES = ['sqs-jobs.config.ts', 'sqs-jobs.config.mts', 'sqs-jobs.config.js', 'sqs-jobs.config.mjs'];

/** The config file in `dir`, if there is one. */
export function findConfigFile(dir: string = process.cwd()): string | undefined {
  return CONFIG_FILE_NAMES.map((name) => resolve(dir, name)).find((file) => existsSync(file));
}

export async function loadAppModule(path: string, names: AppModuleExports = {}): Promise<AppModule> {
  const file = resolve(path);
  if (!existsSync(file)) throw new ConfigurationError(`jobs module ${path} does not exist`);
  const registryExport = names.registryExport ?? 'jobRegistry';
  const schedulesExport = names.schedulesExport ?? 'schedules';
  let loaded: Record<string, unknown>;
  try {
    loaded = await importModule(file);
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    throw new ConfigurationError(`jobs module ${path} could not be loaded: ${errorMessage(error)}`);
  }
  const fromDefault = (loaded.default ?? {}) as Record<string, unknown>;
  const registry = loaded[registryExport] ?? fromDefault[registryExport];
  if (!isJobRegistry(registry)) {
    const names = Object.keys(loaded).join(', ') || 'nothing';
    throw new ConfigurationError(
      `jobs module ${path} does not export a job registry as "${registryExport}" (it exports: ${names}); ` +
        `export const ${registryExport} = createJobRegistry([...])`,
    );
  }
  const schedules = loaded[schedulesExport] ?? fromDefault[schedulesExport] ?? [];
  if (!Array.isArray(schedules)) {
    throw new ConfigurationError(
      `jobs module ${path}: export "${schedulesExport}" is not a schedule list; export const ${schedulesExport} = defineSchedules(${registryExport}, [...])`,
    );
  }
  return { file, registry, schedules: schedules as Schedule[] };
}

async function importModule(file: string): Promise<Record<string, unknown>> {
  if (['.ts', '.mts', '.cts', '.tsx'].includes(extname(file))) {
    const { tsImport } = await import('tsx/esm/api');
    return (await tsImport(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>;
  }
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}
