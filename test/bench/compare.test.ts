/**
 * Before → after from the data alone: the stored baseline (the last run of the earlier bench,
 * schema 1) against itself and against edited copies; and the goal table over figures.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BenchResults } from '../../bench/bench.ts';
import { changed, compareResults, parseBaseline, resolveBaselinePath } from '../../bench/compare.ts';
import { figuresOf, goalStatus, type Figure } from '../../bench/figures.ts';
import { costPerMillionJobs } from '../../bench/prices.ts';
import { renderMarkdown } from '../../bench/report.ts';
import { summarize } from '../../bench/stats.ts';

const baselineFile = join(import.meta.dirname, '..', '..', 'docs', 'benchmarks-baseline.json');
const baseline = parseBaseline(readFileSync(baselineFile, 'utf8'), baselineFile);

/** The baseline with one scenario's WRU per job set to `wru`. */
function withWru(id: string, wru: number): BenchResults {
  const copy = structuredClone(baseline) as BenchResults & { billableUnits: NonNullable<BenchResults['billableUnits']> };
  const scenarios = copy.billableUnits.scenarios.map((s) => {
    if (s.id !== id) return s;
    const perJob = { ...s.perJob, writeRequestUnits: wru };
    return { ...s, perJob, spread: { ...s.spread, writeRequestUnits: summarize([wru]) }, cost: costPerMillionJobs(perJob) };
  });
  return { ...copy, billableUnits: { ...copy.billableUnits, scenarios } };
}

const figure = (value: number, exact: boolean, range?: [number, number]): Figure => ({ id: 'x', label: 'x', unit: 'WRU', value, exact, ...(range ? { range } : {}) });

describe('before → after', () => {
  it('finds nothing changed between a run and itself', () => {
    const c = compareResults(baseline, baseline);
    expect(c.before.commit).toBe(baseline.machine.git.commit);
    expect(c.lines.length).toBeGreaterThan(50);
    expect(c.lines.filter((l) => l.changed)).toEqual([]);
    expect(c.onlyBefore).toEqual([]);
  });

  it('reports a counted unit that moved, with its dollars, and nothing else of that scenario', () => {
    const c = compareResults(baseline, withWru('noop-many', 3));
    const moved = c.lines.filter((l) => l.changed).map((l) => [l.id, l.before, l.after]);
    expect(moved).toContainEqual(['billable.noop-many.wru', 9, 3]);
    expect(moved.map(([id]) => id)).toEqual(['billable.noop-many.wru', 'billable.noop-many.usd-units', 'billable.noop-many.usd']);
  });

  it('counts counted figures as changed on any difference, timed ones only beyond their ranges or 10 %', () => {
    expect(changed(figure(9, true), figure(8, true))).toBe(true);
    expect(changed(figure(9, true, [9, 10]), figure(10, true, [10, 11]))).toBe(false);
    expect(changed(figure(100, false), figure(109, false))).toBe(false);
    expect(changed(figure(100, false), figure(111, false))).toBe(true);
    expect(changed(figure(100, false, [90, 110]), figure(130, false, [111, 140]))).toBe(true);
  });

  it('reads the earlier bench: the bundle of schema 1 as the same figure', () => {
    expect(figuresOf(baseline).find((f) => f.id === 'bundle.consumer.kib')?.value).toBeGreaterThan(900);
  });

  it('renders the comparison from data alone: no fix ids, no stories', () => {
    const after = withWru('noop-many', 3);
    const md = renderMarkdown({ ...after, beforeAfter: compareResults(baseline, after) });
    expect(md).toContain('## Before → after');
    expect(md).toMatch(/\| noop-many: DynamoDB WRU per job \| 9 WRU \| 3 WRU \| −6 WRU/);
    expect(md).not.toMatch(/\bF[1-7]\b|\bS1\b|kept by decision|NaN|undefined/);
  });
});

describe('goals', () => {
  it('states each goal against its figure, and which are not measured', () => {
    const status = goalStatus(figuresOf(baseline));
    expect(status.find((g) => g.figure === 'billable.noop-many.wru')).toMatchObject({ value: 9, met: false });
    expect(status.find((g) => g.figure === 'bundle.consumer.kib')?.met).toBe(false);
    expect(status.find((g) => g.figure === 'throughput.ratio.local-lean')?.value).toBeUndefined();
  });
});

describe('resolveBaselinePath', () => {
  const docsDir = '/repo/docs';
  it('defaults to docs/benchmarks-baseline.json only when writing to docs/', () => {
    expect(resolveBaselinePath({ requested: undefined, outDir: docsDir, docsDir, exists: () => true })).toBe('/repo/docs/benchmarks-baseline.json');
    expect(resolveBaselinePath({ requested: undefined, outDir: '/tmp/b', docsDir, exists: () => true })).toBeUndefined();
    expect(resolveBaselinePath({ requested: 'none', outDir: docsDir, docsDir })).toBeUndefined();
    expect(resolveBaselinePath({ requested: 'x.json', outDir: docsDir, docsDir })).toBe('x.json');
  });
});
