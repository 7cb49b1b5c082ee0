/**
 * A run's numbers as flat figures (id, label, unit, value, spread, exact or timed), and the
 * issue's goals over them. The report's goal table and its before → after comparison both read
 * figures, so neither needs to know a measurement's shape, and a run stored by an older bench
 * compares as far as its figures go. Pure.
 *
 * @example
 * figuresOf(results).find((f) => f.id === 'billable.noop-many.wru')?.value; // 9
 */
import type { BenchResults } from './bench.ts';
import type { Summary } from './stats.ts';

export interface Figure {
  readonly id: string;
  readonly label: string;
  /** How the value reads: `WRU`, `$/M`, `KiB`, `jobs/s`, `×`, `ms`, `req`. */
  readonly unit: string;
  readonly value: number;
  /** Min–max over the measured runs, when there were several. */
  readonly range?: readonly [number, number];
  /** Counted (any difference is a change) rather than timed (noisy). */
  readonly exact: boolean;
}

export interface Goal {
  readonly figure: string;
  readonly unit: string;
  readonly op: '≤' | '≥';
  readonly target: number;
  /** Whose goal, and where it comes from. */
  readonly source: string;
}

/** Issue #12, "Cost per job". */
export const goals: readonly Goal[] = [
  { figure: 'billable.noop-many.wru', unit: 'WRU', op: '≤', target: 3, source: 'default tracking, WRU per no-op job' },
  { figure: 'billable.noop-many.usd', unit: '$/M', op: '≤', target: 2, source: 'default tracking, $ per million no-op jobs, all in' },
  { figure: 'billable.lean.usd', unit: '$/M', op: '≤', target: 0.25, source: 'lean tracking, $ per million no-op jobs, all in' },
  { figure: 'billable.fails-4k.wru', unit: 'WRU', op: '≤', target: 12, source: 'failed path: 4 KB payload, 3 failures → DLQ, WRU per job' },
  { figure: 'throughput.ratio.local-default', unit: '×', op: '≥', target: 0.2, source: 'local end to end ÷ raw SQS, default tracking (was 0.08)' },
  { figure: 'throughput.ratio.local-lean', unit: '×', op: '≥', target: 0.6, source: 'local end to end ÷ raw SQS, lean tracking' },
  { figure: 'bundle.consumer.kib', unit: 'KiB', op: '≤', target: 350, source: 'consumer bundle, minified' },
  { figure: 'bundle.init.ratio', unit: '×', op: '≤', target: 1.2, source: "consumer module init ÷ a minimal one-client handler's" },
];

const timed = (id: string, label: string, unit: string, s: Summary, scale = 1): Figure => ({
  id,
  label,
  unit,
  value: s.median * scale,
  ...(s.n > 1 ? { range: [s.min * scale, s.max * scale] as const } : {}),
  exact: false,
});

export function figuresOf(r: BenchResults): Figure[] {
  const out: Figure[] = [];
  const counted = (id: string, label: string, unit: string, s: Summary | number) =>
    out.push(
      typeof s === 'number'
        ? { id, label, unit, value: s, exact: true }
        : { id, label, unit, value: s.median, ...(s.n > 1 && s.min !== s.max ? { range: [s.min, s.max] as const } : {}), exact: true },
    );
  for (const s of r.billableUnits?.scenarios ?? []) {
    const at = `billable.${s.id}`;
    counted(`${at}.sqs`, `${s.id}: SQS requests per job`, 'req', s.spread.sqsRequests);
    for (const [operation, n] of Object.entries(s.perJob.sqsRequestsByOperation)) counted(`${at}.sqs.${operation}`, `${s.id}: ${operation} per job`, 'req', n);
    counted(`${at}.wru`, `${s.id}: DynamoDB WRU per job`, 'WRU', s.spread.writeRequestUnits);
    counted(`${at}.wru.table`, `${s.id}: table WRU per job`, 'WRU', s.perJob.tableWriteUnits);
    for (const [index, n] of Object.entries(s.perJob.indexWriteUnits)) counted(`${at}.wru.${index}`, `${s.id}: ${index} index WRU per job`, 'WRU', n);
    counted(`${at}.rru`, `${s.id}: RRU per job`, 'RRU', s.spread.readRequestUnits);
    counted(`${at}.invocations`, `${s.id}: Lambda invocations per job`, 'inv', s.spread.lambdaInvocations);
    counted(`${at}.usd-units`, `${s.id}: $ per million jobs without Lambda duration`, '$/M', s.cost.total - s.cost.lambdaDuration);
    // All in: with the estimated Lambda duration, which is timed, so the total is not exact.
    out.push({ id: `${at}.usd`, label: `${s.id}: $ per million jobs, all in (est. duration)`, unit: '$/M', value: s.cost.total, exact: false });
  }
  const t = r.throughput;
  if (t) {
    for (const v of t.variants) out.push(timed(`throughput.${v.id}`, `${v.title}, ${t.jobs.toLocaleString('en-US')} jobs`, 'jobs/s', v.jobsPerSecond));
    out.push(timed('throughput.ratio.local-default', 'local runtime ÷ raw SQS, default tracking', '×', t.ratioDefault));
    out.push(timed('throughput.ratio.local-lean', 'local runtime ÷ raw SQS, lean tracking', '×', t.ratioLean));
  }
  const b = r.bundle;
  if (b) {
    counted('bundle.consumer.kib', 'consumer bundle, minified', 'KiB', round1(b.consumer.bytes / 1024));
    counted('bundle.consumer.gzip-kib', 'consumer bundle, gzip', 'KiB', round1(b.consumer.gzipBytes / 1024));
    for (const p of b.consumer.packages) counted(`bundle.consumer.package.${p.name}`, `consumer bundle: ${p.name}`, 'KiB', round1(p.bytes / 1024));
    out.push(timed('bundle.init.consumer', 'consumer module init', 'ms', b.initMs.consumer));
    out.push(timed('bundle.init.minimal', 'minimal one-client handler init', 'ms', b.initMs.minimal));
    out.push(timed('bundle.init.ratio', 'consumer init ÷ minimal handler init', '×', b.initRatio));
    if (b.dependenciesRatio) out.push(timed('bundle.init.dependencies-ratio', "the consumer's dependencies alone ÷ minimal handler init", '×', b.dependenciesRatio));
  }
  // A run of the earlier bench (schema 1) measured the bundle under another name.
  const legacy = (r as { coldStart?: { bundle: { bytes: number; gzipBytes: number; packages: { name: string; bytes: number }[] } } }).coldStart;
  if (legacy && !b) {
    counted('bundle.consumer.kib', 'consumer bundle, minified', 'KiB', round1(legacy.bundle.bytes / 1024));
    counted('bundle.consumer.gzip-kib', 'consumer bundle, gzip', 'KiB', round1(legacy.bundle.gzipBytes / 1024));
    for (const p of legacy.bundle.packages) counted(`bundle.consumer.package.${p.name}`, `consumer bundle: ${p.name}`, 'KiB', round1(p.bytes / 1024));
  }
  return out;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

export interface GoalStatus extends Goal {
  /** Undefined when the run did not measure the figure. */
  readonly value?: number;
  readonly met?: boolean;
}

export function goalStatus(figures: readonly Figure[], list: readonly Goal[] = goals): GoalStatus[] {
  return list.map((goal) => {
    const figure = figures.find((f) => f.id === goal.figure);
    if (!figure) return goal;
    const met = goal.op === '≤' ? figure.value <= goal.target : figure.value >= goal.target;
    return { ...goal, value: figure.value, met };
  });
}
