/**
 * What a chain step and a batch member cost beyond a plain job, counted request by request
 * with the capacity meter (AWS's billing rules, index writes included): N plain no-op jobs
 * (enqueueMany), a chain of N no-op steps, and a batch of N no-op members, each from enqueue to
 * the workflow's end. Consumers and SQS are the same for all three; the differences are the
 * workflow item's writes and reads.
 *
 *   npx tsx bench/workflow-costs.ts [N]      prints the table (default N = 200)
 *   npm run bench -- --only workflows         the same, in the benchmark report
 *
 * @example
 * const costs = await measureWorkflowCosts({ jobs: 50 });
 * costs.extra.batchMember.wru; // ≈ 1: the member's count on the batch item
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { toDocumentClient } from '../shared/aws-clients.ts';
import { createWorkflowStore } from '../shared/workflows/workflow-store.ts';
import { MAX_CHAIN_STEPS } from '../shared/workflows/workflow-types.ts';
import { localClientConfig } from '../local/emulators.ts';
import { benchRegistry } from './bench-jobs.ts';
import type { UnitTotals } from './capacity-meter.ts';
import { startBenchPipeline } from './pipeline.ts';

export interface UnitsPerJob {
  readonly wru: number;
  readonly rru: number;
  readonly sqsRequests: number;
}

export interface WorkflowCosts {
  readonly n: number;
  readonly plain: UnitsPerJob;
  readonly chainStep: UnitsPerJob;
  readonly batchMember: UnitsPerJob;
  /** Per job, beyond a plain job. */
  readonly extra: { readonly chainStep: UnitsPerJob; readonly batchMember: UnitsPerJob };
}

const tiny = { timeoutSeconds: 10, attempts: 3, backoff: [1], batchSize: 10, batchWindowSeconds: 0, maxConcurrency: 4, recordParallelism: 10, memoryMb: 128 };

export interface WorkflowCostsOptions {
  /** Jobs per variant (a chain takes at most MAX_CHAIN_STEPS of them). */
  readonly jobs: number;
  readonly log?: (line: string) => void;
}

export async function measureWorkflowCosts(options: WorkflowCostsOptions): Promise<WorkflowCosts> {
  const n = options.jobs;
  const pipeline = await startBenchPipeline({ registry: benchRegistry, classes: { default: tiny }, metered: true, prefix: 'wfbench' });
  // Waiting reads go through a client of their own: they are the test's, not the workflow's.
  const reader = new DynamoDBClient(localClientConfig(pipeline.endpoint.dynamodb));
  const workflows = createWorkflowStore({ documentClient: toDocumentClient(reader), tableName: pipeline.config.tableName });
  const meter = pipeline.meter!;
  const consumers = await pipeline.startConsumers();
  const finished = async (id: string) => {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const item = await workflows.get(id);
      if (item && (item.finishedAt !== undefined || item.status !== 'running')) return;
      if (Date.now() > deadline) throw new Error(`workflow ${id} did not finish`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const perJob = (totals: UnitTotals, jobs = n): UnitsPerJob => ({
    wru: totals.writeRequestUnits / jobs,
    rru: totals.readRequestUnits / jobs,
    sqsRequests: totals.sqsRequests / jobs,
  });
  try {
    const entries = Array.from({ length: n }, (_, i) => ({ job: 'bench.noop' as const, payload: { n: i } }));
    meter.reset('plain');
    await pipeline.jobs.enqueueMany(entries);
    await consumers.settled(n);
    const plain = perJob(meter.totals());

    meter.reset('chain');
    const steps = entries.slice(0, MAX_CHAIN_STEPS);
    const chain = await pipeline.jobs.chain(steps);
    await finished(chain.id);
    const chainStep = perJob(meter.totals(), steps.length);

    meter.reset('batch');
    const batch = await pipeline.jobs.batch(entries);
    await finished(batch.id);
    const batchMember = perJob(meter.totals());

    const minus = (a: UnitsPerJob): UnitsPerJob => ({ wru: a.wru - plain.wru, rru: a.rru - plain.rru, sqsRequests: a.sqsRequests - plain.sqsRequests });
    return { n, plain, chainStep, batchMember, extra: { chainStep: minus(chainStep), batchMember: minus(batchMember) } };
  } finally {
    await consumers.stop();
    reader.destroy();
    await pipeline.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 200);
  const costs = await measureWorkflowCosts({ jobs: n });
  const row = (label: string, u: UnitsPerJob) => `| ${label} | ${u.wru.toFixed(2)} | ${u.rru.toFixed(2)} | ${u.sqsRequests.toFixed(2)} |`;
  console.log(`N = ${n} no-op jobs, per job, from enqueue to the workflow's end\n`);
  console.log('| | WRU | RRU | SQS requests |\n|---|---:|---:|---:|');
  console.log([row('plain job', costs.plain), row('chain step', costs.chainStep), row('batch member', costs.batchMember), row('chain step, extra', costs.extra.chainStep), row('batch member, extra', costs.extra.batchMember)].join('\n'));
}
