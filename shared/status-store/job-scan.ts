/**
 * Lists jobs whose status the sparse index does not hold (`running`, `retrying`, `completed`,
 * or any status with no status filter) by scanning the table with a filter. Operators pay in
 * reads what jobs no longer pay in writes: a scan reads 4 KB per half read unit (eventually
 * consistent), about ten records, whether they match or not. Results come in table order; each
 * page is sorted newest first. The cursor is the scan's own resume key.
 *
 * @example
 * const page = await scanJobs(db, table, { status: 'running', limit: 50 });
 */
import { ScanCommand, type DynamoDBDocumentClient, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import { ExpressionBuilder } from './update-expression.ts';
import type { JobFilter } from './job-query.ts';
import type { JobRecord } from './job-record.ts';

/** Table pages (up to 1 MB each) one call reads at most before it returns what it found. */
const MAX_SCAN_PAGES = 20;

export async function scanJobs(db: DynamoDBDocumentClient, tableName: string, filter: JobFilter & { readonly limit: number }, start?: Record<string, unknown>): Promise<{ jobs: JobRecord[]; resume?: Record<string, unknown> }> {
  const e = new ExpressionBuilder();
  // Job records only: aggregates, locks and flow-control items have no `gen`.
  e.condition(`attribute_exists(${e.name('gen')})`);
  if (filter.status !== undefined) e.condition(`${e.name('status')} = ${e.value(filter.status)}`);
  if (filter.class !== undefined) e.condition(`${e.name('class')} = ${e.value(filter.class)}`);
  if (filter.job !== undefined) e.condition(`${e.name('name')} = ${e.value(filter.job)}`);
  const since = filter.since?.toISOString();
  if (since !== undefined) e.condition(`${e.name(filter.status !== undefined ? 'statusAt' : 'enqueuedAt')} >= ${e.value(since)}`);
  const { ConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues } = e.build();

  const jobs: JobRecord[] = [];
  let resume = start;
  for (let page = 0; page < MAX_SCAN_PAGES && jobs.length < filter.limit; page++) {
    const response: ScanCommandOutput = await db.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: ConditionExpression,
        ExpressionAttributeNames,
        ExpressionAttributeValues,
        ...(resume ? { ExclusiveStartKey: resume } : {}),
      }),
    );
    for (const item of response.Items ?? []) {
      if (jobs.length < filter.limit) jobs.push(item as JobRecord);
      // A page cut short leaves its rest to the next call: resume after the last job handed out.
      if (jobs.length === filter.limit) {
        resume = { id: (item as JobRecord).id };
        break;
      }
    }
    if (jobs.length === filter.limit) break;
    resume = response.LastEvaluatedKey;
    if (!resume) break;
  }
  jobs.sort((a, b) => (b.statusAt ?? '').localeCompare(a.statusAt ?? ''));
  return { jobs, ...(resume ? { resume } : {}) };
}
