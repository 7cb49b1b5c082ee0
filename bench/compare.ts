/**
 * Before → after: the numbers of a baseline run (a stored benchmarks.json) next to this run's,
 * line by line, each change attributed to the fix that explains it. Pure.
 *
 * A number counts as changed only when the two runs' min–max ranges (over their measured runs)
 * do not overlap. Counted units are exact, so their ranges are usually one value and any
 * difference is a change; where batches formed differently from run to run (an SQS request
 * more or less per ten jobs) overlapping ranges are not called a change. A timing without a
 * spread (a latency percentile) counts as changed when it moved by more than a tenth.
 *
 * Which fixes lie between the two commits is knowledge, not measurement: `changesSince` holds it
 * per baseline commit, and each line names the fixes that can move it. A line that changed
 * with no such fix says so instead of guessing.
 *
 * @example
 * const comparison = compareResults(baseline, results); // baseline: JSON.parse(docs/benchmarks-baseline.json)
 */
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { BenchResults } from './bench.ts';
import { BUNDLE_FRACTION, line, bytes, billableLines, summaryLine, valueLine } from './compare-lines.ts';
export { exactDirection, spreadDirection, relativeDirection, largestItemBytes } from './compare-lines.ts';

export type FixId = 'F3' | 'F4' | 'F6' | 'F7' | 'S1';

export interface Fix {
  readonly id: FixId;
  readonly title: string;
}

export interface ChangeSet {
  readonly fixes: readonly Fix[];
  /** What was decided not to change, said next to the comparison. */
  readonly notChanged?: string;
}

/** The fixes made after a baseline commit, by that commit (short hash). */
export const changesSince: Readonly<Record<string, ChangeSet>> = {
  '785dec7': {
    fixes: [
      {
        id: 'F3',
        title:
          'the consumer sends the visibility changes of one invocation as ChangeMessageVisibilityBatch, ten records per request, before the batch response returns (DLQ copies still go one by one: they must precede the record\'s `failed`)',
      },
      { id: 'F4', title: 'retries no longer write `lastError` (it repeated the last error-history entry); the final failure reason is truncated to 500 characters' },
      {
        id: 'F6',
        title:
          'tried and reverted: importing the S3 client on first use (`import()`) made esbuild bundle every S3 command into the one file and did not move init time; the bundle is as before',
      },
      {
        id: 'F7',
        title: "the claim condition is a flat OR of ANDs and `ExpressionBuilder.condition()` no longer wraps each condition in parentheses (dynalite's parser backtracked on the nested one)",
      },
      {
        id: 'S1',
        title:
          'not a finding: the byStatus index is sharded (partition `<status>#<0..7>`, a new ~22-byte `statusShard` attribute) so one status no longer writes to a single index partition; units per write are unchanged',
      },
    ],
    notChanged: 'F1 (byStatus rewritten on every transition) and F2 (the queued record at enqueue) are kept by decision — see the findings — so the write units they cost do not move.',
  },
};

export function changesFor(baselineCommit: string): ChangeSet {
  const key = Object.keys(changesSince).find((commit) => commit.startsWith(baselineCommit) || baselineCommit.startsWith(commit));
  return (key ? changesSince[key] : undefined) ?? { fixes: [] };
}

export type Direction = 'same' | 'lower' | 'higher';

export type Section = 'billable' | 'enqueue' | 'consumer' | 'endToEnd' | 'coldStart';

export interface ComparisonLine {
  readonly section: Section;
  /** The billable scenario, for section `billable`. */
  readonly scenario?: string;
  readonly metric: string;
  readonly label: string;
  readonly unit: string;
  /** Counted (exact) or timed (noisy). */
  readonly kind: 'exact' | 'timed';
  readonly before: number;
  readonly after: number;
  readonly change: number;
  /** Change in per cent of `before`; null when before is 0. */
  readonly changePercent: number | null;
  readonly direction: Direction;
  readonly explainedBy: readonly FixId[];
  /** Why it moved (or why it did not). */
  readonly note: string;
}

export interface ComparedRun {
  readonly commit: string;
  /** Pipeline files (shared/, lambdas/, local/) that differed from the commit when it ran. */
  readonly uncommittedPipelineFiles: number;
  readonly date: string;
  readonly profile: string;
  /** Where the baseline was read from (repository-relative when inside it). */
  readonly file?: string;
}

export interface Comparison {
  readonly before: ComparedRun;
  readonly after: ComparedRun;
  readonly fixes: readonly Fix[];
  readonly notChanged?: string;
  readonly lines: readonly ComparisonLine[];
}

