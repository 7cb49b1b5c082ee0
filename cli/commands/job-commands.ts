/** `enqueue`, `show`, `list`, `failed`: putting jobs in and looking at them. */
import { hostname, userInfo } from 'node:os';
import { Option, type Command } from 'commander';
import { DEFAULT_MAX_RELEASES } from '../../shared/priority-classes.ts';
import { jobStatuses, type JobStatus } from '../../shared/lifecycle.ts';
import type { JobRecord } from '../../shared/status-store/job-record.ts';
import { parseCount, parsePayload, parseSince, printJson, shortTime, table, truncate } from '../output.ts';
import type { CommandContext } from '../command-context.ts';
import type { Connection } from '../connection.ts';

export function registerJobCommands(program: Command, cli: CommandContext): void {
  program
    .command('enqueue <job>')
    .description('enqueue a job; its payload is checked against the job schema first')
    .requiredOption('--payload <json|@file>', 'the payload, as JSON or @path/to/file.json')
    .option('--delay <seconds>', 'seconds before the first attempt (up to a year)')
    .option('--run-at <time>', 'ISO time to run at instead')
    .option('--key <idempotency-key>', 'enqueueing the same key again returns the first job')
    .action(async (job: string, options: { payload: string; delay?: string; runAt?: string; key?: string }, command: Command) => {
      const { jobs } = await cli.connect(command);
      const enqueued = await jobs.enqueue(job as never, parsePayload(options.payload) as never, {
        ...(options.delay !== undefined ? { delay: parseCount(options.delay, '--delay') } : {}),
        ...(options.runAt !== undefined ? { runAt: new Date(options.runAt) } : {}),
        ...(options.key !== undefined ? { idempotencyKey: options.key } : {}),
      });
      if (cli.json(command)) return printJson(enqueued);
      console.log(
        enqueued.duplicate
          ? `${enqueued.id} already exists for that key (${enqueued.status}); nothing sent`
          : `${enqueued.id} ${enqueued.status} on ${enqueued.class}`,
      );
    });

  program
    .command('cancel <id>')
    .description('cancel a job: at once before it runs; a running one is stopped by its consumer within seconds')
    .action(async (id: string, _: unknown, command: Command) => {
      const result = await (await cli.connect(command)).jobs.cancel(id, { by: operatorName() });
      if (cli.json(command)) return printJson(result);
      console.log(result.status === 'cancelled' ? `${id} cancelled` : `${id} is running: cancel requested; its consumer stops it within seconds`);
    });

  program
    .command('show <id>')
    .description('a job: status, attempts, timings, error history, progress, and where it is now')
    .action(async (id: string, _: unknown, command: Command) => {
      const view = await (await cli.connect(command)).admin.show(id);
      if (cli.json(command)) return printJson(view);
      const { job } = view;
      const { registry } = await cli.app(command);
      const maxReleasesOf = (name: string) => registry.get(name)?.maxReleases ?? DEFAULT_MAX_RELEASES;
      const lines: [string, unknown][] = [
        ['id', job.id],
        ['job', job.name],
        ['class', job.class],
        ['status', job.status],
        ['where now', view.whereNow],
        ...(view.workflow ? [['workflow', membershipLine(view.workflow)] as [string, unknown]] : []),
        ['attempts', `${job.attempts}/${job.maxAttempts}`],
        ['releases', `${job.releases ?? 0}/${maxReleasesOf(job.name)}`],
        ['rate waits', job.rateWaits ?? 0],
        ['key waits', job.concurrencyWaits ?? 0],
        ['generation', job.gen],
        ['enqueued', shortTime(job.enqueuedAt)],
        ['started', shortTime(job.startedAt)],
        ['finished', shortTime(job.finishedAt)],
        ['due', job.dueAt ? shortTime(new Date(job.dueAt).toISOString()) : '-'],
        ['next attempt', job.nextAttemptAt ? shortTime(new Date(job.nextAttemptAt).toISOString()) : '-'],
        ['progress', job.progress === undefined ? '-' : `${job.progress}%`],
        ['result', job.result === undefined ? '-' : JSON.stringify(job.result)],
        ['last error', job.lastError ?? job.errors?.at(-1)?.message ?? '-'],
        ...(job.cancelRequestedAt ? [['cancel asked', `${shortTime(job.cancelRequestedAt)} by ${job.cancelRequestedBy ?? '?'}`] as [string, unknown]] : []),
      ];
      console.log(lines.map(([k, v]) => `${k.padEnd(13)} ${String(v)}`).join('\n'));
      if (job.errors?.length) {
        console.log(`\nerror history:\n${table(job.errors.map((e) => ({ attempt: e.attempt, at: shortTime(e.at), message: e.message })), ['attempt', 'at', 'message'])}`);
      }
    });

  program
    .command('list')
    .description('jobs newest first (by status: when they entered it; otherwise: when enqueued)')
    .addOption(new Option('--status <status>').choices(jobStatuses))
    .option('--class <class>')
    .option('--job <name>')
    .option('--since <time>', 'ISO time, or a duration like 1h')
    .option('--limit <n>', 'jobs per page', '20')
    .option('--cursor <cursor>', 'the next page, from the previous output')
    .action(async (options: ListOptions, command: Command) => {
      const page = await (await cli.connect(command)).admin.list(listFilter(options));
      if (cli.json(command)) return printJson(page);
      console.log(jobTable(page.jobs));
      if (page.cursor) console.log(`\nmore: --cursor ${page.cursor}`);
    });

  program
    .command('failed')
    .description('failed jobs with their reasons; --stats groups them by job and by reason')
    .option('--class <class>')
    .option('--job <name>')
    .option('--since <time>', 'ISO time, or a duration like 1h')
    .option('--limit <n>', 'jobs per page', '20')
    .option('--cursor <cursor>')
    .option('--stats', 'counts by job name and by reason instead of a list')
    .action(async (options: ListOptions & { stats?: boolean }, command: Command) => {
      const { admin } = await cli.connect(command);
      if (options.stats) {
        const stats = await admin.failureStats({
          ...(options.class ? { class: options.class } : {}),
          ...(options.job ? { job: options.job } : {}),
        });
        if (cli.json(command)) return printJson(stats);
        console.log(`${stats.total} failed job(s)${stats.truncated ? ' (more not counted)' : ''}\n`);
        console.log(`${table(stats.byJob.map((r) => ({ ...r })), ['job', 'count'])}\n`);
        console.log(table(stats.byReason.map((r) => ({ ...r, example: truncate(r.example, 80) })), ['reason', 'count', 'example']));
        return;
      }
      const page = await admin.failed(listFilter(options));
      if (cli.json(command)) return printJson(page);
      console.log(
        table(
          page.jobs.map((job) => ({
            id: job.id,
            job: job.name,
            class: job.class,
            attempts: `${job.attempts}/${job.maxAttempts}`,
            failed: shortTime(job.finishedAt ?? job.statusAt),
            reason: truncate(job.lastError, 70),
          })),
          ['id', 'job', 'class', 'attempts', 'failed', 'reason'],
        ),
      );
      if (page.cursor) console.log(`\nmore: --cursor ${page.cursor}`);
    });
}

