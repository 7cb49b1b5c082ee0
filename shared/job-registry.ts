/**
 * One typed registry of job definitions, shared by the producer (SDK) and the consumer.
 *
 * @example
 * const registry = createJobRegistry([generateReport, sendWebhook]);
 * registry.get('report.generate'); // the definition, or undefined
 * type Names = JobNameOf<typeof registry>; // 'report.generate' | 'webhook.send'
 */
import type { z } from 'zod';
import type { AnyJobDefinition, JobDefinition } from './define-job.ts';
import { ConfigurationError } from './errors.ts';

export interface JobRegistry<Defs extends AnyJobDefinition = AnyJobDefinition> {
  readonly definitions: readonly Defs[];
  get(name: string): Defs | undefined;
}

export function createJobRegistry<const Defs extends readonly AnyJobDefinition[]>(
  definitions: Defs,
): JobRegistry<Defs[number]> {
  const byName = new Map<string, Defs[number]>();
  for (const definition of definitions) {
    if (byName.has(definition.name)) {
      throw new ConfigurationError(`job "${definition.name}" is registered twice`);
    }
    byName.set(definition.name, definition);
  }
  return { definitions, get: (name) => byName.get(name) };
}

export type JobNameOf<R> = R extends JobRegistry<infer D> ? D['name'] : never;

export type DefinitionOf<R, N extends string> =
  R extends JobRegistry<infer D> ? Extract<D, { readonly name: N }> : never;

/** What `enqueue` accepts for job `N`: the schema's input type. */
export type PayloadOf<R, N extends string> =
  DefinitionOf<R, N> extends JobDefinition<string, infer S extends z.ZodType> ? z.input<S> : never;
