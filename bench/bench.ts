/**
 * Runs the benchmarks (all, or the ones named) with a profile's sizes and writes the report:
 * `<outDir>/benchmarks.md` and `<outDir>/benchmarks.json`. Given a baseline (an earlier
 * benchmarks.json), the report gets a "Before → after" section (see compare.ts).
 *
 * @example
 * const { files } = await runBench({ profile: profiles.quick, outDir: 'docs' });
 */
import { join } from 'node:path';
import { measureBillableUnits, type BillableUnitsOptions, type BillableUnitsResult } from './billable-units.ts';
import { measureBundle, type BundleOptions, type BundleResult } from './bundle.ts';
import { compareResults, withBaselineFile, type Comparison } from './compare.ts';
import { machineInfo, type MachineInfo } from './machine.ts';
import { listPrices, type PriceTable } from './prices.ts';
import { writeReport } from './report.ts';
import { measureThroughput, type ThroughputOptions, type ThroughputResult } from './throughput.ts';
import { measureWorkflowCosts, type WorkflowCosts, type WorkflowCostsOptions } from './workflow-costs.ts';

type Sizes<T> = Omit<T, 'log'>;

export interface BenchProfile {
  readonly name: string;
  readonly billable: Sizes<BillableUnitsOptions>;
  readonly throughput: Sizes<ThroughputOptions>;
  readonly bundle: Sizes<BundleOptions>;
  readonly workflows: Sizes<WorkflowCostsOptions>;
}

export const profiles = {
  /** What docs/benchmarks.md is generated with. */
  full: {
    name: 'full',
    billable: { jobs: 10, runs: 5, warmups: 1 },
    throughput: { jobs: 10_000, runs: 3, warmups: 0 },
    bundle: { runs: 15, warmups: 2 },
    workflows: { jobs: 200 },
  },
  /** A faster look while working: smaller N, fewer runs. */
  quick: {
    name: 'quick',
    billable: { jobs: 10, runs: 3, warmups: 1 },
    throughput: { jobs: 2_000, runs: 1, warmups: 0 },
    bundle: { runs: 5, warmups: 1 },
    workflows: { jobs: 100 },
  },
  /** The smoke test: every measurement once at tiny N, so the bench cannot rot. */
  tiny: {
    name: 'tiny',
    billable: { jobs: 5, runs: 1, warmups: 0, only: ['noop-many', 'lean', 'fails-4k'] },
    throughput: { jobs: 50, runs: 1, warmups: 0 },
    bundle: { runs: 1, warmups: 0 },
    workflows: { jobs: 20 },
  },
} as const satisfies Record<string, BenchProfile>;

export const measurementNames = ['billable', 'throughput', 'bundle', 'workflows'] as const;
export type MeasurementName = (typeof measurementNames)[number];

export interface BenchResults {
  readonly schema: 2;
  readonly profile: string;
  readonly startedAt: string;
  readonly elapsedMs: number;
  readonly machine: MachineInfo;
  readonly prices: PriceTable;
  readonly billableUnits?: BillableUnitsResult;
  readonly throughput?: ThroughputResult;
  readonly bundle?: BundleResult;
  /** A chain step and a batch member beyond a plain job (workflow-costs.ts). */
  readonly workflowCosts?: WorkflowCosts;
  /** Seconds each measurement took. */
  readonly durations: Readonly<Partial<Record<MeasurementName, number>>>;
  /** This run next to a baseline run, when one was given. */
  readonly beforeAfter?: Comparison;
}

export interface RunBenchOptions {
  readonly profile: BenchProfile;
  /** Where benchmarks.md and benchmarks.json go. */
  readonly outDir: string;
  readonly only?: readonly MeasurementName[];
  /** An earlier run to compare with (its benchmarks.json, parsed), and the file it came from. */
  readonly baseline?: { readonly file: string; readonly results: BenchResults };
  readonly log?: (line: string) => void;
}

const REPOSITORY_ROOT = join(import.meta.dirname, '..');

export async function runBench(options: RunBenchOptions): Promise<{ results: BenchResults; files: string[] }> {
  const { profile } = options;
  const log = options.log ?? (() => undefined);
  const wanted = (name: MeasurementName) => !options.only || options.only.includes(name);
  const machine = machineInfo();
  const started = performance.now();
  const durations: Partial<Record<MeasurementName, number>> = {};
  async function timed<T>(name: MeasurementName, title: string, measure: () => Promise<T>): Promise<T | undefined> {
    if (!wanted(name)) return undefined;
    log(`${title}…`);
    const t0 = performance.now();
    const result = await measure();
    durations[name] = Math.round((performance.now() - t0) / 100) / 10;
    return result;
  }

  const billableUnits = await timed('billable', 'billable units per job', () => measureBillableUnits({ ...profile.billable, log }));
  const throughput = await timed('throughput', 'end to end, jobs/s side by side', () => measureThroughput({ ...profile.throughput, log }));
  const bundle = await timed('bundle', 'consumer bundle and module init', () => measureBundle({ ...profile.bundle, log }));
  const workflowCosts = await timed('workflows', 'workflow costs', () => measureWorkflowCosts({ ...profile.workflows, log }));

  const measured: BenchResults = {
    schema: 2,
    profile: profile.name,
    startedAt: machine.date,
    elapsedMs: Math.round(performance.now() - started),
    machine,
    prices: listPrices,
    ...(billableUnits ? { billableUnits } : {}),
    ...(throughput ? { throughput } : {}),
    ...(bundle ? { bundle } : {}),
    ...(workflowCosts ? { workflowCosts } : {}),
    durations,
  };
  return reportBench({ results: measured, outDir: options.outDir, ...(options.baseline ? { baseline: options.baseline } : {}) });
}

/**
 * Writes the report of measured results (compared with the baseline, when given). `npm run bench -- --from <json>`
 * uses it to rewrite the report of a stored run after a change to the report itself, without measuring again.
 */
export async function reportBench(options: {
  readonly results: BenchResults;
  readonly outDir: string;
  readonly baseline?: RunBenchOptions['baseline'];
}): Promise<{ results: BenchResults; files: string[] }> {
  const { beforeAfter: _previous, ...measured } = options.results;
  const results: BenchResults = options.baseline
    ? { ...measured, beforeAfter: withBaselineFile(compareResults(options.baseline.results, measured), options.baseline.file, REPOSITORY_ROOT) }
    : measured;
  const files = await writeReport(results, options.outDir);
  return { results, files };
}
