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
import { InvalidOptionError } from '../errors.ts';

export type ScheduleExpression =
  | { readonly kind: 'cron'; readonly fields: readonly string[] }
  | { readonly kind: 'rate'; readonly seconds: number }
  | { readonly kind: 'at'; readonly localTime: string };

const RATE_UNITS: Record<string, number> = { minute: 60, hour: 3600, day: 86_400 };

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** Whole-field forms EventBridge allows besides lists of values, ranges and steps. */
  readonly special?: RegExp;
  readonly steps: boolean;
}

// EventBridge's fields: minutes hours day-of-month month day-of-week year.
const CRON_FIELDS: readonly FieldSpec[] = [
  { name: 'minutes', min: 0, max: 59, steps: true },
  { name: 'hours', min: 0, max: 23, steps: true },
  { name: 'day-of-month', min: 1, max: 31, special: /^(\?|L|LW|([1-9]|[12]\d|3[01])W)$/, steps: true },
  { name: 'month', min: 1, max: 12, names: MONTHS, steps: true },
  { name: 'day-of-week', min: 1, max: 7, names: DAYS, special: /^(\?|L|([1-7]|SUN|MON|TUE|WED|THU|FRI|SAT)(L|#[1-5]))$/, steps: false },
  { name: 'year', min: 1970, max: 2199, steps: true },
];

/** Checks one field: a special form, or a list of `*`, values, ranges and (where allowed) steps. */
function checkField(field: string, spec: FieldSpec, expression: string): void {
  if (spec.special?.test(field)) return;
  const value = (token: string): number => {
    const named = spec.names?.indexOf(token) ?? -1;
    const n = named >= 0 ? named + spec.min : /^\d+$/.test(token) ? Number(token) : Number.NaN;
    if (Number.isNaN(n)) throw new InvalidOptionError(`${expression}: invalid ${spec.name} "${field}"`);
    if (n < spec.min || n > spec.max) {
      throw new InvalidOptionError(`${expression}: ${spec.name} ${n} is outside ${spec.min}–${spec.max}`);
    }
    return n;
  };
  for (const item of field.split(',')) {
    const [range = '', step, extra] = item.split('/');
    if (extra !== undefined || (step !== undefined && (!spec.steps || !/^\d+$/.test(step) || Number(step) < 1))) {
      throw new InvalidOptionError(`${expression}: invalid ${spec.name} "${field}"`);
    }
    if (range === '*') continue;
    const [from = '', to, more] = range.split('-');
    if (more !== undefined) throw new InvalidOptionError(`${expression}: invalid ${spec.name} "${field}"`);
    value(from);
    if (to !== undefined) value(to);
  }
}

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
  if (at) {
    const [date, time] = at[1]!.split('T') as [string, string];
    const [year, month, day] = date.split('-').map(Number) as [number, number, number];
    const [hour, minute, second] = time.split(':').map(Number) as [number, number, number];
    const check = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
    const valid =
      check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day &&
      check.getUTCHours() === hour && check.getUTCMinutes() === minute && check.getUTCSeconds() === second;
    if (!valid) throw new InvalidOptionError(`${expression}: ${at[1]} is not a real date and time`);
    return { kind: 'at', localTime: at[1]! };
  }
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
  const upper = fields.map((field) => field.toUpperCase());
  upper.forEach((field, i) => checkField(field, CRON_FIELDS[i]!, expression));
  const [, , dayOfMonth, , dayOfWeek] = fields;
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    throw new InvalidOptionError(`${expression}: exactly one of day-of-month and day-of-week must be "?"`);
  }
  return { kind: 'cron', fields: upper };
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
  // A wall time that the clock already showed up to two hours earlier: the fall-back repeat.
  const repeated = (instant: Date) =>
    [30, 60, 120].some((minutes) => wallClock.format(new Date(instant.getTime() - minutes * 60_000)) === wallClock.format(instant));
  const runs: Date[] = [];
  let previous: Date = options.from;
  // AWS skips a time that DST makes non-existent and runs a repeated wall time once; croner
  // shifts the former and repeats the latter, so both are filtered out here.
  for (let guard = 0; runs.length < options.count && guard < options.count * 10 + 10; guard++) {
    const next = cron.nextRun(previous);
    if (!next) break;
    previous = next;
    if (!cron.match(next) || repeated(next)) continue;
    runs.push(next);
  }
  return runs;
}

/** croner configured as EventBridge reads its fields (see ../shared/notes/emulators.md). */
function toCron(parsed: Exclude<ScheduleExpression, { kind: 'rate' }>, timezone: string): Cron {
  const fields =
    parsed.kind === 'at'
      ? atFields(parsed.localTime)
      : parsed.fields.map((field, i) => {
          if (field === '?') return '*';
          // Alone in day-of-week, L is the week's last day: Saturday (7 with 1 = Sunday).
          if (i === 4 && field === 'L') return '7';
          return field;
        });
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
