/** `retry`, `redrive`, `forget`, `flush`: putting failed jobs right, or letting them go. */
import { Option, type Command } from 'commander';
import type { JobActionResult } from '../../shared/admin/admin-context.ts';
import { InvalidOptionError } from '../../shared/errors.ts';
import type { CommandContext } from '../command-context.ts';
import { confirm } from '../confirm.ts';
import { parseDuration, parsePayload, printJson, table, truncate } from '../output.ts';

export function registerRepairCommands(program: Command, cli: CommandContext): void {
  program
    .command('retry [ids...]')
    .description('run failed jobs again with fresh attempts (the DLQ copy will never run them)')
    .option('--all', 'every failed job (narrow it with --class / --job)')
    .option('--class <class>')
    .option('--job <name>')
    .option('--payload <json|@file>', 'a corrected payload for one job, validated first')
    .action(async (ids: string[], options: RetryOptions, command: Command) => {
      const { admin } = await cli.connect(command);
      if (options.all === (ids.length > 0)) throw new InvalidOptionError('give job ids or --all, not both or neither');
      if (!options.all && (options.class || options.job)) throw new InvalidOptionError('--class and --job go with --all');
      const results = options.all
        ? await admin.retryAll({ ...(options.class ? { class: options.class } : {}), ...(options.job ? { job: options.job } : {}) })
        : await admin.retry(ids, options.payload !== undefined ? { payload: parsePayload(options.payload) } : {});
      report(cli, command, results, 'retried');
    });

  program
    .command('redrive')
    .description("move DLQ messages back to their queue (SQS message-move task, or copying where that's missing)")
    .option('--class <class>', 'one class (default: all)')
    .addOption(new Option('--method <method>').choices(['auto', 'move-task', 'copy']).default('auto'))
    .action(async (options: { class?: string; method: 'auto' | 'move-task' | 'copy' }, command: Command) => {
      const { admin } = await cli.connect(command);
      const quiet = cli.json(command);
      const results = await admin.redrive({
        ...(options.class ? { class: options.class } : {}),
        method: options.method,
        onProgress: (p) => {
          if (!quiet) process.stderr.write(`\r${p.class}: ${p.moved}${p.total !== undefined ? `/${p.total}` : ''} moved`);
        },
      });
      if (!quiet) process.stderr.write('\n');
      if (quiet) return printJson(results);
      console.log(table(results.map((r) => ({ ...r })), ['class', 'method', 'moved']));
    });

  program
    .command('forget <ids...>')
    .description('remove failed jobs: their records and DLQ copies')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(async (ids: string[], options: { yes?: boolean }, command: Command) => {
      const { admin } = await cli.connect(command);
      if (!(await confirm(`Remove ${ids.length} failed job(s)?`, options.yes))) return;
      report(cli, command, await admin.forget(ids), 'forgotten');
    });

  program
    .command('flush')
    .description('remove all failed jobs (optionally of one class, older than a duration)')
    .option('--class <class>')
    .option('--job <name>')
    .option('--older-than <duration>', 'only jobs that failed longer ago than this, e.g. 7d')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(async (options: { class?: string; job?: string; olderThan?: string; yes?: boolean }, command: Command) => {
      const { admin } = await cli.connect(command);
      const olderThan = options.olderThan ? new Date(Date.now() - parseDuration(options.olderThan, '--older-than')) : undefined;
      const doomed = await admin.listFlushable({
        ...(options.class ? { class: options.class } : {}),
        ...(options.job ? { job: options.job } : {}),
        ...(olderThan ? { olderThan } : {}),
      });
      if (doomed.length === 0) {
        if (cli.json(command)) return printJson([]);
        return console.log('no failed jobs match');
      }
      if (!cli.json(command)) {
        console.log(table(doomed.map((j) => ({ id: j.id, job: j.name, class: j.class, reason: truncate(j.lastError, 60) })), ['id', 'job', 'class', 'reason']));
      }
      if (!(await confirm(`Remove these ${doomed.length} failed job(s)?`, options.yes))) return;
      // Exactly the jobs listed above; one retried meanwhile is skipped, not removed.
      report(cli, command, await admin.forget(doomed.map((j) => j.id)), 'forgotten');
    });
}

interface RetryOptions {
  all?: boolean;
  class?: string;
  job?: string;
  payload?: string;
}

function report(cli: CommandContext, command: Command, results: readonly JobActionResult[], verb: string): void {
  const failures = results.filter((r) => !r.ok);
  if (cli.json(command)) printJson(results);
  else {
    console.log(
      table(results.map((r) => ({ id: r.id, result: r.ok ? r.detail : `not ${verb}: ${r.error}` })), ['id', 'result']),
    );
    console.log(`\n${results.length - failures.length} ${verb}, ${failures.length} not`);
  }
  if (failures.length > 0) process.exitCode = 1;
}
