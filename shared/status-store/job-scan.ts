/**
 * Lists jobs whose status the sparse index does not hold (`running`, `retrying`, `completed`,
 * or any status with no status filter) by scanning the table. Operators pay in reads what jobs
 * do not pay in writes: a scan reads 4 KB per half read unit (eventually consistent), about
 * ten records, matching or not, so a page costs about 0.05 read units per record in the table.
 *
 * The table is read in chunks of up to `MAX_SCAN_PAGES` pages of 1 MB (about 2,500 records
 * each). A page returns the newest matches of its chunk (by `statusAt` with a status filter,
 * else by `enqueuedAt`); the cursor says where the chunk starts and the last job handed out, so
 * the next page continues strictly below it, then with the next chunk: no repeats, no gaps.
 * On a table of one chunk the order is newest first overall; beyond, newest first per chunk.
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

/** Where the previous page stopped: the chunk's first key, and its last job's sort value and id. */
export interface ScanPosition {
  readonly from?: Record<string, unknown>;
  readonly at?: string;
  readonly id?: string;
}

export async function scanJobs(
  db: DynamoDBDocumentClient,
  tableName: string,
  filter: JobFilter & { readonly limit: number },
  after?: ScanPosition,
  /** Chunk size: table pages per chunk, and items per page (tests make chunks small). */
  chunk: { readonly pages: number; readonly itemsPerPage?: number } = { pages: MAX_SCAN_PAGES },
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
  const below = after?.at !== undefined && after.id !== undefined ? { at: after.at, id: after.id } : undefined;
  if (below !== undefined) e.condition(`${e.name(sortBy)} <= ${e.value(below.at)}`);
  const { ConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues } = e.build();

  const sortValue = (job: JobRecord) => String(job[sortBy] ?? '');
  const isBelow = (job: JobRecord) => below === undefined || sortValue(job) < below.at || (sortValue(job) === below.at && job.id < below.id);
  const matches: JobRecord[] = [];
  let start: Record<string, unknown> | undefined = after?.from;
  for (let page = 0; page < chunk.pages; page++) {
    const response: ScanCommandOutput = await db.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: ConditionExpression,
        ExpressionAttributeNames,
        ExpressionAttributeValues,
        ...(start ? { ExclusiveStartKey: start } : {}),
        ...(chunk.itemsPerPage !== undefined ? { Limit: chunk.itemsPerPage } : {}),
      }),
    );
    for (const item of response.Items ?? []) if (isBelow(item as JobRecord)) matches.push(item as JobRecord);
    start = response.LastEvaluatedKey;
    if (!start) break;
  }
  matches.sort((a, b) => sortValue(b).localeCompare(sortValue(a)) || b.id.localeCompare(a.id));
  const jobs = matches.slice(0, filter.limit);
  const last = jobs[jobs.length - 1];
  const chunkStart = after?.from;
  if (matches.length > filter.limit && last) return { jobs, next: { ...(chunkStart ? { from: chunkStart } : {}), at: sortValue(last), id: last.id } };
  // This chunk is done; the next page starts the next chunk, if the table goes on.
  return { jobs, ...(start ? { next: { from: start } } : {}) };
}
