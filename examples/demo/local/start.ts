/**
 * `npm start`: the demo app's pipeline on embedded emulators (as `sqs-jobs dev` runs it) plus a
 * demo of jobs succeeding, retrying and landing in the DLQ. `--exit-when-settled` turns it into
 * a smoke test: exit 0 once every demo job reached its expected state, 1 if not.
 */
import { Command, Option } from 'commander';
import { createAdmin } from 'sqs-jobs';
import { addDevOptions, startDev, type DevOptions } from 'sqs-jobs/local';
import { startDashboard, type Dashboard } from 'sqs-jobs/dashboard';
import { jobRegistry, schedules } from '../src/jobs.ts';
import { REPORT_BUCKET_ENV } from '../src/jobs/generate-report.ts';
import {
  enqueueDemoJobs,
  isSettled,
  missingDeadLetters,
  peekDeadLetters,
  readDemoState,
  renderDeadLetters,
  renderJobOutcomes,
  renderSummary,
  unexpectedOutcomes,
} from './scenario.ts';
import { startWebhookReceiver } from './webhook-receiver.ts';

interface DemoOptions extends DevOptions {
  readonly exitWhenSettled?: boolean;
  readonly settleTimeout: number;
  readonly demo: boolean;
  readonly dashboard: boolean;
}

const REPORT_BUCKET = 'sqs-jobs-demo-reports';

async function runDemo(options: DemoOptions): Promise<number> {
  process.env[REPORT_BUCKET_ENV] ??= REPORT_BUCKET;
  const webhooks = await startWebhookReceiver();
  let dashboard: Dashboard | undefined;
  const dev = await startDev({ registry: jobRegistry, schedules }, options, {
    buckets: [REPORT_BUCKET],
    beforeStop: async () => {
      await Promise.all([webhooks.close(), dashboard?.close()]);
    },
  });
  dev.printEnvironment();
  if (options.dashboard) {
    // The operator's web dashboard over this pipeline, live while the demo runs.
    const { config, clients } = dev.runtime;
    dashboard = await startDashboard({ admin: createAdmin({ registry: jobRegistry, config, clients }), registry: jobRegistry, schedules, config });
    console.log(`Dashboard: ${dashboard.url}\n`);
  }
  if (!options.demo) {
    console.log('Pipeline running. Ctrl-C stops it.');
    await dev.stopped;
    return 0;
  }

  const runtime = dev.runtime;
  const started = Date.now();
  const jobs = await enqueueDemoJobs(runtime, webhooks.baseUrl);
  const deadline = started + options.settleTimeout * 1000;
  let state = await readDemoState(runtime, jobs);
  let lastSummary = '';
  for (;;) {
    state = await readDemoState(runtime, jobs);
    const summary = renderSummary(state, Date.now() - started);
    if (process.stdout.isTTY && lastSummary) process.stdout.write(`\x1b[${lastSummary.split('\n').length}A\x1b[0J`);
    if (process.stdout.isTTY || summary.split('\n').slice(1).join() !== lastSummary.split('\n').slice(1).join()) {
      process.stdout.write(`${summary}\n`);
      lastSummary = summary;
    }
    if (isSettled(state) || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }

  const letters = await peekDeadLetters(runtime);
  console.log(`\nOutcomes:\n${renderJobOutcomes(state)}\n`);
  console.log(renderDeadLetters(letters));
  console.log(`Webhooks received: ${webhooks.received()}`);
  const problems = [...unexpectedOutcomes(state), ...missingDeadLetters(jobs, letters)];
  if (problems.length > 0) console.log(`\nNot as expected:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  else console.log('\nEvery demo job reached its expected state.');

  if (options.exitWhenSettled) {
    await dev.stop();
    return problems.length === 0 ? 0 : 1;
  }
  if (dashboard) console.log(`\nDashboard: ${dashboard.url}`);
  console.log('\nPipeline still running (enqueue more with the SDK or the CLI). Ctrl-C stops it.');
  await dev.stopped;
  return 0;
}

addDevOptions(new Command('npm start'))
  .description('The demo app on embedded AWS emulators, with a demo of jobs succeeding, retrying and failing.')
  .option('--exit-when-settled', 'exit once the demo settles: 0 if every job reached its expected state, 1 if not')
  .addOption(new Option('--settle-timeout <seconds>', 'give up waiting for the demo after this long').default(120).argParser(Number))
  .option('--no-demo', 'run the pipeline only, without the demo jobs')
  .option('--no-dashboard', 'do not serve the web dashboard')
  .action(async (options: DemoOptions) => {
    process.exit(await runDemo(options));
  })
  .parseAsync()
  .catch((error: unknown) => {
    console.error(`sqs-jobs: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
