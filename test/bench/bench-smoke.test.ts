/**
 * Runs the whole bench at tiny N into a temporary directory, so it cannot rot unnoticed.
 * No timing assertions: only that every measurement ran and the report is complete and sane.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { profiles, runBench, type BenchResults } from '../../bench/bench.ts';
import { parseBaseline } from '../../bench/compare.ts';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('npm run bench (tiny profile)', () => {
  it('measures everything and writes benchmarks.md and benchmarks.json', { timeout: 240_000 }, async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'sqs-jobs-bench-'));
    dirs.push(outDir);
    const baselineFile = join(import.meta.dirname, '..', '..', 'docs', 'benchmarks-baseline.json');
    const baseline = { file: baselineFile, results: parseBaseline(await readFile(baselineFile, 'utf8'), baselineFile) };
    const { results, files } = await runBench({ profile: profiles.tiny, outDir, baseline });
    expect(files).toEqual([join(outDir, 'benchmarks.md'), join(outDir, 'benchmarks.json')]);

    const json = JSON.parse(await readFile(join(outDir, 'benchmarks.json'), 'utf8')) as BenchResults;
    expect(json.profile).toBe('tiny');
    expect(json.machine.cores).toBeGreaterThan(0);

    const billable = results.billableUnits;
    expect(billable?.scenarios.map((s) => s.id)).toEqual(profiles.tiny.billable.only);
    for (const scenario of billable?.scenarios ?? []) {
      // Every job is sent at least once, and (but with lean tracking) written; the computed table units agree with dynalite's.
      expect(scenario.perJob.writeRequestUnits).toBeGreaterThanOrEqual(scenario.id === 'lean' ? 0 : 1);
      expect(scenario.perJob.sqsRequests).toBeGreaterThan(0);
      expect(scenario.perJob.lambdaInvocations).toBeGreaterThan(0);
      expect(scenario.crossCheck.agreed).toBe(scenario.crossCheck.compared);
      expect(scenario.cost.total).toBeGreaterThan(0);
      expect(scenario.breakdown.length).toBeGreaterThan(0);
    }
    // Side by side in one run: raw SQS, SQS + Lambda, the local runtime both ways; BullMQ when redis-server is installed.
    const variants = results.throughput?.variants.map((v) => v.id) ?? [];
    expect(variants.slice(0, 4)).toEqual(['raw-sqs', 'sqs-lambda', 'local-default', 'local-lean']);
    expect(variants.includes('bullmq')).toBe(!('skipped' in (results.throughput?.bullmq ?? {})));
    expect(results.throughput?.variants.every((v) => v.jobsPerSecond.median > 0)).toBe(true);
    expect(results.throughput?.ratioDefault.median).toBeGreaterThan(0);
    expect(results.bundle?.consumer.bytes).toBeGreaterThan(50_000);
    expect(results.bundle?.initRatio.median).toBeGreaterThan(0);
    expect(results.bundle?.dependenciesRatio.median).toBeGreaterThan(0);
    // Compared with the stored baseline, figure by figure.
    expect(json.beforeAfter?.before.commit).toBe(baseline.results.machine.git.commit);
    expect(json.beforeAfter?.lines.length).toBeGreaterThan(10);

    const md = await readFile(join(outDir, 'benchmarks.md'), 'utf8');
    for (const heading of ['## Goals', '## Before → after', '## Billable units', '### Where the units go', '## End to end, side by side', '## Consumer bundle and module init', '## Prices']) {
      expect(md).toContain(heading);
    }
    expect(md).not.toMatch(/NaN|undefined/);
  });
});
