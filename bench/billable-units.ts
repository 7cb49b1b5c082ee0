/**
 * Measurement 1, the headline: billable units per job from enqueue to the job's final state,
 * counted request by request (see capacity-meter.ts), for several scenarios, turned into
 * dollars per million jobs at list prices.
 *
 * Each run enqueues N jobs with the consumers stopped, then starts the consumers (the real
 * consumer behind the event-source mimic) and waits until every job has settled. Enqueueing
 * first makes batches form the way a backlog forms them on AWS (full batches of 10).
 */
import { mapWithConcurrency } from '../shared/concurrency.ts';
import { defaultPriorityClasses } from '../shared/priority-classes.ts';
import { benchRegistry, payloadOfBytes, type BenchRegistry } from './bench-jobs.ts';
import type { MeterEvent, UnitTotals } from './capacity-meter.ts';
import { startBenchPipeline, type BenchPipeline } from './pipeline.ts';
import { costPerMillionJobs, type CostPerMillionJobs, type UnitsPerJob } from './prices.ts';
import { median, summarize, type Summary } from './stats.ts';

export interface BillableScenario {
  readonly id: string;
  readonly title: string;
  readonly enqueue: 'single' | 'many';
  /** What every job must end as. */
  readonly outcome: 'completed' | 'failed';
  readonly entry: (n: number) => { job: 'bench.noop' | 'bench.noop-lean' | 'bench.payload' | 'bench.retry-twice' | 'bench.always-fails'; payload: never };
}

const FOUR_KB = 4096;

/** Scenario payloads as `never`: each entry matches its job's schema, which the registry checks at run time. */
const entry = (job: ReturnType<BillableScenario['entry']>['job'], payload: object) => ({ job, payload: payload as never });

export const billableScenarios: readonly BillableScenario[] = [
  { id: 'noop-single', title: 'no-op, enqueue()', enqueue: 'single', outcome: 'completed', entry: (n) => entry('bench.noop', { n }) },
  { id: 'noop-many', title: 'no-op, enqueueMany()', enqueue: 'many', outcome: 'completed', entry: (n) => entry('bench.noop', { n }) },
  { id: 'lean', title: "no-op, tracking: 'lean', enqueueMany()", enqueue: 'many', outcome: 'completed', entry: (n) => entry('bench.noop-lean', { n }) },
  {
    id: 'payload4k-single',
    title: '4 KB payload, enqueue()',
    enqueue: 'single',
    outcome: 'completed',
    entry: (n) => entry('bench.payload', payloadOfBytes(FOUR_KB, n % 10)),
  },
  {
    id: 'payload4k-many',
    title: '4 KB payload, enqueueMany()',
    enqueue: 'many',
    outcome: 'completed',
    entry: (n) => entry('bench.payload', payloadOfBytes(FOUR_KB, n % 10)),
  },
  {
    id: 'retry-twice',
    title: 'fails twice, succeeds on attempt 3 (short errors), enqueueMany()',
    enqueue: 'many',
    outcome: 'completed',
    entry: (n) => entry('bench.retry-twice', { n }),
  },
  {
    id: 'retry-twice-long-errors',
    title: 'fails twice with 500-character errors, succeeds on attempt 3, enqueueMany()',
    enqueue: 'many',
    outcome: 'completed',
    entry: (n) => entry('bench.retry-twice', { n, errorChars: 500 }),
  },
  {
    id: 'fails-4k',
    title: '4 KB payload, fails 3 times → DLQ, enqueueMany()',
    enqueue: 'many',
    outcome: 'failed',
    entry: (n) => entry('bench.always-fails', payloadOfBytes(FOUR_KB, n % 10)),
  },
];

export interface BreakdownRow {
  readonly step: string;
  readonly service: 'sqs' | 'dynamodb' | 'lambda';
  /** API calls (or invocations) per job. */
  readonly callsPerJob: number;
  readonly sqsRequestsPerJob: number;
  readonly tableWruPerJob: number;
  readonly indexWruPerJob: Readonly<Record<string, number>>;
  readonly rruPerJob: number;
  readonly invocationsPerJob: number;
  readonly gbSecondsPerJob: number;
  /** Median item size before → after, for DynamoDB writes. */
  readonly itemBytes?: { readonly before: number; readonly after: number };
}

