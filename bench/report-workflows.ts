/** The workflow section of the benchmark report: a chain step and a batch member beyond a plain job. */
import type { BenchResults } from './bench.ts';
import { num, table, type Push } from './report-format.ts';

export function renderWorkflows(r: BenchResults, push: Push): void {
  const w = r.workflowCosts;
  if (!w) return;
  const row = (label: string, u: { wru: number; rru: number; sqsRequests: number }, extra?: { wru: number; rru: number; sqsRequests: number }) => [
    label,
    extra ? `${num(u.wru)} (+${num(extra.wru)})` : num(u.wru),
    num(u.rru),
    extra ? `${num(u.sqsRequests)} (+${num(extra.sqsRequests)})` : num(u.sqsRequests),
  ];
  push(
    '## Workflows: a chain step and a batch member',
    '',
    `Counted units per no-op job from enqueue to the workflow's end, ${w.n} jobs per variant (a chain takes at most 100 steps): ` +
      'plain jobs through enqueueMany, one chain, one batch. A chain step adds the chain item\'s position and an unshared aggregate write (its consumer batch holds only it); a batch member adds its ' +
      "count on the batch item (one unit per started KB of that item, so more for batches past about 250 members). A chain's steps " +
      'run one at a time, so their messages are not batched.',
    '',
    table(
      ['per job', 'write units', 'read units', 'SQS requests'],
      [row('plain job', w.plain), row('**chain step**', w.chainStep, w.extra.chainStep), row('**batch member**', w.batchMember, w.extra.batchMember)],
    ),
    '',
  );
}
