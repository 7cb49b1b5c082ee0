/**
 * `npm run bench`: runs the benchmarks on the embedded emulators and writes
 * docs/benchmarks.md and docs/benchmarks.json.
 *
 *   npm run bench                          full profile (warm-up + 5 runs), about 4–5 minutes
 *   npm run bench -- --quick               smaller N, 3 runs (or BENCH_PROFILE=quick)
 *   npm run bench -- --out /tmp/bench      write the report elsewhere
 *   npm run bench -- --only billable,coldStart
 *                                          measurements: billable, enqueue, consumer, endToEnd, coldStart, workflows
 *   npm run bench -- --baseline <file>     compare with an earlier benchmarks.json ("Before → after");
 *                                          default: docs/benchmarks-baseline.json when writing to docs/
 *                                          and it exists; `--baseline none` for no comparison
 *   npm run bench -- --from docs/benchmarks.json
 *                                          rewrite the report of a stored run (after a change to the
 *                                          report or the comparison) without measuring again
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { measurementNames, profiles, reportBench, runBench, type MeasurementName } from './bench.ts';
import { parseBaseline, resolveBaselinePath } from './compare.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    profile: { type: 'string' },
    out: { type: 'string' },
    only: { type: 'string' },
    baseline: { type: 'string' },
    from: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log('usage: npm run bench -- [--quick | --profile full|quick|tiny] [--out <dir>] [--only billable,enqueue,consumer,endToEnd,coldStart,workflows] [--baseline <benchmarks.json> | none] [--from <benchmarks.json>]');
  process.exit(0);
}

const profileName = values.profile ?? (values.quick ? 'quick' : (process.env.BENCH_PROFILE ?? 'full'));
if (!(profileName in profiles)) {
  console.error(`unknown profile "${profileName}" (full, quick, tiny)`);
  process.exit(2);
}
const profile = profiles[profileName as keyof typeof profiles];

let only: MeasurementName[] | undefined;
if (values.only) {
  only = values.only.split(',').map((name) => name.trim()) as MeasurementName[];
  const unknown = only.filter((name) => !(measurementNames as readonly string[]).includes(name));
  if (unknown.length > 0) {
    console.error(`unknown measurement(s): ${unknown.join(', ')} (known: ${measurementNames.join(', ')})`);
    process.exit(2);
  }
}

const docsDir = join(import.meta.dirname, '..', 'docs');
const outDir = values.out ?? docsDir;
const baselineFile = resolveBaselinePath({ requested: values.baseline, outDir, docsDir });
const baseline = baselineFile ? { file: baselineFile, results: parseBaseline(await readFile(baselineFile, 'utf8'), baselineFile) } : undefined;
if (baseline) console.log(`comparing with ${baselineFile} (commit ${baseline.results.machine.git.commit}, ${baseline.results.startedAt.slice(0, 10)})`);
if (values.from) {
  const stored = parseBaseline(await readFile(values.from, 'utf8'), values.from);
  const { files } = await reportBench({ results: stored, outDir, ...(baseline ? { baseline } : {}) });
  console.log(`rewrote the report of the run of ${stored.startedAt} (commit ${stored.machine.git.commit}): ${files.join(', ')}`);
  process.exit(0);
}

const started = performance.now();
const { results, files } = await runBench({ profile, outDir, ...(only ? { only } : {}), ...(baseline ? { baseline } : {}), log: (line) => console.log(line) });
console.log(`\ndone in ${((performance.now() - started) / 1000).toFixed(0)} s (profile ${results.profile}); wrote ${files.join(', ')}`);
