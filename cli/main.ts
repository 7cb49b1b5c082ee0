#!/usr/bin/env node
/**
 * `sqs-jobs`: the operator CLI, a thin strict layer over the admin functions and the SDK.
 * Reads the app's jobs from its config module (`--config`, or `sqs-jobs.config.ts` found in the
 * working directory), finds the pipeline from the environment (or `--outputs`), prints tables,
 * or JSON with `--json`.
 */
import { Command, CommanderError } from 'commander';
import { SqsJobsError } from '../shared/errors.ts';
import { devCommand } from '../local/dev-command.ts';
import { commandContext } from './command-context.ts';
import { registerJobCommands } from './commands/job-commands.ts';
import { registerObserveCommands } from './commands/observe-commands.ts';
import { registerRepairCommands } from './commands/repair-commands.ts';
import { registerScheduleCommands } from './commands/schedule-commands.ts';
import { registerDashboardCommand } from './commands/dashboard-command.ts';
import { registerFlowCommands } from './commands/flow-commands.ts';
import { registerBatchCommands } from './commands/batch-commands.ts';

const program = new Command('sqs-jobs')
  .description('Operate an sqs-jobs pipeline: jobs, failures, retries, DLQ redrive, stats, health.')
  .option('--config <file>', 'the app module exporting jobRegistry and schedules (default: ./sqs-jobs.config.{ts,mts,js,mjs})')
  .option('--json', 'machine-readable output')
  .option('--outputs <file>', 'read the pipeline from a `cdk deploy --outputs-file` JSON file')
  .option('--stack <name>', 'the stack in that file, when it holds several')
  .showHelpAfterError()
  .exitOverride();

const cli = commandContext();
registerJobCommands(program, cli);
registerRepairCommands(program, cli);
registerFlowCommands(program, cli);
registerBatchCommands(program, cli);
registerObserveCommands(program, cli);
registerScheduleCommands(program, cli);
registerDashboardCommand(program, cli);
program.addCommand(devCommand((command) => cli.app(command)));

/** One line naming the problem: ours as they are, AWS's with the service's error name. */
function describe(error: unknown): string {
  if (error instanceof SqsJobsError) return error.message;
  if (error instanceof Error) {
    const aws = '$metadata' in error ? 'AWS request failed: ' : '';
    const code = (error as { code?: string }).code;
    return `${aws}${error.name}${code && code !== error.name ? ` (${code})` : ''}: ${error.message}`;
  }
  return String(error);
}

program.parseAsync().catch((error: unknown) => {
  if (error instanceof CommanderError) {
    // Commander printed its own message (usage, --help, --version).
    process.exit(error.exitCode);
  }
  console.error(`sqs-jobs: ${describe(error)}`);
  process.exit(1);
});
