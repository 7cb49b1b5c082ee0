/** Lines of the before → after comparison: direction rules and the billable-unit lines. Pure. */
import type { ScenarioResult } from './billable-units.ts';
import type { ComparisonLine, Direction, Fix, FixId, Section } from './compare.ts';
import type { Summary } from './stats.ts';

/** Absolute differences below this are float noise in counted units per job. */
export const EXACT_TOLERANCE = 1e-9;
/** A timing without a spread counts as changed when it moved by more than this fraction. */
export const TIMED_FRACTION = 0.1;
/** Bundle bytes move with any code change; below this fraction they count as unchanged. */
export const BUNDLE_FRACTION = 0.01;

export function exactDirection(before: number, after: number, tolerance = EXACT_TOLERANCE): Direction {
  const change = after - before;
  return Math.abs(change) <= tolerance ? 'same' : change < 0 ? 'lower' : 'higher';
}

/** Changed only when the ranges (min–max over the runs) do not overlap. */
export function spreadDirection(before: Summary, after: Summary, tolerance = EXACT_TOLERANCE): Direction {
  if (after.max < before.min - tolerance) return 'lower';
  if (after.min > before.max + tolerance) return 'higher';
  return 'same';
}

/** Changed when the value moved by more than `fraction` of the before value. */
export function relativeDirection(before: number, after: number, fraction = TIMED_FRACTION): Direction {
  const change = after - before;
  const threshold = Math.abs(before) * fraction;
  return Math.abs(change) <= threshold ? 'same' : change < 0 ? 'lower' : 'higher';
}

export interface LineSpec {
  readonly section: Section;
  readonly scenario?: string;
  readonly metric: string;
  readonly label: string;
  readonly unit: string;
  readonly kind: 'exact' | 'timed';
  readonly before: number;
  readonly after: number;
  readonly direction: Direction;
  /** The fixes that can move this number. */
  readonly candidates: readonly FixId[];
  /** What the fix did to it, said when it moved. */
  readonly why?: string;
  /** Said when it did not move. */
  readonly whySame?: string;
}

export function line(spec: LineSpec, fixes: readonly Fix[]): ComparisonLine {
  const known = new Set(fixes.map((fix) => fix.id));
  const candidates = spec.candidates.filter((id) => known.has(id));
  // Float noise (sums of tenths, prices) is no change.
  const change = Math.abs(spec.after - spec.before) <= EXACT_TOLERANCE * Math.max(1, Math.abs(spec.before)) ? 0 : spec.after - spec.before;
  const changed = spec.direction !== 'same';
  let note: string;
  if (!changed) {
    note = spec.whySame ?? 'unchanged';
  } else if (candidates.length > 0) {
    note = spec.why ?? '';
  } else {
    note = 'changed, and no fix between the commits explains it (noise, or another change)';
  }
  return {
    section: spec.section,
    ...(spec.scenario ? { scenario: spec.scenario } : {}),
    metric: spec.metric,
    label: spec.label,
    unit: spec.unit,
    kind: spec.kind,
    before: spec.before,
    after: spec.after,
    change,
    changePercent: spec.before === 0 ? null : (change / spec.before) * 100,
    direction: spec.direction,
    explainedBy: changed ? candidates : [],
    note,
  };
}

/** The largest item any write of the scenario left behind (bytes, from the breakdown of its last run). */
export function largestItemBytes(s: ScenarioResult): number {
  return Math.max(0, ...s.breakdown.map((row) => row.itemBytes?.after ?? 0));
}

export const bytes = (value: number) => Math.round(value).toLocaleString('en-US');

