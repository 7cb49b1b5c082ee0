/**
 * The schedule catalog: recurring jobs, beside the job catalog. The CDK stack turns each entry
 * into an EventBridge Scheduler schedule that sends straight to the class's queue; the local
 * runtime fires the same entries with the same message template.
 *
 * @example
 * export const schedules = defineSchedules(jobRegistry, [
 *   { name: 'nightly-report', expression: 'cron(0 2 * * ? *)', timezone: 'Europe/Berlin',
 *     job: 'report.generate', payload: { reportId: 'nightly', rows: 1000 }, overlap: 'skip' },
 * ]);
 */
import { ConfigurationError } from '../errors.ts';
import type { JobRegistry } from '../job-registry.ts';
import { parseScheduleExpression } from './schedule-expression.ts';

export type OverlapPolicy = 'allow' | 'skip';

export interface ScheduleEntry {
  /** Schedule name: 1–64 letters, digits, `-`, `_`, `.` (EventBridge Scheduler's rule). */
  readonly name: string;
  /** `cron(min hour day-of-month month day-of-week year)` or `rate(n unit)`, EventBridge syntax. */
  readonly expression: string;
  /** IANA time zone the expression is read in (DST handled). @defaultValue 'UTC' */
  readonly timezone?: string;
  readonly job: string;
  readonly payload: unknown;
  /** Queue to send to. @defaultValue the job definition's class */
  readonly class?: string;
  /** `skip`: no new run while the previous one is queued or running. @defaultValue 'allow' */
  readonly overlap?: OverlapPolicy;
  /** @defaultValue true */
  readonly enabled?: boolean;
  readonly description?: string;
}

/** An entry with its defaults filled in. */
export interface Schedule extends Required<Omit<ScheduleEntry, 'description' | 'class'>> {
  readonly class: string;
  readonly description?: string;
}

const NAME = /^[0-9a-zA-Z_.-]{1,64}$/;

/** Validates every entry against the job registry; all problems are reported at once. */
export function defineSchedules(registry: JobRegistry, entries: readonly ScheduleEntry[]): Schedule[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const schedules: Schedule[] = [];
  for (const entry of entries) {
    const where = `schedule "${entry.name}"`;
    if (!NAME.test(entry.name)) problems.push(`${where}: name must be 1–64 letters, digits, "-", "_" or "."`);
    if (seen.has(entry.name)) problems.push(`${where}: defined twice`);
    seen.add(entry.name);
    const timezone = entry.timezone ?? 'UTC';
    if (!isTimeZone(timezone)) problems.push(`${where}: unknown time zone "${timezone}"`);
    try {
      parseScheduleExpression(entry.expression);
    } catch (error) {
      problems.push(`${where}: ${(error as Error).message}`);
    }
    const definition = registry.get(entry.job);
    if (!definition) {
      problems.push(`${where}: job "${entry.job}" is not registered`);
      continue;
    }
    const parsed = definition.schema.safeParse(entry.payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      problems.push(`${where}: payload invalid at ${issue?.path.join('.') || '(payload)'}: ${issue?.message}`);
    }
    const className = entry.class ?? definition.class;
    if (!Object.hasOwn(registry.classes, className)) problems.push(`${where}: class "${className}" is not in the catalog`);
    schedules.push({
      name: entry.name,
      expression: entry.expression,
      timezone,
      job: entry.job,
      payload: entry.payload,
      class: className,
      overlap: entry.overlap ?? 'allow',
      enabled: entry.enabled ?? true,
      ...(entry.description ? { description: entry.description } : {}),
    });
  }
  if (problems.length > 0) throw new ConfigurationError(`invalid schedules: ${problems.join('; ')}`);
  return schedules;
}

let canonicalZones: ReadonlySet<string> | undefined;

/**
 * Canonical IANA names are looked up in the list (~3 ms once); only other names (aliases) build
 * a DateTimeFormat, whose first construction loads locale data (~30 ms at every consumer's init).
 */
function isTimeZone(zone: string): boolean {
  canonicalZones ??= new Set(['UTC', ...Intl.supportedValuesOf('timeZone')]);
  if (canonicalZones.has(zone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
