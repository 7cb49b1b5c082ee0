/**
 * The local runtime command: the whole pipeline on embedded emulators, with a demo of jobs
 * succeeding, retrying and landing in the DLQ. `npm start` and `sqs-jobs dev` both run it;
 * `--exit-when-settled` turns it into a smoke test.
 */
import { mkdirSync, createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { jobRegistry } from '../shared/jobs/index.ts';
import { schedules } from '../shared/jobs/schedules.ts';
import {
  enqueueDemoJobs,
  isSettled,
  peekDeadLetters,
  readDemoState,
  renderDeadLetters,
  renderJobOutcomes,
  renderSummary,
  unexpectedOutcomes,
  type DemoJob,
} from './demo.ts';
import { startWebhookReceiver } from './demo-webhook-receiver.ts';
import { createLocalLogger, logLevels, type LogLevel } from './local-logger.ts';
import { startLocalRuntime } from './runtime.ts';

export function devCommand(name = 'dev'): Command {
  return new Command(name)
    .description('Run the sqs-jobs pipeline locally on embedded AWS emulators, with a demo.')
    .option('--exit-when-settled', 'exit once the demo settles: 0 if every job reached its expected state, 1 if not')
    .addOption(
      new Option('--settle-timeout <seconds>', 'give up waiting for the demo after this long').default(120).argParser(Number),
    )
    .option('--no-demo', 'run the pipeline only, without the demo jobs')
    .option('--persist', 'keep emulator state in .local-data/ across restarts')
    .addOption(new Option('--log-level <level>', 'consumer log level').choices(logLevels).default('info'))
    .option('--verbose', 'write consumer logs to stderr instead of .local-data/consumer.log')
    .action(async (options: DevOptions) => {
      process.exit(await runDev(options));
    });
}

interface DevOptions {
  readonly exitWhenSettled?: boolean;
  readonly settleTimeout: number;
  readonly demo: boolean;
  readonly persist?: boolean;
  readonly logLevel: LogLevel;
  readonly verbose?: boolean;
}

async function runDev(options: DevOptions): Promise<number> {
  const dataDir = resolve('.local-data');
  mkdirSync(dataDir, { recursive: true });
  const logFile = resolve(dataDir, 'consumer.log');
  const logStream = options.verbose ? undefined : createWriteStream(logFile, { flags: 'w' });
  const logger = createLocalLogger({
    level: options.logLevel,
    write: (line) => (logStream ? logStream.write(line) : process.stderr.write(line)),
  });

  const runtime = await startLocalRuntime({
    registry: jobRegistry,
    schedules,
    logger,
    ...(options.persist ? { dataDir: resolve(dataDir, 'emulators') } : {}),
  });
  const webhooks = await startWebhookReceiver();
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nStopping: waiting for in-flight jobs…\n');
    await webhooks.close();
    await runtime.stop();
    logStream?.end();
  };
  process.once('SIGINT', () => void shutdown().then(() => process.exit(130)));
  process.once('SIGTERM', () => void shutdown().then(() => process.exit(143)));

  console.log(`sqs-jobs local runtime: ${runtime.embedded ? 'embedded emulators' : 'endpoint from the environment'}`);
  console.log('Point the SDK or the CLI at it with:');
  for (const [name, value] of Object.entries(runtime.environment)) console.log(`  export ${name}='${value}'`);
  console.log(logStream ? `Consumer logs: ${logFile}\n` : '');

  if (!options.demo) {
    console.log('Pipeline running. Ctrl-C stops it.');
    return new Promise<number>(() => undefined);
  }

  const started = Date.now();
  const jobs = await enqueueDemoJobs(runtime, webhooks.baseUrl);
  const deadline = started + options.settleTimeout * 1000;
  let state = await readDemoState(runtime, jobs);
  let lastSummary = '';
  while (!stopping) {
    state = await readDemoState(runtime, jobs);
    const summary = renderSummary(state, Date.now() - started);
    if (process.stdout.isTTY && lastSummary) {
      process.stdout.write(`\x1b[${lastSummary.split('\n').length}A\x1b[0J`);
    }
    if (process.stdout.isTTY || summary.split('\n').slice(1).join() !== lastSummary.split('\n').slice(1).join()) {
      process.stdout.write(`${summary}\n`);
      lastSummary = summary;
    }
    if (isSettled(state) || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 500));
  }

  const letters = await peekDeadLetters(runtime);
  console.log(`\nOutcomes:\n${renderJobOutcomes(state)}\n`);
  console.log(renderDeadLetters(letters));
  console.log(`Webhooks received: ${webhooks.received()}`);

  const problems = [...unexpectedOutcomes(state), ...missingDeadLetters(jobs, letters)];
  if (problems.length > 0) console.log(`\nNot as expected:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  else console.log('\nEvery demo job reached its expected state.');

  if (options.exitWhenSettled) {
    await shutdown();
    return problems.length === 0 ? 0 : 1;
  }
  console.log('\nPipeline still running (enqueue more with the SDK). Ctrl-C stops it.');
  return new Promise<number>(() => undefined);
}

function missingDeadLetters(jobs: readonly DemoJob[], letters: readonly { jobId: string; reason: string }[]): string[] {
  const missing = jobs
    .filter((job) => job.deadLettered && !letters.some((l) => l.jobId === job.id))
    .map((job) => `${job.label}: no copy in the DLQ`);
  if (!letters.some((l) => l.reason.startsWith('poison message'))) missing.push('poison message: no copy in the DLQ');
  return missing;
}