export function billableLines(before: ScenarioResult, after: ScenarioResult, fixes: readonly Fix[]): ComparisonLine[] {
  const scenario = after.id;
  const base = { section: 'billable' as const, scenario };
  const unitsNote = 'unchanged: only retried jobs change their visibility, and F3 batches those';
  const sqs = line(
    {
      ...base,
      metric: 'sqsRequests',
      label: 'SQS requests per job',
      unit: 'requests',
      kind: 'exact',
      before: before.perJob.sqsRequests,
      after: after.perJob.sqsRequests,
      direction: spreadDirection(before.spread.sqsRequests, after.spread.sqsRequests),
      candidates: ['F3'],
      why: 'visibility changes go in batches of up to ten per invocation instead of one request per record',
      whySame: unitsNote,
    },
    fixes,
  );
  const largestBefore = largestItemBytes(before);
  const largestAfter = largestItemBytes(after);
  const wru = line(
    {
      ...base,
      metric: 'writeRequestUnits',
      label: 'DynamoDB WRU per job',
      unit: 'WRU',
      kind: 'exact',
      before: before.perJob.writeRequestUnits,
      after: after.perJob.writeRequestUnits,
      direction: spreadDirection(before.spread.writeRequestUnits, after.spread.writeRequestUnits),
      candidates: ['F4'],
      why: `the item no longer carries the error twice: largest item ${bytes(largestBefore)} → ${bytes(largestAfter)} bytes, so fewer writes cross a 1 KB boundary`,
      whySame:
        largestBefore === largestAfter
          ? 'unchanged (F1 and F2 are kept)'
          : `unchanged: items ${largestAfter > largestBefore ? 'grew' : 'shrank'} (largest ${bytes(largestBefore)} → ${bytes(largestAfter)} bytes${largestAfter > largestBefore ? ', the S1 shard key' : ''}) but no write crossed a 1 KB boundary (F1 and F2 are kept)`,
    },
    fixes,
  );
  const invocations = line(
    {
      ...base,
      metric: 'lambdaInvocations',
      label: 'Lambda invocations per job',
      unit: 'invocations',
      kind: 'exact',
      before: before.perJob.lambdaInvocations,
      after: after.perJob.lambdaInvocations,
      direction: spreadDirection(before.spread.lambdaInvocations, after.spread.lambdaInvocations),
      candidates: [],
      whySame: 'unchanged: batches of 10 either way',
    },
    fixes,
  );
  const gbs = line(
    {
      ...base,
      metric: 'lambdaGbSeconds',
      label: 'Lambda GB-s per job (estimate from local handler time)',
      unit: 'GB-s',
      kind: 'timed',
      before: before.perJob.lambdaGbSeconds,
      after: after.perJob.lambdaGbSeconds,
      direction: spreadDirection(before.spread.lambdaGbSeconds, after.spread.lambdaGbSeconds),
      candidates: ['F7'],
      why: "the local handler no longer waits for dynalite to parse each claim's condition",
    },
    fixes,
  );
  const unitLines = [sqs, wru, invocations];
  const costLine = (metric: string, label: string, value: (s: ScenarioResult) => number, from: readonly ComparisonLine[]) => {
    const b = value(before);
    const a = value(after);
    const explainers = [...new Set(from.flatMap((l) => l.explainedBy))];
    const moved = from.filter((l) => l.direction !== 'same').map((l) => shortLabel(l.metric));
    return line(
      {
        ...base,
        metric,
        label,
        unit: '$ per million jobs',
        kind: from.some((l) => l.kind === 'timed') ? 'timed' : 'exact',
        before: b,
        after: a,
        // Follows its units: a cost is as changed as the units behind it.
        direction: moved.length > 0 ? exactDirection(b, a) : 'same',
        candidates: explainers,
        why: `follows ${moved.join(' and ')}`,
      },
      fixes,
    );
  };
  const withoutDuration = costLine('usdPerMillion', '$/M jobs (without Lambda duration)', (s) => s.cost.total - s.cost.lambdaDuration, unitLines);
  const withDuration = costLine('usdPerMillionWithDuration', '$/M jobs incl. est. Lambda duration', (s) => s.cost.total, [...unitLines, gbs]);
  return [sqs, wru, invocations, gbs, withoutDuration, withDuration];
}

export function shortLabel(metric: string): string {
  return (
    { sqsRequests: 'SQS requests', writeRequestUnits: 'WRU', lambdaInvocations: 'invocations', lambdaGbSeconds: 'est. duration' }[metric] ?? metric
  );
}

export function summaryLine(
  fixes: readonly Fix[],
  spec: Omit<LineSpec, 'before' | 'after' | 'direction' | 'kind'>,
  before: Summary | undefined,
  after: Summary | undefined,
): ComparisonLine[] {
  if (!before || !after || before.n === 0 || after.n === 0) return [];
  return [line({ ...spec, kind: 'timed', before: before.median, after: after.median, direction: spreadDirection(before, after) }, fixes)];
}

export function valueLine(
  fixes: readonly Fix[],
  spec: Omit<LineSpec, 'before' | 'after' | 'direction'>,
  before: number | undefined,
  after: number | undefined,
  fraction = TIMED_FRACTION,
): ComparisonLine[] {
  if (before === undefined || after === undefined || !Number.isFinite(before) || !Number.isFinite(after)) return [];
  return [line({ ...spec, before, after, direction: relativeDirection(before, after, fraction) }, fixes)];
}
