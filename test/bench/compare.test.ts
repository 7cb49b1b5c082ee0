import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BenchResults } from '../../bench/bench.ts';
import type { ScenarioResult } from '../../bench/billable-units.ts';
import {
  changesFor,
  compareResults,
  exactDirection,
  packageChanges,
  parseBaseline,
  relativeDirection,
  resolveBaselinePath,
  spreadDirection,
  withBaselineFile,
  type ComparisonLine,
} from '../../bench/compare.ts';
import { staticallyLoaded } from '../../bench/cold-start.ts';
import { costPerMillionJobs } from '../../bench/prices.ts';
import { changeText, renderMarkdown } from '../../bench/report.ts';
import { summarize } from '../../bench/stats.ts';

/** The measured baseline (commit 785dec7), real data of the right shape. */
const baselineFile = join(import.meta.dirname, '..', '..', 'docs', 'benchmarks-baseline.json');
const baseline = parseBaseline(readFileSync(baselineFile, 'utf8'), baselineFile);

/** A deep copy to edit into an "after" run. */
function copy(): { -readonly [K in keyof BenchResults]: BenchResults[K] } {
  return structuredClone(baseline) as BenchResults;
}

const point = (value: number) => summarize([value]);
const find = (lines: readonly ComparisonLine[], metric: string, scenario?: string) =>
  lines.find((l) => l.metric === metric && (scenario === undefined || l.scenario === scenario));

/** The scenario with its WRU per job (and what follows from it) set to `wru`. */
function withWru(s: ScenarioResult, wru: number, largestItem: number): ScenarioResult {
  const perJob = { ...s.perJob, writeRequestUnits: wru };
  return {
    ...s,
    perJob,
    spread: { ...s.spread, writeRequestUnits: point(wru) },
    cost: costPerMillionJobs(perJob),
    breakdown: s.breakdown.map((row) => (row.itemBytes ? { ...row, itemBytes: { before: row.itemBytes.before, after: Math.min(row.itemBytes.after, largestItem) } } : row)),
  };
}

