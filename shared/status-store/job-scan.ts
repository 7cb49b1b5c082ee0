/**
 * Lists jobs whose status the sparse index does not hold (`running`, `retrying`, `completed`,
 * or any status with no status filter) by scanning the table. Operators pay in reads what jobs
 * do not pay in writes: a scan reads 4 KB per half read unit (eventually consistent), about
 * ten records, matching or not, so a page costs about 0.05 read units per record in the table.
 *
 * Each page scans the table (up to `MAX_SCAN_PAGES` pages of 1 MB, about 2,500 records each),
 * keeps the matches and returns the newest (by `statusAt` with a status filter, else by
 * `enqueuedAt`); the cursor is the last one handed out, so the next page continues strictly
 * below it: no repeats, no gaps. Past the scan budget the order holds for what was scanned.
 *
 * @example
 * const page = await scanJobs(db, table, { status: 'running', limit: 50 });
 */
import { ScanCommand, type DynamoDBDocumentClient, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import { ExpressionBuilder } from './update-expression.ts';
import type { JobFilter } from './job-query.ts';
import type { JobRecord } from './job-record.ts';

/** Table pages (up to 1 MB each) one call reads at most. */
const MAX_SCAN_PAGES = 20;

/** Where the previous page stopped: its last job's sort value and id. */
export interface ScanPosition {
  readonly at: string;
  readonly id: string;
}

export async function scanJobs(
  db: DynamoDBDocumentClient,
  tableName: string,
  filter: JobFilter & { readonly limit: number },
  after?: ScanPosition,
): Promise<{ jobs: JobRecord[]; next?: ScanPosition }> {
  const sortBy = filter.status !== undefined ? 'statusAt' : 'enqueuedAt';
  const e = new ExpressionBuilder();
  // Job records only: aggregates, locks and flow-control items have no `gen`.
  e.condition(`attribute_exists(${e.name('gen')})`);
  if (filter.status !== undefined) e.condition(`${e.name('status')} = ${e.value(filter.status)}`);
  if (filter.class !== undefined) e.condition(`${e.name('class')} = ${e.value(filter.class)}`);
  if (filter.job !== undefined) e.condition(`${e.name('name')} = ${e.value(filter.job)}`);
  const since = filter.since?.toISOString();
  if (since !== undefined) e.condition(`${e.name(sortBy)} >= ${e.value(since)}`);
  if (after !== undefined) e.condition(`${e.name(sortBy)} <= ${e.value(after.at)}`);
  const { ConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues } = e.build();

  const sortValue = (job: JobRecord) => String(job[sortBy] ?? '');
  const below = (job: JobRecord) => after === undefined || sortValue(job) < after.at || (sortValue(job) === after.at && job.id < after.id);
  const matches: JobRecord[] = [];
  let start: Record<string, unknown> | undefined;
  for (let page = 0; page < MAX_SCAN_PAGES; page++) {
    const response: ScanCommandOutput = await db.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: ConditionExpression,
        ExpressionAttributeNames,
        ExpressionAttributeValues,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of response.Items ?? []) if (below(item as JobRecord)) matches.push(item as JobRecord);
    start = response.LastEvaluatedKey;
    if (!start) break;
  }
  matches.sort((a, b) => sortValue(b).localeCompare(sortValue(a)) || b.id.localeCompare(a.id));
  const jobs = matches.slice(0, filter.limit);
  const last = jobs[jobs.length - 1];
  return { jobs, ...(matches.length > filter.limit && last ? { next: { at: sortValue(last), id: last.id } } : {}) };
}