interface ListOptions {
  status?: JobStatus;
  class?: string;
  job?: string;
  since?: string;
  limit: string;
  cursor?: string;
}

function listFilter(options: ListOptions) {
  return {
    ...(options.status ? { status: options.status } : {}),
    ...(options.class ? { class: options.class } : {}),
    ...(options.job ? { job: options.job } : {}),
    ...(options.since ? { since: parseSince(options.since) } : {}),
    ...(options.cursor ? { cursor: options.cursor } : {}),
    limit: parseCount(options.limit, '--limit'),
  };
}

function jobTable(jobs: readonly JobRecord[]): string {
  return table(
    jobs.map((job) => ({
      id: job.id,
      job: job.name,
      class: job.class,
      status: job.status,
      attempts: `${job.attempts}/${job.maxAttempts}`,
      enqueued: shortTime(job.enqueuedAt),
      since: shortTime(job.statusAt),
    })),
    ['id', 'job', 'class', 'status', 'attempts', 'enqueued', 'since'],
  );
}

/** `batch b-… (name) position 3 of 10`, `chain c-… position 1 of 3` (0-based, as in the job ids), with the parent. */
function membershipLine(wf: NonNullable<Awaited<ReturnType<Connection['admin']['show']>>['workflow']>): string {
  const where = `position ${wf.at} of ${wf.size}`;
  const parent = wf.parent ? `, in ${wf.parent.kind} ${wf.parent.id} at ${wf.parent.at}` : '';
  return `${wf.kind} ${wf.id}${wf.name ? ` (${wf.name})` : ''} ${where}${parent}`;
}

/** Who cancels, as recorded on the job: user@host. */
function operatorName(): string {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return hostname();
  }
}
