/**
 * `sqs-jobs dev`: the app's pipeline on embedded AWS emulators — a queue, a DLQ and a consumer
 * per class of its registry, its schedules on timers, the delay dispatcher — until Ctrl-C. It
 * prints the environment that points the SDK and the CLI at it.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { JobRegistry } from '../shared/job-registry.ts';
import type { Schedule } from '../shared/schedules/schedule-catalog.ts';
import { createLocalLogger, logLevels, type LogLevel } from './local-logger.ts';
import { startLocalRuntime, type LocalRuntime } from './runtime.ts';

export interface DevApp<R extends JobRegistry = JobRegistry> {
  readonly registry: R;
  readonly schedules: readonly Schedule[];
}

export interface DevOptions {
  readonly persist?: boolean;
  readonly logLevel: LogLevel;
  readonly verbose?: boolean;
  /** Where logs and persisted state go. @defaultValue `.local-data` in the working directory */
  readonly dataDir?: string;
}

export function devCommand(loadApp: (command: Command) => Promise<DevApp>, name = 'dev'): Command {
  return addDevOptions(new Command(name))
    .description("Run the app's pipeline locally on embedded AWS emulators until Ctrl-C.")
    .action(async (options: DevOptions, command: Command) => {
      const app = await loadApp(command);
      const dev = await startDev(app, options);
      dev.printEnvironment();
      console.log('Pipeline running. Ctrl-C stops it.');
      await dev.stopped;
    });
}

/** The options `sqs-jobs dev` shares with runners built on it (such as the example's demo). */
export function addDevOptions(command: Command): Command {
  return command
    .option('--persist', 'keep emulator state in .local-data/ across restarts')
    .addOption(new Option('--log-level <level>', 'consumer log level').choices(logLevels).default('info'))
    .option('--verbose', 'write consumer logs to stderr instead of .local-data/consumer.log');
}

export interface DevSession<R extends JobRegistry = JobRegistry> {
  readonly runtime: LocalRuntime<R>;
  /** Resolves once Ctrl-C (or `stop`) has stopped the runtime. */
  readonly stopped: Promise<void>;
  printEnvironment(): void;
  stop(): Promise<void>;
}

export async function startDev<R extends JobRegistry>(
  app: DevApp<R>,
  options: DevOptions,
  extra: { buckets?: readonly string[]; beforeStop?: () => Promise<void> } = {},
): Promise<DevSession<R>> {
  const dataDir = resolve(options.dataDir ?? '.local-data');
  mkdirSync(dataDir, { recursive: true });
  const logFile = resolve(dataDir, 'consumer.log');
  const logStream = options.verbose ? undefined : createWriteStream(logFile, { flags: 'w' });
  const logger = createLocalLogger({
    level: options.logLevel,
    write: (line) => (logStream ? logStream.write(line) : process.stderr.write(line)),
  });
  const runtime = await startLocalRuntime({
    registry: app.registry,
    schedules: app.schedules,
    logger,
    ...(extra.buckets ? { buckets: extra.buckets } : {}),
    ...(options.persist ? { dataDir: resolve(dataDir, 'emulators') } : {}),
  });

  let finish: () => void = () => undefined;
  const stopped = new Promise<void>((resolveStopped) => (finish = resolveStopped));
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await extra.beforeStop?.();
      await runtime.stop();
      logStream?.end();
      finish();
    })());
  const onSignal = (code: number) => () => {
    process.stdout.write('\nStopping: waiting for in-flight jobs…\n');
    void stop().then(() => process.exit(code));
  };
  process.once('SIGINT', onSignal(130));
  process.once('SIGTERM', onSignal(143));

  return {
    runtime,
    stopped,
    stop,
    printEnvironment() {
      console.log(`sqs-jobs local runtime: ${runtime.embedded ? 'embedded emulators' : 'endpoint from the environment'}`);
      console.log('Point the SDK or the CLI at it with:');
      for (const [key, value] of Object.entries(runtime.environment)) console.log(`  export ${key}='${value}'`);
      console.log(logStream ? `Consumer logs: ${logFile}\n` : '');
    },
  };
}
