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
  it('measures everything and writes benchmarks.md and benchmarks.json', { timeout: 180_000 }, async () => {
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
      // Every job is written at least once and sent at least once; the computed table units agree with dynalite's.
      expect(scenario.perJob.writeRequestUnits).toBeGreaterThanOrEqual(1);
      expect(scenario.perJob.sqsRequests).toBeGreaterThan(0);
      expect(scenario.perJob.lambdaInvocations).toBeGreaterThan(0);
      expect(scenario.crossCheck.compared).toBeGreaterThan(0);
      expect(scenario.crossCheck.agreed).toBe(scenario.crossCheck.compared);
      expect(scenario.cost.total).toBeGreaterThan(0);
      expect(scenario.breakdown.length).toBeGreaterThan(0);
    }
    expect(results.enqueueOverhead?.ratio.median).toBeGreaterThan(0);
    expect(results.consumerOverhead?.ratio.median).toBeGreaterThan(0);
    expect(results.endToEnd?.jobsPerSecond.median).toBeGreaterThan(0);
    expect(results.endToEnd?.pacedLatencyMs.n).toBe(profiles.tiny.endToEnd.pacedJobs);
    expect(results.coldStart?.bundle.bytes).toBeGreaterThan(100_000);
    expect(results.coldStart?.variants.every((v) => v.importMs.median > 0)).toBe(true);
    expect(results.coldStart?.split?.bytesAtInit).toBeLessThan(results.coldStart?.bundle.bytes ?? 0);
    expect(results.workflowCosts?.extra.chainStep.wru).toBeGreaterThanOrEqual(1);
    expect(results.workflowCosts?.extra.batchMember.wru).toBeGreaterThanOrEqual(1);
    // Compared with the stored baseline: every measurement has lines, both commits are named.
    expect(json.beforeAfter?.before.commit).toBe('785dec7');
    expect(new Set(json.beforeAfter?.lines.map((l) => l.section))).toEqual(new Set(['billable', 'enqueue', 'consumer', 'endToEnd', 'coldStart']));

    const md = await readFile(join(outDir, 'benchmarks.md'), 'utf8');
    for (const heading of ['## Before → after', '## 1. Billable units', '### Where the units go', '## Findings', '## 2. Enqueue overhead', '## 3. Consumer overhead', '## 4. End to end', '## 5. Cold start', '## Workflows: a chain step and a batch member', '## Prices']) {
      expect(md).toContain(heading);
    }
    expect(md).not.toMatch(/NaN|undefined/);
  });
});