export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  readonly jobs: number;
  readonly runs: number;
  readonly warmups: number;
  /** Medians over the runs. */
  readonly perJob: UnitsPerJob & {
    readonly tableWriteUnits: number;
    readonly indexWriteUnits: Readonly<Record<string, number>>;
    readonly sqsRequestsByOperation: Readonly<Record<string, number>>;
  };
  readonly spread: Readonly<Record<keyof UnitsPerJob, Summary>>;
  readonly cost: CostPerMillionJobs;
  readonly recordsPerInvocation: number;
  readonly invocationMs: Summary;
  /** Empty receives per run (idle polling while the pollers wound down; not per job). */
  readonly emptyReceivesPerRun: Summary;
  readonly crossCheck: { readonly compared: number; readonly agreed: number };
  /** Per-job breakdown of the last run. */
  readonly breakdown: readonly BreakdownRow[];
}

export interface BillableUnitsResult {
  readonly className: string;
  readonly memoryMb: number;
  readonly batchSize: number;
  readonly scenarios: readonly ScenarioResult[];
}

export interface BillableUnitsOptions {
  readonly jobs: number;
  readonly runs: number;
  readonly warmups: number;
  readonly only?: readonly string[];
  readonly log?: (line: string) => void;
}

const CLASS_NAME = 'default';

export async function measureBillableUnits(options: BillableUnitsOptions): Promise<BillableUnitsResult> {
  const cls = defaultPriorityClasses[CLASS_NAME];
  const pipeline = await startBenchPipeline({ registry: benchRegistry, classes: { [CLASS_NAME]: cls }, metered: true });
  try {
    const results: ScenarioResult[] = [];
    for (const scenario of billableScenarios) {
      if (options.only && !options.only.includes(scenario.id)) continue;
      const runs: { totals: UnitTotals; events: MeterEvent[] }[] = [];
      for (let i = 0; i < options.warmups + options.runs; i++) {
        const run = await runScenario(pipeline, scenario, options.jobs);
        if (i >= options.warmups) runs.push(run);
      }
      const result = summarizeScenario(scenario, options.jobs, options.warmups, runs, pipeline.config.queues[CLASS_NAME]?.dlqUrl);
      options.log?.(
        `  ${scenario.id}: ${result.perJob.sqsRequests.toFixed(2)} SQS req, ${result.perJob.writeRequestUnits.toFixed(2)} WRU, ` +
          `${result.perJob.readRequestUnits.toFixed(2)} RRU, ${result.perJob.lambdaInvocations.toFixed(2)} invocations per job → $${result.cost.total.toFixed(2)}/M jobs`,
      );
      results.push(result);
    }
    return { className: CLASS_NAME, memoryMb: cls.memoryMb, batchSize: cls.batchSize, scenarios: results };
  } finally {
    await pipeline.stop();
  }
}

async function runScenario(
  pipeline: BenchPipeline<BenchRegistry>,
  scenario: BillableScenario,
  jobs: number,
): Promise<{ totals: UnitTotals; events: MeterEvent[] }> {
  const meter = pipeline.meter;
  if (!meter) throw new Error('the billable-units pipeline must be metered');
  meter.reset('enqueue');
  const entries = Array.from({ length: jobs }, (_, n) => scenario.entry(n));
  if (scenario.enqueue === 'single') {
    await mapWithConcurrency(entries, 8, (e) => pipeline.jobs.enqueue(e.job, e.payload));
  } else {
    for (let start = 0; start < entries.length; start += 100) {
      const results = await pipeline.jobs.enqueueMany(entries.slice(start, start + 100));
      const failed = results.find((r) => !r.ok);
      if (failed && !failed.ok) throw failed.error;
    }
  }
  meter.phase = 'consume';
  const consumers = await pipeline.startConsumers();
  try {
    await consumers.settled(jobs);
  } finally {
    await consumers.stop();
  }
  const settled = scenario.outcome === 'completed' ? consumers.counts.completed : consumers.counts.failed;
  if (settled !== jobs) {
    throw new Error(`${scenario.id}: expected ${jobs} jobs ${scenario.outcome}, got ${JSON.stringify(consumers.counts)}`);
  }
  return { totals: meter.totals(), events: [...meter.events] };
}

