/**
 * Before → after: two runs' figures (see figures.ts) side by side, purely from the data. A
 * counted figure changed when the two differ (or, measured over several runs, when their
 * ranges do not overlap: batches may form differently); a timed one when its min–max ranges do
 * not overlap, or, without ranges, when it moved by more than 10 %. Pure but for file paths.
 *
 * @example
 * const c = compareResults(parseBaseline(text, file), results);
 * c.lines.filter((l) => l.changed);
 */
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { BenchResults } from './bench.ts';
import { figuresOf, type Figure } from './figures.ts';

export const TIMED_FRACTION = 0.1;
const EPSILON = 1e-9;

export interface ComparedRun {
  readonly commit: string;
  readonly uncommittedPipelineFiles: number;
  readonly date: string;
  readonly profile: string;
  /** The baseline's file, repository-relative when possible. */
  readonly file?: string;
}

export interface ComparisonLine {
  readonly id: string;
  readonly label: string;
  readonly unit: string;
  readonly exact: boolean;
  readonly before: number;
  readonly after: number;
  readonly changed: boolean;
}

export interface Comparison {
  readonly before: ComparedRun;
  readonly after: ComparedRun;
  /** Every figure both runs have. */
  readonly lines: readonly ComparisonLine[];
  /** Figures only one of the runs has (a measurement added or dropped). */
  readonly onlyBefore: readonly string[];
  readonly onlyAfter: readonly string[];
}

const overlap = (a: readonly [number, number], b: readonly [number, number]) => a[0] <= b[1] + EPSILON && b[0] <= a[1] + EPSILON;

export function changed(before: Figure, after: Figure): boolean {
  if (before.range && after.range) return !overlap(before.range, after.range);
  if (before.exact && after.exact) return Math.abs(after.value - before.value) > EPSILON;
  const base = Math.abs(before.value);
  return base === 0 ? Math.abs(after.value) > EPSILON : Math.abs(after.value - before.value) / base > TIMED_FRACTION;
}

export function compareResults(before: BenchResults, after: BenchResults): Comparison {
  const was = new Map(figuresOf(before).map((f) => [f.id, f]));
  const now = figuresOf(after);
  const lines: ComparisonLine[] = [];
  for (const figure of now) {
    const old = was.get(figure.id);
    if (!old) continue;
    lines.push({ id: figure.id, label: figure.label, unit: figure.unit, exact: figure.exact, before: old.value, after: figure.value, changed: changed(old, figure) });
  }
  const ids = new Set(now.map((f) => f.id));
  return {
    before: run(before),
    after: run(after),
    lines,
    onlyBefore: [...was.keys()].filter((id) => !ids.has(id)),
    onlyAfter: now.map((f) => f.id).filter((id) => !was.has(id)),
  };
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

/** A parsed benchmarks.json (this bench's schema 2, or schema 1 of the earlier one), checked enough to compare with. */
export function parseBaseline(text: string, file: string): BenchResults {
  const value = JSON.parse(text) as { schema?: unknown; machine?: { git?: unknown }; profile?: unknown };
  if ((value.schema !== 1 && value.schema !== 2) || !value.machine?.git || typeof value.profile !== 'string') {
    throw new Error(`${file} is not a benchmarks.json (schema 1 or 2)`);
  }
  return value as BenchResults;
}
