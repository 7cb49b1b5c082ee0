/** `batches`: list batches with their progress, show one (or a chain), cancel one. */
import type { Command } from 'commander';
import type { WorkflowRecord } from '../../shared/workflows/workflow-types.ts';
import type { CommandContext } from '../command-context.ts';
import { parseCount, printJson, shortTime, table } from '../output.ts';

export function registerBatchCommands(program: Command, cli: CommandContext): void {
  const batches = program.command('batches').description('job batches: list, show with progress, cancel');

  batches
    .command('list', { isDefault: true })
    .description('batches newest first, with their progress')
    .option('--limit <n>', 'batches to list', '20')
    .action(async (options: { limit: string }, command: Command) => {
      const list = await (await cli.connect(command)).admin.batches(parseCount(options.limit, '--limit'));
      if (cli.json(command)) return printJson(list);
      console.log(
        table(
          list.map((batch) => ({
            id: batch.id,
            name: batch.name ?? '-',
            status: batch.status,
            progress: progressOf(batch),
            created: shortTime(batch.createdAt),
          })),
          ['id', 'name', 'status', 'progress', 'created'],
        ),
      );
    });

  batches
    .command('show <id>')
    .description('a batch (or a chain): status, counts, progress, parent')
    .action(async (id: string, _: unknown, command: Command) => {
      const view = await (await cli.connect(command)).admin.workflow(id);
      if (cli.json(command)) return printJson(view);
      console.log(workflowLines(view).map(([k, v]) => `${k.padEnd(13)} ${v}`).join('\n'));
    });

  batches
    .command('cancel <id>')
    .description('cancel a batch: members not started are skipped, running ones finish')
    .action(async (id: string, _: unknown, command: Command) => {
      const result = await (await cli.connect(command)).admin.cancelBatch(id);
      if (cli.json(command)) return printJson(result);
      console.log(`${id} cancelled: ${result.detail}`);
    });
}

/** `completed+failed+cancelled/total (percent)`. */
export function progressOf(batch: WorkflowRecord): string {
  const counts = batch.counts;
  if (!counts) return batch.steps !== undefined ? `step ${(batch.position ?? 0) + 1}/${batch.steps}` : '-';
  const done = counts.total - counts.pending;
  const percent = counts.total === 0 ? 100 : Math.floor((done / counts.total) * 100);
  return `${done}/${counts.total} (${percent}%)`;
}

function workflowLines(view: WorkflowRecord): [string, string][] {
  const counts = view.counts;
  return [
    ['id', view.id],
    ['kind', view.kind],
    ['name', view.name ?? '-'],
    ['status', view.status],
    ['progress', progressOf(view)],
    ...(counts
      ? ([
          ['completed', String(counts.completed)],
          ['failed', String(counts.failed)],
          ['cancelled', String(counts.cancelled)],
          ['pending', String(counts.pending)],
          ['allow fail', String(view.allowFailures === true)],
        ] as [string, string][])
      : []),
    ['created', shortTime(view.createdAt)],
    ['finished', shortTime(view.finishedAt)],
    ...(view.cancelledAt ? ([['cancelled at', shortTime(view.cancelledAt)]] as [string, string][]) : []),
    ...(view.reason ? ([['reason', view.reason]] as [string, string][]) : []),
    ['parent', view.parent ? `${view.parent.kind} ${view.parent.id} at ${view.parent.at}` : '-'],
  ];
}