function summarizeScenario(
  scenario: BillableScenario,
  jobs: number,
  warmups: number,
  runs: readonly { totals: UnitTotals; events: MeterEvent[] }[],
  dlqUrl: string | undefined,
): ScenarioResult {
  const per = (pick: (t: UnitTotals) => number) => runs.map((run) => pick(run.totals) / jobs);
  const series: Record<keyof UnitsPerJob, number[]> = {
    sqsRequests: per((t) => t.sqsRequests),
    writeRequestUnits: per((t) => t.writeRequestUnits),
    readRequestUnits: per((t) => t.readRequestUnits),
    lambdaInvocations: per((t) => t.lambdaInvocations),
    lambdaGbSeconds: per((t) => t.lambdaGbSeconds),
  };
  const perJob: UnitsPerJob = {
    sqsRequests: median(series.sqsRequests),
    writeRequestUnits: median(series.writeRequestUnits),
    readRequestUnits: median(series.readRequestUnits),
    lambdaInvocations: median(series.lambdaInvocations),
    lambdaGbSeconds: median(series.lambdaGbSeconds),
  };
  const indexNames = [...new Set(runs.flatMap((run) => Object.keys(run.totals.indexWriteUnits)))];
  const operations = [...new Set(runs.flatMap((run) => Object.keys(run.totals.sqsRequestsByOperation)))];
  const last = runs[runs.length - 1];
  const invocationDurations = runs.flatMap((run) =>
    run.events.flatMap((event) => (event.service === 'lambda' ? [event.durationMs] : [])),
  );
  const totalRecords = runs.reduce((sum, run) => sum + run.totals.lambdaRecords, 0);
  const totalInvocations = runs.reduce((sum, run) => sum + run.totals.lambdaInvocations, 0);
  return {
    id: scenario.id,
    title: scenario.title,
    jobs,
    runs: runs.length,
    warmups,
    perJob: {
      ...perJob,
      tableWriteUnits: median(per((t) => t.tableWriteUnits)),
      indexWriteUnits: Object.fromEntries(indexNames.map((name) => [name, median(per((t) => t.indexWriteUnits[name] ?? 0))])),
      sqsRequestsByOperation: Object.fromEntries(
        operations.map((operation) => [operation, median(per((t) => t.sqsRequestsByOperation[operation] ?? 0))]),
      ),
    },
    spread: {
      sqsRequests: summarize(series.sqsRequests),
      writeRequestUnits: summarize(series.writeRequestUnits),
      readRequestUnits: summarize(series.readRequestUnits),
      lambdaInvocations: summarize(series.lambdaInvocations),
      lambdaGbSeconds: summarize(series.lambdaGbSeconds),
    },
    cost: costPerMillionJobs(perJob),
    recordsPerInvocation: totalInvocations === 0 ? 0 : totalRecords / totalInvocations,
    invocationMs: summarize(invocationDurations),
    emptyReceivesPerRun: summarize(runs.map((run) => run.totals.sqsEmptyReceives)),
    crossCheck: {
      compared: runs.reduce((sum, run) => sum + run.totals.crossCheck.compared, 0),
      agreed: runs.reduce((sum, run) => sum + run.totals.crossCheck.agreed, 0),
    },
    breakdown: last ? breakdown(last.events, jobs, dlqUrl) : [],
  };
}

