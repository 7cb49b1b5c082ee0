/**
 * EventBridge Scheduler expressions, read the way AWS reads them: `cron(…)` with six fields
 * (minutes hours day-of-month month day-of-week year; day-of-week 1–7 = SUN–SAT; exactly one
 * of the two day fields `?`; `L`, `W`, `#`), `rate(n unit)`, and one-time `at(…)`. Unix cron
 * expressions do not port as they are, so they are rejected rather than misread.
 *
 * Next fire times come from croner, configured to EventBridge's semantics, in the schedule's
 * time zone. Around DST changes they follow AWS: a wall time that does not exist is skipped,
 * a repeated one runs once.
 *
 * @example
 * nextFireTimes('cron(0 18 ? * MON-FRI *)', { timezone: 'Europe/Berlin', from: new Date(), count: 3 });
 * nextFireTimes('rate(5 minutes)', { timezone: 'UTC', from: new Date(), count: 3, anchor: startedAt });
 */
import { Cron } from 'croner';
import { InvalidOptionError } from '../errors';

export type ScheduleExpression =
  | { readonly kind: 'cron'; readonly fields: readonly string[] }
  | { readonly kind: 'rate'; readonly seconds: number }
  | { readonly kind: 'at'; readonly localTime: string };

const RATE_UNITS: Record<string, number> = { minute: 60, hour: 3600, day: 86_400 };

// Per field: the characters EventBridge allows (after month and weekday names).
const CRON_FIELDS = [
  { name: 'minutes', pattern: /^[\d,\-*/]+$/, min: 0, max: 59 },
  { name: 'hours', pattern: /^[\d,\-*/]+$/, min: 0, max: 23 },
  { name: 'day-of-month', pattern: /^([\d,\-*/?]+|L|LW|\d{1,2}W)$/, min: 1, max: 31 },
  { name: 'month', pattern: /^[\d,\-*/A-Z]+$/, min: 1, max: 12 },
  { name: 'day-of-week', pattern: /^([\d,\-*?A-Z]+|[1-7A-Z]{1,3}L|[1-7A-Z]{1,3}#[1-5])$/, min: 1, max: 7 },
  { name: 'year', pattern: /^[\d,\-*/]+$/, min: 1970, max: 2199 },
] as const;

const NAMES = /\b(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC|SUN|MON|TUE|WED|THU|FRI|SAT)\b/g;

export function parseScheduleExpression(expression: string): ScheduleExpression {
  const trimmed = expression.trim();
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(trimmed);
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2]!;
    const singular = unit.replace(/s$/, '');
    if (value < 1) throw new InvalidOptionError(`${expression}: the rate must be at least 1`);
    if ((value === 1) !== (unit === singular)) {
      throw new InvalidOptionError(`${expression}: write "rate(1 ${singular})" for one, "rate(${Math.max(2, value)} ${singular}s)" for more`);
    }
    return { kind: 'rate', seconds: value * RATE_UNITS[singular]! };
  }
  const at = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(trimmed);
  if (at) return { kind: 'at', localTime: at[1]! };
  const cron = /^cron\((.*)\)$/.exec(trimmed);
  if (!cron) {
    throw new InvalidOptionError(`${expression}: expected cron(…), rate(…) or at(…) in EventBridge Scheduler syntax`);
  }
  const fields = cron[1]!.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new InvalidOptionError(
      `${expression}: cron needs 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}`,
    );
  }
  fields.forEach((field, i) => {
    const spec = CRON_FIELDS[i]!;
    if (!spec.pattern.test(field.toUpperCase())) throw new InvalidOptionError(`${expression}: invalid ${spec.name} "${field}"`);
    for (const number of field.replace(/#\d/, '').match(/\d+/g) ?? []) {
      const n = Number(number);
      const isStep = new RegExp(`/${number}(?!\\d)`).test(field);
      if (!isStep && (n < spec.min || n > spec.max)) {
        throw new InvalidOptionError(`${expression}: ${spec.name} ${n} is outside ${spec.min}–${spec.max}`);
      }
    }
  });
  const [, , dayOfMonth, , dayOfWeek] = fields;
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    throw new InvalidOptionError(`${expression}: exactly one of day-of-month and day-of-week must be "?"`);
  }
  return { kind: 'cron', fields: fields.map((f) => f.toUpperCase()) };
}

export interface FireTimeOptions {
  readonly timezone: string;
  /** Times strictly after this one. */
  readonly from: Date;
  readonly count: number;
  /** When a `rate` schedule started; it fires every interval after that. @defaultValue `from` */
  readonly anchor?: Date;
}

export function nextFireTimes(expression: string, options: FireTimeOptions): Date[] {
  const parsed = parseScheduleExpression(expression);
  if (parsed.kind === 'rate') {
    const anchor = (options.anchor ?? options.from).getTime();
    const step = parsed.seconds * 1000;
    const first = Math.floor((options.from.getTime() - anchor) / step) + 1;
    return Array.from({ length: options.count }, (_, i) => new Date(anchor + (first + i) * step));
  }
  const cron = toCron(parsed, options.timezone);
  const wallClock = new Intl.DateTimeFormat('sv-SE', { timeZone: options.timezone, dateStyle: 'short', timeStyle: 'short' });
  const runs: Date[] = [];
  const seenWallTimes = new Set<string>();
  let previous: Date = options.from;
  // AWS skips a time that DST makes non-existent and runs a repeated wall time once; croner
  // shifts the former and repeats the latter, so both are filtered out here.
  for (let guard = 0; runs.length < options.count && guard < options.count * 10 + 10; guard++) {
    const next = cron.nextRun(previous);
    if (!next) break;
    previous = next;
    const wall = wallClock.format(next);
    if (!cron.match(next) || seenWallTimes.has(wall)) continue;
    seenWallTimes.add(wall);
    runs.push(next);
  }
  return runs;
}

/** croner configured as EventBridge reads its fields (see ../shared/notes/emulators.md). */
function toCron(parsed: Exclude<ScheduleExpression, { kind: 'rate' }>, timezone: string): Cron {
  const fields =
    parsed.kind === 'at'
      ? atFields(parsed.localTime)
      : parsed.fields.map((field) => (field === '?' ? '*' : field.replace(NAMES, (name) => name)));
  return new Cron(`0 ${fields.join(' ')}`, {
    timezone,
    mode: '7-part',
    alternativeWeekdays: true,
    sloppyRanges: true,
    paused: true,
  });
}

function atFields(localTime: string): string[] {
  const [date, time] = localTime.split('T') as [string, string];
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  return [String(minute), String(hour), String(day), String(month), '*', String(year)];
}