describe('before → after comparison', () => {
  it('finds nothing changed between a run and itself', () => {
    const c = compareResults(baseline, baseline);
    expect(c.before.commit).toBe('785dec7');
    expect(c.fixes.map((f) => f.id)).toEqual(['F3', 'F4', 'F6', 'F7', 'S1']);
    // 7 scenarios × 6 lines, 2 enqueue rates + 2 ratios, 4 consumer lines, throughput + 6 percentiles, 3 cold-start lines.
    expect(c.lines).toHaveLength(7 * 6 + 4 + 4 + 7 + 3);
    for (const line of c.lines) {
      expect(line.direction, line.label).toBe('same');
      expect(line.change).toBe(0);
      expect(line.explainedBy).toEqual([]);
    }
  });

  it('attributes fewer WRU to F4, with the item sizes, and the cost follows', () => {
    const after = copy();
    after.billableUnits = {
      ...baseline.billableUnits!,
      scenarios: baseline.billableUnits!.scenarios.map((s) => (s.id === 'retry-twice-long-errors' ? withWru(s, 24, 1373) : s)),
    };
    const c = compareResults(baseline, after);
    const wru = find(c.lines, 'writeRequestUnits', 'retry-twice-long-errors');
    expect(wru).toMatchObject({ before: 26, after: 24, change: -2, direction: 'lower', explainedBy: ['F4'] });
    expect(wru?.changePercent).toBeCloseTo(-7.69, 2);
    expect(wru?.note).toContain('largest item 1,884 → 1,373 bytes');
    const usd = find(c.lines, 'usdPerMillion', 'retry-twice-long-errors');
    expect(usd?.change).toBeCloseTo(-2 * 0.625, 10);
    expect(usd).toMatchObject({ direction: 'lower', explainedBy: ['F4'], note: 'follows WRU' });
    // SQS and invocations did not move, nor did any other scenario.
    expect(find(c.lines, 'sqsRequests', 'retry-twice-long-errors')?.direction).toBe('same');
    expect(c.lines.filter((l) => l.direction !== 'same').map((l) => `${l.scenario}:${l.metric}`)).toEqual([
      'retry-twice-long-errors:writeRequestUnits',
      'retry-twice-long-errors:usdPerMillion',
      'retry-twice-long-errors:usdPerMillionWithDuration',
    ]);
  });

  it('says so when a number moved and no fix since the baseline explains it', () => {
    const after = copy();
    after.billableUnits = {
      ...baseline.billableUnits!,
      scenarios: baseline.billableUnits!.scenarios.map((s) => (s.id === 'noop-many' ? withWru(s, 8, 1000) : s)),
    };
    const unknownBaseline = { ...baseline, machine: { ...baseline.machine, git: { commit: 'abc1234', uncommittedPipelineFiles: 0 } } };
    const c = compareResults(unknownBaseline, after);
    expect(c.fixes).toEqual([]);
    const wru = find(c.lines, 'writeRequestUnits', 'noop-many');
    expect(wru).toMatchObject({ direction: 'lower', explainedBy: [] });
    expect(wru?.note).toMatch(/no fix between the commits explains it/);
  });

  it('calls timings changed only when the ranges do not overlap, and names F7 for the consumer', () => {
    const consumer = baseline.consumerOverhead!;
    const after = copy();
    after.consumerOverhead = {
      ...consumer,
      ratio: summarize([3.5, 3.7, 3.9]),
      // Overlaps the baseline's 0.97–1: within the spread.
      ratioCode: summarize([0.98, 1.1, 1.2]),
    };
    const c = compareResults(baseline, after);
    expect(find(c.lines, 'ratio')).toMatchObject({ section: 'enqueue', direction: 'same' });
    const ratio = c.lines.find((l) => l.section === 'consumer' && l.metric === 'ratio');
    expect(ratio).toMatchObject({ after: 3.7, direction: 'lower', explainedBy: ['F7'] });
    const code = find(c.lines, 'ratioCode');
    expect(code).toMatchObject({ direction: 'same', explainedBy: [] });
    expect(code?.change).toBeCloseTo(1.1 - consumer.ratioCode.median, 10);
  });

  it('reads the cold start: a bigger bundle for F6 with the packages that grew; an unchanged init says why', () => {
    const cold = baseline.coldStart!;
    const after = copy();
    after.coldStart = {
      ...cold,
      bundle: {
        ...cold.bundle,
        bytes: cold.bundle.bytes + 64 * 1024,
        packages: cold.bundle.packages.map((p) => (p.name === '@aws-sdk/client-s3' ? { ...p, bytes: p.bytes + 57 * 1024 } : p)),
      },
    };
    const c = compareResults(baseline, after);
    const size = find(c.lines, 'bundleBytes');
    expect(size).toMatchObject({ direction: 'higher', explainedBy: ['F6'] });
    expect(size?.note).toContain('@aws-sdk/client-s3 100 → 157 KiB');
    expect(find(c.lines, 'importMs')?.note).toMatch(/^not measurably different/);
  });

  it('compares only what both runs measured', () => {
    const after = copy();
    delete after.endToEnd;
    after.billableUnits = { ...baseline.billableUnits!, scenarios: baseline.billableUnits!.scenarios.slice(0, 2) };
    const c = compareResults(baseline, after);
    expect(c.lines.some((l) => l.section === 'endToEnd')).toBe(false);
    expect(new Set(c.lines.filter((l) => l.section === 'billable').map((l) => l.scenario))).toEqual(new Set(['noop-single', 'noop-many']));
  });

  it('records the baseline file relative to the repository', () => {
    const c = withBaselineFile(compareResults(baseline, baseline), baselineFile, join(import.meta.dirname, '..', '..'));
    expect(c.before.file).toBe('docs/benchmarks-baseline.json');
  });

  it('renders the section with both commits and no holes', () => {
    const after = copy();
    after.billableUnits = {
      ...baseline.billableUnits!,
      scenarios: baseline.billableUnits!.scenarios.map((s) => (s.id === 'retry-twice-long-errors' ? withWru(s, 24, 1373) : s)),
    };
    const md = renderMarkdown({ ...after, beforeAfter: compareResults(baseline, after) });
    expect(md).toContain('## Before → after');
    expect(md).toContain('**Before:** commit `785dec7`');
    expect(md).toContain('**26 → 24** (−2, −8 %)');
    expect(md).toMatch(/\| retry-twice-long-errors \|.*\*\*F4\*\* \(WRU, \$\/M, \$\/M incl\. duration\)/);
    expect(md).not.toMatch(/NaN|undefined/);
  });
});