/** Where the units of one run go, per job, step by step. */
export function breakdown(events: readonly MeterEvent[], jobs: number, dlqUrl?: string): BreakdownRow[] {
  interface Acc {
    service: BreakdownRow['service'];
    calls: number;
    sqs: number;
    table: number;
    index: Record<string, number>;
    rru: number;
    invocations: number;
    gbs: number;
    before: number[];
    after: number[];
    order: number;
  }
  const rows = new Map<string, Acc>();
  events.forEach((event, order) => {
    const step = stepOf(event, dlqUrl);
    let acc = rows.get(step);
    if (!acc) {
      acc = { service: event.service, calls: 0, sqs: 0, table: 0, index: {}, rru: 0, invocations: 0, gbs: 0, before: [], after: [], order };
      rows.set(step, acc);
    }
    acc.calls++;
    if (event.service === 'sqs') acc.sqs += event.requests;
    else if (event.service === 'dynamodb') {
      acc.table += event.writeUnits;
      acc.rru += event.readUnits;
      for (const [name, cost] of Object.entries(event.indexes)) acc.index[name] = (acc.index[name] ?? 0) + cost.units;
      if (event.writeUnits > 0) {
        acc.before.push(event.beforeBytes ?? 0);
        acc.after.push(event.afterBytes ?? 0);
      }
    } else {
      acc.invocations++;
      acc.gbs += event.gbSeconds;
    }
  });
  return [...rows.entries()]
    .sort(([, a], [, b]) => a.order - b.order)
    .map(([step, acc]) => ({
      step,
      service: acc.service,
      callsPerJob: acc.calls / jobs,
      sqsRequestsPerJob: acc.sqs / jobs,
      tableWruPerJob: acc.table / jobs,
      indexWruPerJob: Object.fromEntries(Object.entries(acc.index).map(([name, units]) => [name, units / jobs])),
      rruPerJob: acc.rru / jobs,
      invocationsPerJob: acc.invocations / jobs,
      gbSecondsPerJob: acc.gbs / jobs,
      ...(acc.before.length > 0 ? { itemBytes: { before: median(acc.before), after: median(acc.after) } } : {}),
    }));
}

/** The status store's transitions by the status before and after the write. */
const TRANSITIONS: Readonly<Record<string, string>> = {
  'PutItem ∅→queued': 'createQueued: PutItem ∅→queued (enqueue)',
  'UpdateItem ∅→running': 'claim: UpdateItem ∅→running (creates the record)',
  'UpdateItem queued→running': 'claim: UpdateItem queued→running',
  'UpdateItem retrying→running': 'claim: UpdateItem retrying→running',
  'UpdateItem running→completed': 'complete: UpdateItem running→completed',
  'UpdateItem running→retrying': 'scheduleRetry: UpdateItem running→retrying',
  'UpdateItem running→failed': 'fail: UpdateItem running→failed',
  'UpdateItem running→queued': 'release: UpdateItem running→queued',
  'UpdateItem running→running': 'setProgress: UpdateItem running→running',
  'DeleteItem queued→∅': 'removeUnsent: DeleteItem queued→∅',
};

export function stepOf(event: MeterEvent, dlqUrl?: string): string {
  if (event.service === 'lambda') return 'Lambda invocation (consumer)';
  if (event.service === 'sqs') {
    const target = event.queueUrl && event.queueUrl === dlqUrl ? ' → DLQ' : '';
    switch (event.operation) {
      case 'ReceiveMessage':
        return event.empty ? 'ReceiveMessage, empty (idle polling)' : 'ReceiveMessage (event source)';
      case 'DeleteMessageBatch':
        return 'DeleteMessageBatch (event source, after the invocation)';
      case 'ChangeMessageVisibility':
        return 'ChangeMessageVisibility (retry backoff)';
      default:
        return `${event.operation}${target}`;
    }
  }
  if (event.writeUnits === 0 && event.readUnits === 0 && Object.keys(event.indexes).length === 0) return `${event.operation} (control plane)`;
  if (event.readUnits > 0) return `${event.operation} (read)`;
  // Items that are not job records (per-minute aggregates, pointers) have no status: name them by their key's prefix.
  const key = (event.after ?? event.before)?.id?.S;
  if (event.beforeStatus === undefined && event.afterStatus === undefined && key?.includes('#')) return `${event.operation} ${key.slice(0, key.indexOf('#') + 1)}… item`;
  const transition = `${event.operation} ${event.beforeStatus ?? '∅'}→${event.conditionFailed ? '(condition failed)' : (event.afterStatus ?? '∅')}`;
  const named = TRANSITIONS[transition] ?? transition;
  // Attempts of record after the write: tells a job's first claim from its retries.
  const attempt = (event.conditionFailed ? event.before : event.after)?.attempts?.N;
  return event.operation === 'UpdateItem' && attempt !== undefined && attempt !== '0' ? `${named} (attempt ${attempt})` : named;
}
