/**
 * Lists jobs newest first. A status the sparse index holds (`INDEXED_STATUSES`) is read from
 * its KEYS_ONLY shards, merged page by page; the cursor remembers where each shard stopped, so
 * pages never repeat or skip a job. Any other filter scans the table (job-scan.ts).
 *
 * @example
 * const page = await queryJobs(db, table, { status: 'failed', job: 'webhook.send', limit: 20 }, classes);
 * const next = await queryJobs(db, table, { status: 'failed', job: 'webhook.send', limit: 20, cursor: page.cursor }, classes);
 */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { InvalidOptionError } from '../errors.ts';
import { isIndexedStatus, jobTable, statusShards } from '../job-table.ts';
import type { JobStatus } from '../lifecycle.ts';
import { batchGetJobs } from './batch-get.ts';
import type { JobRecord } from './job-record.ts';
import { scanJobs, type ScanPosition } from './job-scan.ts';

export interface JobFilter {
  readonly status?: JobStatus;
  readonly class?: string;
  /** Job name; applied after the index read (the indexes project keys only). */
  readonly job?: string;
  /** Only jobs that entered their status (with `status`) or were enqueued (otherwise) since then. */
  readonly since?: Date;
  /** @defaultValue 50 */
  readonly limit?: number;
  readonly cursor?: string;
}

export interface JobPage {
  readonly jobs: JobRecord[];
  /** Present when more jobs may follow. */
  readonly cursor?: string;
}

type Key = Record<string, unknown>;
/** Per partition: where to resume, `null` for its start, `done` when it has nothing left. */
type CursorState = Record<string, Key | null | 'done'>;

interface Partition {
  readonly name: string;
  readonly index: (typeof jobTable.indexes)[keyof typeof jobTable.indexes];
  readonly value: string;
  /** Where the next index read starts. */
  fetchFrom: Key | undefined;
  exhausted: boolean;
  readonly buffer: JobRecord[];
  /** Index key of the last job handed out from this partition: the cursor's resume point. */
  resumeFrom: Key | undefined;
}

const MAX_READS = 50;
/** The cursor entry of a scan. */
const SCAN = 'scan';

export async function queryJobs(
  db: DynamoDBDocumentClient,
  tableName: string,
  filter: JobFilter,
  classNames: readonly string[],
): Promise<JobPage> {
  const limit = filter.limit ?? 50;
  if (!(Number.isInteger(limit) && limit >= 1 && limit <= 1000)) {
    throw new InvalidOptionError('limit must be an integer from 1 to 1000');
  }
  const saved = decodeCursor(filter.cursor);
  if (filter.status === undefined || !isIndexedStatus(filter.status)) {
    const after = saved[SCAN] as ScanPosition | undefined;
    const { jobs, next } = await scanJobs(db, tableName, { ...filter, limit }, after);
    return { jobs, ...(next ? { cursor: encodeCursor({ [SCAN]: next as unknown as Key }) } : {}) };
  }
  const partitions: Partition[] = partitionsFor(filter.status)
    .filter((p) => saved[p.name] !== 'done')
    .map((p) => {
      const resume = saved[p.name];
      const from = resume && resume !== 'done' ? resume : undefined;
      return { ...p, fetchFrom: from, exhausted: false, buffer: [], resumeFrom: from };
    });
  const keep = (job: JobRecord) =>
    (filter.status === undefined || job.status === filter.status) &&
    (filter.class === undefined || job.class === filter.class) &&
    (filter.job === undefined || job.name === filter.job);

  let reads = 0;
  async function refill(partition: Partition): Promise<void> {
    // Read until something passes the filters or the partition ends (bounded per call).
    while (partition.buffer.length === 0 && !partition.exhausted && reads < MAX_READS) {
      reads++;
      const { index } = partition;
      const since = filter.since?.toISOString();
      const page = await db.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: index.name,
          KeyConditionExpression: since ? '#pk = :pk AND #sk >= :since' : '#pk = :pk',
          ExpressionAttributeNames: { '#pk': index.partitionKey, ...(since ? { '#sk': index.sortKey } : {}) },
          ExpressionAttributeValues: { ':pk': partition.value, ...(since ? { ':since': since } : {}) },
          ScanIndexForward: false,
          Limit: limit,
          ...(partition.fetchFrom ? { ExclusiveStartKey: partition.fetchFrom } : {}),
        }),
      );
      const ids = (page.Items ?? []).map((item) => String(item[jobTable.partitionKey]));
      const records = await batchGetJobs(db, tableName, ids);
      const byId = new Map(records.map((r) => [r.id, r]));
      for (const id of ids) {
        const job = byId.get(id);
        if (job && keep(job)) partition.buffer.push(job);
      }
      partition.fetchFrom = page.LastEvaluatedKey;
      partition.exhausted = page.LastEvaluatedKey === undefined;
    }
  }

  const jobs: JobRecord[] = [];
  while (jobs.length < limit) {
    await Promise.all(partitions.map(refill));
    let newest: Partition | undefined;
    for (const p of partitions) {
      const head = p.buffer[0];
      if (head && (!newest || sortValue(p, head) > sortValue(newest, newest.buffer[0]!))) newest = p;
    }
    if (!newest) break;
    const job = newest.buffer.shift()!;
    jobs.push(job);
    newest.resumeFrom = indexKey(newest, job);
  }

  const cursor: CursorState = { ...saved };
  let more = false;
  for (const p of partitions) {
    const done = p.exhausted && p.buffer.length === 0;
    cursor[p.name] = done ? 'done' : (p.resumeFrom ?? null);
    more ||= !done;
  }
  return { jobs, ...(more ? { cursor: encodeCursor(cursor) } : {}) };
}

function partitionsFor(status: JobStatus) {
  const { byStatus } = jobTable.indexes;
  return statusShards(status).map((value) => ({ name: `status:${value}`, index: byStatus, value }));
}

function sortValue(partition: Partition, job: JobRecord): string {
  return String(job[partition.index.sortKey as keyof JobRecord] ?? '');
}

function indexKey(partition: Partition, job: JobRecord): Key {
  const { partitionKey, sortKey } = partition.index;
  return {
    [jobTable.partitionKey]: job.id,
    [partitionKey]: job[partitionKey as keyof JobRecord],
    [sortKey]: job[sortKey as keyof JobRecord],
  };
}

function encodeCursor(cursor: CursorState): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(cursor: string | undefined): CursorState {
  if (!cursor) return {};
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as CursorState;
  } catch {
    // fall through
  }
  throw new InvalidOptionError('cursor is not one that a previous page returned');
}
