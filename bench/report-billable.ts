/** The report's billable-units section: units and dollars per job, their spread, and where they go step by step. */
import type { BenchResults } from './bench.ts';
import type { BreakdownRow } from './billable-units.ts';
import { exact, num, runsText, spread, table, usd, type Push } from './report-format.ts';

function breakdownCells(row: BreakdownRow, indexNames: readonly string[]): string[] {
  const zero = (value: number, digits = 3) => (value === 0 ? '' : num(value, digits));
  return [
    row.step,
    num(row.callsPerJob, 3),
    zero(row.sqsRequestsPerJob),
    zero(row.tableWruPerJob),
    ...indexNames.map((name) => zero(row.indexWruPerJob[name] ?? 0)),
    zero(row.rruPerJob),
    zero(row.invocationsPerJob),
    row.itemBytes ? `${num(row.itemBytes.before, 0)} → ${num(row.itemBytes.after, 0)}` : '',
  ];
}

export function renderBillable(r: BenchResults, push: Push): void {
  const b = r.billableUnits;
  if (!b) return;
  const first = b.scenarios[0];
  push(
    '## Billable units and cost per job',
    '',
    `Every request the pipeline makes is counted by SDK middleware on its own clients (\`bench/capacity-meter.ts\`), from the first enqueue ` +
      `to the job's final state, for ${first?.jobs ?? '?'} jobs per run, ${runsText(first?.runs ?? 0, first?.warmups ?? 0)}, on the real ` +
      `\`${b.className}\` class (batch ${b.batchSize}, ${b.memoryMb} MB, arm64). Jobs are enqueued with the consumers stopped, then the ` +
      'consumers drain the backlog, so batches form as they do on AWS under load (full batches of 10).',
    '',
    '- **SQS:** every data-plane request by operation; a batch of up to 10 is one request; each started 64 KB of payload (body + ' +
      'message attributes) is one more request. Empty receives are counted apart: they are idle polling, not a per-job cost.',
    '- **DynamoDB:** the item is read (consistently, through a separate unmetered client) before and after every write, and the write ' +
      "is priced by AWS's sizing rules: 1 WRU per started KB of the larger image (UpdateItem, PutItem), a failed condition still costs " +
      'the stored item. Global secondary indexes: an index key change is a delete + a put (2 writes), an index entry is its keys + the ' +
      'table key + 100 bytes. dynalite reports table units only; the computed table units agreed with its ReturnConsumedCapacity on ' +
      `${b.scenarios.map((s) => `${s.crossCheck.agreed}/${s.crossCheck.compared}`).join(', ')} writes.`,
    '- **Lambda:** every handler call of the event-source mimic is one invocation. GB-seconds are an **estimate**: measured local ' +
      'handler time × the class memory; locally that time includes the emulators running in the same process, so it is an upper bound.',
    '',
    table(
      ['scenario', 'SQS requests', 'DynamoDB WRU', 'RRU', 'Lambda invocations', 'Lambda GB-s (est.)', '$/M jobs without Lambda duration', '$/M jobs all in (est. duration)'],
      b.scenarios.map((s) => [
        s.title,
        num(s.perJob.sqsRequests, 3),
        num(s.perJob.writeRequestUnits, 3),
        num(s.perJob.readRequestUnits, 3),
        num(s.perJob.lambdaInvocations, 3),
        num(s.perJob.lambdaGbSeconds, 4),
        usd(s.cost.total - s.cost.lambdaDuration),
        `**${usd(s.cost.total)}**`,
      ]),
    ),
    '',
    'Units are per job (medians over the runs). Dollars per million jobs by service, at us-east-1 list prices before free tiers:',
    '',
    table(
      ['scenario', 'SQS', 'DynamoDB writes', 'DynamoDB reads', 'Lambda requests', 'Lambda duration (est.)', 'total'],
      b.scenarios.map((s) => [s.id, ...[s.cost.sqs, s.cost.dynamoWrites, s.cost.dynamoReads, s.cost.lambdaRequests, s.cost.lambdaDuration, s.cost.total].map((v) => usd(v))]),
    ),
    '',
    'Spread over the runs (median, and min–max where runs differed), and the units behind the totals:',
    '',
    table(
      ['scenario', 'SQS req', 'SQS by operation', 'WRU', 'table / index WRU', 'invocations', 'records per invocation', 'handler ms', 'empty receives per run'],
      b.scenarios.map((s) => [
        s.id,
        exact(s.spread.sqsRequests),
        Object.entries(s.perJob.sqsRequestsByOperation)
          .map(([op, n]) => `${op} ${num(n, 3)}`)
          .join(', '),
        exact(s.spread.writeRequestUnits),
        [num(s.perJob.tableWriteUnits, 3), ...Object.entries(s.perJob.indexWriteUnits).map(([name, n]) => `${name} ${num(n, 3)}`)].join(' / '),
        exact(s.spread.lambdaInvocations),
        num(s.recordsPerInvocation, 1),
        spread(s.invocationMs, 0),
        num(s.emptyReceivesPerRun.median, 0),
      ]),
    ),
    '',
    'Full batches are the best case: a job that travels alone pays a whole ReceiveMessage, DeleteMessageBatch and invocation instead of a ' +
      `tenth of each (+1.8 SQS requests, +0.9 invocations, ${usd(1.8 * r.prices.sqsRequest.usd * 1e6 + 0.9 * r.prices.lambdaRequest.usd * 1e6)} per million jobs). ` +
      'Empty receives are the pollers waiting for work: on AWS a cost per queue and hour, not per job, so they are left out.',
    '',
    '### Where the units go',
    '',
    'Per job, step by step, in the order the steps first happened (the last measured run of each scenario). Item bytes are the ' +
      'item before → after the write (median), which decides its WRU.',
    '',
  );
  for (const s of b.scenarios) {
    const indexNames = [...new Set(s.breakdown.flatMap((row) => Object.keys(row.indexWruPerJob)))];
    push(
      `**${s.title}**: ${num(s.perJob.sqsRequests, 3)} SQS requests, ${num(s.perJob.writeRequestUnits, 3)} WRU, ${num(s.perJob.lambdaInvocations, 3)} invocations per job`,
      '',
      table(
        ['step', 'calls', 'SQS req', 'table WRU', ...indexNames.map((n) => `${n} WRU`), 'RRU', 'invocations', 'item bytes'],
        s.breakdown.map((row) => breakdownCells(row, indexNames)),
      ),
      '',
    );
  }
}