/** The baseline next to this run; only what both measured is compared. */
export function compareResults(before: BenchResults, after: BenchResults, changes: ChangeSet = changesFor(before.machine.git.commit)): Comparison {
  const { fixes } = changes;
  const lines: ComparisonLine[] = [];

  for (const a of after.billableUnits?.scenarios ?? []) {
    const b = before.billableUnits?.scenarios.find((s) => s.id === a.id);
    if (b) lines.push(...billableLines(b, a, fixes));
  }

  const eb = before.enqueueOverhead;
  const ea = after.enqueueOverhead;
  if (eb && ea) {
    const enqueueNote = 'the enqueue path is untouched by the fixes';
    const jobsPerSecond = (r: NonNullable<BenchResults['enqueueOverhead']>, id: string) => r.variants.find((v) => v.id === id)?.jobsPerSecond;
    lines.push(
      ...summaryLine(fixes, { section: 'enqueue', metric: 'sdkManyJobsPerSecond', label: 'enqueue: SDK enqueueMany(), jobs/s', unit: 'jobs/s', candidates: [], whySame: enqueueNote }, jobsPerSecond(eb, 'sdk-many'), jobsPerSecond(ea, 'sdk-many')),
      ...summaryLine(fixes, { section: 'enqueue', metric: 'sdkSingleJobsPerSecond', label: 'enqueue: SDK enqueue(), 16 in flight, jobs/s', unit: 'jobs/s', candidates: [], whySame: enqueueNote }, jobsPerSecond(eb, 'sdk-single'), jobsPerSecond(ea, 'sdk-single')),
      ...summaryLine(fixes, { section: 'enqueue', metric: 'ratio', label: 'enqueue overhead: SDK enqueueMany ÷ raw (jobs/s)', unit: '×', candidates: [], whySame: enqueueNote }, eb.ratio, ea.ratio),
      ...summaryLine(fixes, { section: 'enqueue', metric: 'ratioSingle', label: 'enqueue overhead: SDK enqueue() ÷ raw (jobs/s)', unit: '×', candidates: [], whySame: enqueueNote }, eb.ratioSingle, ea.ratioSingle),
    );
  }

  const cb = before.consumerOverhead;
  const ca = after.consumerOverhead;
  if (cb && ca) {
    const batch = (r: NonNullable<BenchResults['consumerOverhead']>, id: string) => r.variants.find((v) => v.id === id)?.batchMs;
    lines.push(
      ...summaryLine(
        fixes,
        {
          section: 'consumer',
          metric: 'ratio',
          label: 'consumer overhead: consumer ÷ bare handler with one UpdateItem (time per batch)',
          unit: '×',
          candidates: ['F7'],
          why: "the claim no longer costs the emulator tens of ms to parse; what is left is the consumer's second write and its own code",
        },
        cb.ratio,
        ca.ratio,
      ),
      ...summaryLine(
        fixes,
        {
          section: 'consumer',
          metric: 'batchMs',
          label: 'consumer: ms per batch of 10 no-op jobs',
          unit: 'ms',
          candidates: ['F7'],
          why: 'the two store writes per record no longer wait for the condition parse',
        },
        batch(cb, 'consumer'),
        batch(ca, 'consumer'),
      ),
      ...summaryLine(
        fixes,
        {
          section: 'consumer',
          metric: 'ratioCode',
          label: "consumer ÷ its own two store writes (the consumer's code beyond the writes)",
          unit: '×',
          candidates: ['F7'],
          why: "the writes got much faster, so the consumer's own work (decode, validate, timeouts, logging, metrics) is a visible share now",
          whySame: 'the consumer adds little to the two writes it must make, before and after',
        },
        cb.ratioCode,
        ca.ratioCode,
      ),
      ...summaryLine(
        fixes,
        {
          section: 'consumer',
          metric: 'ratioClaimParse',
          label: 'status-store writes ÷ the same writes with a flat claim condition',
          unit: '×',
          candidates: ['F7'],
          why: "the store's claim is now written flat itself: nothing left to parse",
        },
        cb.ratioClaimParse,
        ca.ratioClaimParse,
      ),
    );
  }

  const tb = before.endToEnd;
  const ta = after.endToEnd;
  if (tb && ta) {
    const latency = 'the claim no longer holds up the emulator';
    lines.push(
      ...summaryLine(
        fixes,
        {
          section: 'endToEnd',
          metric: 'jobsPerSecond',
          label: `end to end: burst throughput (${ta.burstJobs} jobs), jobs/s`,
          unit: 'jobs/s',
          candidates: ['F7'],
          why: "no longer capped by dynalite parsing each claim's condition on its single thread",
        },
        tb.jobsPerSecond,
        ta.jobsPerSecond,
      ),
    );
    for (const [phase, title, why] of [
      ['paced', `paced at ${ta.pacedRate}/s`, `${latency}; what is left is mostly the 1 s batch window`],
      ['burst', `burst of ${ta.burstJobs}`, `${latency}: the backlog drains faster`],
    ] as const) {
      const pb = phase === 'paced' ? tb.pacedLatencyMs : tb.burstLatencyMs;
      const pa = phase === 'paced' ? ta.pacedLatencyMs : ta.burstLatencyMs;
      for (const p of ['p50', 'p95', 'p99'] as const) {
        lines.push(
          ...valueLine(
            fixes,
            { section: 'endToEnd', metric: `${phase}.${p}`, label: `enqueue → start latency, ${title}, ${p}`, unit: 'ms', kind: 'timed', candidates: ['F7'], why },
            pb[p],
            pa[p],
          ),
        );
      }
    }
  }

  const sb = before.coldStart;
  const sa = after.coldStart;
  if (sb && sa) {
    const variant = (r: NonNullable<BenchResults['coldStart']>, id: string) => r.variants.find((v) => v.id === id);
    lines.push(
      ...valueLine(
        fixes,
        {
          section: 'coldStart',
          metric: 'bundleBytes',
          label: 'cold start: consumer bundle size',
          unit: 'bytes',
          kind: 'exact',
          candidates: ['F6'],
          why: `the S3 client moved behind a dynamic import, which esbuild inlines into the same file and cannot tree-shake${packageChanges(sb.bundle.packages, sa.bundle.packages)}`,
          whySame: 'unchanged: F6 was tried and reverted, so the S3 client is bundled and evaluated as before',
        },
        sb.bundle.bytes,
        sa.bundle.bytes,
        BUNDLE_FRACTION,
      ),
      ...summaryLine(
        fixes,
        {
          section: 'coldStart',
          metric: 'importMs',
          label: 'cold start: module init, import() of the bundle',
          unit: 'ms',
          candidates: ['F6'],
          why: 'the S3 client is no longer evaluated at init',
          whySame: 'not measurably different: F6 was reverted (a lazy import had not lowered it either, since V8 compiles the whole file at import)',
        },
        variant(sb, 'bundle')?.importMs,
        variant(sa, 'bundle')?.importMs,
      ),
      ...summaryLine(
        fixes,
        {
          section: 'coldStart',
          metric: 'withoutS3DeltaMs',
          label: 'cold start: init saved by stubbing out @aws-sdk/client-s3 (paired)',
          unit: 'ms',
          candidates: ['F6'],
          why: 'the lazy import took (part of) that saving',
          whySame: 'as before: removing the S3 code from the file still saves this much (F6, reverted, had not taken the saving)',
        },
        variant(sb, 'bundle-without-s3')?.importDeltaMs,
        variant(sa, 'bundle-without-s3')?.importDeltaMs,
      ),
    );
  }

  return { before: run(before), after: run(after), fixes, ...(changes.notChanged ? { notChanged: changes.notChanged } : {}), lines };
}

