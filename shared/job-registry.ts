/**
 * One typed registry of job definitions and the priority classes they run on, shared by the
 * producer (SDK), the consumers, the local runtime, the CLI and the CDK construct.
 *
 * @example
 * const registry = createJobRegistry([generateReport, sendWebhook]);
 * registry.get('report.generate'); // the definition, or undefined
 * registry.classes.reports.timeoutSeconds; // the package defaults unless `classes` is passed
 * type Names = JobNameOf<typeof registry>; // 'report.generate' | 'webhook.send'
 */
import type { z } from 'zod';
import type { AnyJobDefinition, JobDefinition } from './define-job.ts';
import { ConfigurationError } from './errors.ts';
import { queueRetentionSeconds } from './pipeline-settings.ts';
import {
  defaultPriorityClasses,
  definePriorityClasses,
  type PriorityClass,
  type PriorityClassCatalog,
} from './priority-classes.ts';
import { queueSpanProblems } from './queue-span.ts';

export interface JobRegistry<
  Defs extends AnyJobDefinition = AnyJobDefinition,
  Classes extends PriorityClassCatalog = PriorityClassCatalog,
> {
  readonly definitions: readonly Defs[];
  /** The class catalog: one queue, DLQ and consumer per entry. */
  readonly classes: Classes;
  get(name: string): Defs | undefined;
  /** The class a job name runs on, or undefined for an unknown job. */
  classOf(name: string): PriorityClass | undefined;
}

export interface JobRegistryOptions<Classes extends PriorityClassCatalog> {
  /** @defaultValue defaultPriorityClasses */
  readonly classes?: Classes;
}

/**
 * Collects definitions; each job's `class` must be a key of the catalog (a compile error, and a
 * `ConfigurationError` at run time naming the job), and its timeout within the class's.
 */
export function createJobRegistry<
  const Defs extends readonly AnyJobDefinition[],
  const Classes extends PriorityClassCatalog = typeof defaultPriorityClasses,
>(
  definitions: Defs & readonly JobDefinition<string, z.ZodType, Extract<keyof NoInfer<Classes>, string>>[],
  options: JobRegistryOptions<Classes> = {},
): JobRegistry<Defs[number], Classes> {
  const classes = (options.classes ? definePriorityClasses(options.classes) : defaultPriorityClasses) as Classes;
  const byName = new Map<string, Defs[number]>();
  const problems: string[] = [];
  for (const definition of definitions as readonly Defs[number][]) {
    if (byName.has(definition.name)) problems.push(`job "${definition.name}" is registered twice`);
    byName.set(definition.name, definition);
    const cls = Object.hasOwn(classes, definition.class) ? classes[definition.class] : undefined;
    if (!cls) {
      problems.push(
        `job "${definition.name}": class "${definition.class}" is not in the priority-class catalog (known: ${Object.keys(classes).join(', ')})`,
      );
    } else if (definition.timeoutSeconds !== undefined && definition.timeoutSeconds > cls.timeoutSeconds) {
      problems.push(
        `job "${definition.name}": timeoutSeconds ${definition.timeoutSeconds} exceeds its class "${definition.class}" timeout (${cls.timeoutSeconds}s)`,
      );
    }
  }
  problems.push(...queueSpanProblems(definitions, classes, queueRetentionSeconds()));
  if (problems.length > 0) throw new ConfigurationError(`invalid job registry: ${problems.join('; ')}`);
  return {
    definitions,
    classes,
    get: (name) => byName.get(name),
    classOf: (name) => {
      const definition = byName.get(name);
      return definition ? classes[definition.class] : undefined;
    },
  };
}

/**
 * The same jobs on another catalog with the same class names, e.g. test-sized timeouts and
 * backoffs for a local runtime; every job's class must be in it. A job timeout above its
 * shrunken class's is allowed here: the class's timeout bounds every attempt anyway.
 */
export function withPriorityClasses<R extends JobRegistry>(registry: R, classes: PriorityClassCatalog): R {
  const catalog = definePriorityClasses(classes);
  const missing = registry.definitions.filter((definition) => !Object.hasOwn(catalog, definition.class));
  if (missing.length > 0) {
    throw new ConfigurationError(
      `the catalog lacks the class of ${missing.map((d) => `job "${d.name}" ("${d.class}")`).join(', ')} (known: ${Object.keys(catalog).join(', ')})`,
    );
  }
  const classOf = (name: string) => {
    const definition = registry.get(name);
    return definition ? catalog[definition.class] : undefined;
  };
  return { ...registry, classes: catalog, classOf };
}

/** True when `value` looks like a registry built by `createJobRegistry` (for loaded modules). */
export function isJobRegistry(value: unknown): value is JobRegistry {
  const candidate = value as Partial<JobRegistry> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    Array.isArray(candidate.definitions) &&
    typeof candidate.get === 'function' &&
    typeof candidate.classes === 'object'
  );
}

export type JobNameOf<R> = R extends JobRegistry<infer D, PriorityClassCatalog> ? D['name'] : never;

/** The class names of a registry's catalog. */
export type ClassNameOf<R> = R extends JobRegistry<AnyJobDefinition, infer C> ? Extract<keyof C, string> : never;

export type DefinitionOf<R, N extends string> =
  R extends JobRegistry<infer D, PriorityClassCatalog> ? Extract<D, { readonly name: N }> : never;

/** What `enqueue` accepts for job `N`: the schema's input type. */
export type PayloadOf<R, N extends string> =
  DefinitionOf<R, N> extends JobDefinition<string, infer S extends z.ZodType, string> ? z.input<S> : never;