describe('comparison rules', () => {
  it('directions', () => {
    expect(exactDirection(9, 9 + 1e-12)).toBe('same');
    expect(exactDirection(26, 24)).toBe('lower');
    expect(spreadDirection(summarize([10, 12]), summarize([11, 13]))).toBe('same');
    expect(spreadDirection(summarize([10, 12]), summarize([13, 14]))).toBe('higher');
    expect(spreadDirection(summarize([2.5, 2.6]), summarize([2.6, 2.7]))).toBe('same');
    expect(relativeDirection(1000, 1090)).toBe('same');
    expect(relativeDirection(1000, 850)).toBe('lower');
  });

  it('change texts', () => {
    const line = (before: number, after: number, unit = 'WRU'): ComparisonLine => ({
      section: 'billable',
      metric: 'm',
      label: 'm',
      unit,
      kind: 'exact',
      before,
      after,
      change: after - before,
      changePercent: before === 0 ? null : ((after - before) / before) * 100,
      direction: exactDirection(before, after),
      explainedBy: [],
      note: '',
    });
    expect(changeText(line(26, 24))).toBe('−2 (−8 %)');
    expect(changeText(line(12.8, 286.1, 'jobs/s'))).toBe('+273 (×22)');
    expect(changeText(line(726, 21, 'ms'))).toBe('−705 ms (÷35)');
    expect(changeText(line(9, 9))).toBe('=');
  });

  it('knows the fixes since 785dec7 by short or long hash, none otherwise', () => {
    expect(changesFor('785dec7').fixes).toHaveLength(5);
    expect(changesFor('785dec7aaaaaaaa').fixes).toHaveLength(5);
    expect(changesFor('0000000')).toEqual({ fixes: [] });
  });

  it('package changes name the largest moves', () => {
    const before = [{ name: 'a', bytes: 100 * 1024 }, { name: 'b', bytes: 10 * 1024 }, { name: 'c', bytes: 5 * 1024 }];
    const after = [{ name: 'a', bytes: 157 * 1024 }, { name: 'b', bytes: 11 * 1024 }, { name: 'd', bytes: 8 * 1024 }];
    expect(packageChanges(before, after)).toBe(': a 100 → 157 KiB, d 0 → 8 KiB');
    expect(packageChanges(before, before)).toBe('');
  });
});

describe('baseline option', () => {
  const docsDir = '/repo/docs';
  const exists = (path: string) => path === '/repo/docs/benchmarks-baseline.json';

  it('defaults to docs/benchmarks-baseline.json when writing to docs/ and it exists', () => {
    expect(resolveBaselinePath({ requested: undefined, outDir: '/repo/docs/', docsDir, exists })).toBe('/repo/docs/benchmarks-baseline.json');
    expect(resolveBaselinePath({ requested: undefined, outDir: '/tmp/bench', docsDir, exists })).toBeUndefined();
    expect(resolveBaselinePath({ requested: undefined, outDir: docsDir, docsDir, exists: () => false })).toBeUndefined();
  });

  it('takes the file asked for, or none', () => {
    expect(resolveBaselinePath({ requested: 'old.json', outDir: '/tmp/bench', docsDir, exists })).toBe('old.json');
    expect(resolveBaselinePath({ requested: 'none', outDir: docsDir, docsDir, exists })).toBeUndefined();
  });

  it('rejects what is not a benchmarks.json', () => {
    expect(() => parseBaseline('{"schema":2}', 'x.json')).toThrow(/x.json is not a benchmarks.json/);
  });
});

describe('code-splitting size', () => {
  it('counts the entry and its static imports, not the lazily loaded chunks', () => {
    const output = (bytes: number, imports: { path: string; kind: string }[] = []) => ({ bytes, imports, exports: [], inputs: {} });
    const metafile = {
      inputs: {},
      outputs: {
        'out/index.mjs': output(600, [
          { path: 'out/chunk-a.mjs', kind: 'import-statement' },
          { path: 'out/s3.mjs', kind: 'dynamic-import' },
        ]),
        'out/index.mjs.map': output(9999),
        'out/chunk-a.mjs': output(100, [{ path: 'out/chunk-b.mjs', kind: 'import-statement' }]),
        'out/chunk-b.mjs': output(50),
        'out/s3.mjs': output(200, [{ path: 'out/chunk-b.mjs', kind: 'import-statement' }]),
      },
    } as unknown as Parameters<typeof staticallyLoaded>[0];
    expect(staticallyLoaded(metafile, 'index.mjs')).toEqual({ staticBytes: 750, totalBytes: 950 });
  });
});

describe('rewriting a stored run', () => {
  it('recomputes the comparison and writes both files', async () => {
    const { mkdtemp, readFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { reportBench } = await import('../../bench/bench.ts');
    const outDir = await mkdtemp(join(tmpdir(), 'sqs-jobs-report-'));
    try {
      const stale = { ...baseline, beforeAfter: { ...compareResults(baseline, baseline), lines: [] } };
      const { results } = await reportBench({ results: stale, outDir, baseline: { file: baselineFile, results: baseline } });
      expect(results.beforeAfter?.lines.length).toBeGreaterThan(0);
      const json = JSON.parse(await readFile(join(outDir, 'benchmarks.json'), 'utf8')) as BenchResults;
      expect(json.beforeAfter?.lines).toHaveLength(results.beforeAfter?.lines.length ?? -1);
      expect(await readFile(join(outDir, 'benchmarks.md'), 'utf8')).toContain('## Before → after');
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  });
});