/** ": @aws-sdk/client-s3 100 → 157 KiB" — the packages whose share of the bundle moved by at least 4 KiB, largest move first. */
export function packageChanges(
  before: readonly { readonly name: string; readonly bytes: number }[],
  after: readonly { readonly name: string; readonly bytes: number }[],
  limit = 2,
): string {
  const names = new Set([...before, ...after].map((p) => p.name));
  const size = (list: typeof before, name: string) => list.find((p) => p.name === name)?.bytes ?? 0;
  const moved = [...names]
    .map((name) => ({ name, from: size(before, name), to: size(after, name) }))
    .filter((p) => Math.abs(p.to - p.from) >= 4096)
    .sort((a, b) => Math.abs(b.to - b.from) - Math.abs(a.to - a.from))
    .slice(0, limit);
  const kib = (bytes: number) => `${Math.round(bytes / 1024).toLocaleString('en-US')}`;
  return moved.length === 0 ? '' : `: ${moved.map((p) => `${p.name} ${kib(p.from)} → ${kib(p.to)} KiB`).join(', ')}`;
}

function run(r: BenchResults): ComparedRun {
  return { commit: r.machine.git.commit, uncommittedPipelineFiles: r.machine.git.uncommittedPipelineFiles, date: r.startedAt, profile: r.profile };
}

/** The comparison with the baseline's file recorded (as given, repository-relative when possible). */
export function withBaselineFile(comparison: Comparison, file: string, root: string): Comparison {
  const rel = relative(root, resolve(file));
  return { ...comparison, before: { ...comparison.before, file: rel.startsWith('..') ? resolve(file) : rel } };
}

/**
 * The baseline to compare with: the one asked for (`none` for none), else `docs/benchmarks-baseline.json`
 * when the report goes to docs/ and that file exists.
 */
export function resolveBaselinePath(options: {
  readonly requested: string | undefined;
  readonly outDir: string;
  readonly docsDir: string;
  readonly exists?: (path: string) => boolean;
}): string | undefined {
  if (options.requested === 'none' || options.requested === '') return undefined;
  if (options.requested !== undefined) return options.requested;
  const exists = options.exists ?? existsSync;
  const candidate = resolve(options.docsDir, 'benchmarks-baseline.json');
  return resolve(options.outDir) === resolve(options.docsDir) && exists(candidate) ? candidate : undefined;
}

/** A parsed benchmarks.json, checked enough to compare with. */
export function parseBaseline(text: string, file: string): BenchResults {
  const value = JSON.parse(text) as Partial<BenchResults>;
  if (value.schema !== 1 || !value.machine?.git || typeof value.profile !== 'string') {
    throw new Error(`${file} is not a benchmarks.json of schema 1`);
  }
  return value as BenchResults;
}
