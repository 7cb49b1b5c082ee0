/**
 * The application the CLI operates on: `--config <file>`, else `sqs-jobs.config.{ts,mts,js,mjs}`
 * in the working directory. Without either, commands that only read the pipeline still work on
 * the default class catalog; enqueueing or retrying a job needs its definition, so they name
 * the missing config in their error.
 */
import { findConfigFile, loadAppModule, type AppModule } from '../shared/app-module.ts';
import { createJobRegistry } from '../shared/job-registry.ts';

export interface LoadedAppConfig extends Omit<AppModule, 'file'> {
  /** Undefined when no config was found. */
  readonly file: string | undefined;
}

export async function loadAppConfig(explicit: string | undefined): Promise<LoadedAppConfig> {
  const file = explicit ?? findConfigFile();
  if (file === undefined) return { file: undefined, registry: createJobRegistry([]), schedules: [] };
  return loadAppModule(file);
}
