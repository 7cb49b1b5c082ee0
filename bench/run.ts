/**
 * `npm run bench`: runs the benchmarks on the embedded emulators and writes
 * docs/benchmarks.md and docs/benchmarks.json.
 *
 *   npm run bench                          full profile (warm-up + 5 runs), about 4–5 minutes
 *   npm run bench -- --quick               smaller N, 3 runs (or BENCH_PROFILE=quick)
 *   npm run bench -- --out /tmp/bench      write the report elsewhere
 *   npm run bench -- --only billable,coldStart
 *                                          measurements: billable, enqueue, consumer, endToEnd, coldStart
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { measurementNames, profiles, runBench, type MeasurementName } from './bench';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    profile: { type: 'string' },
    out: { type: 'string' },
    only: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log('usage: npm run bench -- [--quick | --profile full|quick|tiny] [--out <dir>] [--only billable,enqueue,consumer,endToEnd,coldStart]');
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

const outDir = values.out ?? join(import.meta.dirname, '..', 'docs');
const started = performance.now();
const { results, files } = await runBench({ profile, outDir, ...(only ? { only } : {}), log: (line) => console.log(line) });
console.log(`\ndone in ${((performance.now() - started) / 1000).toFixed(0)} s (profile ${results.profile}); wrote ${files.join(', ')}`);
