/**
 * The latest tick of each schedule and how it ended, for the dashboard's Schedules page. A tick's
 * job id is `tick:<group>/<schedule>@<scheduled time>` (envelope.ts `tickJobId`), so the newest
 * job of the schedule's class whose id has that shape is its last tick: a byClass query newest
 * first (keys only, filtered), a few pages at most, then one GetItem.
 *
 * @example
 * const ticks = await lastTicks(ctx, schedules); // Map { 'heartbeat' => { jobId, status, … } }
 */
import { QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { jobTable } from '../job-table.ts';
import type { JobStatus } from '../lifecycle.ts';
import type { Schedule } from '../schedules/schedule-catalog.ts';
import type { AdminContext } from './admin-context.ts';

export interface LastTick {
  readonly jobId: string;
  /** When the job of the tick was recorded (enqueued or created by its claim). */
  readonly enqueuedAt: string;
  readonly status: JobStatus;
  readonly finishedAt?: string;
  readonly lastError?: string;
}

/** Index keys read per schedule at most: a class busy with other jobs may hide an old tick. */
const MAX_PAGES = 5;
const PAGE_SIZE = 200;

export async function lastTicks(ctx: AdminContext, schedules: readonly Schedule[]): Promise<Map<string, LastTick>> {
  const found = new Map<string, LastTick>();
  await Promise.all(
    schedules.map(async (schedule) => {
      const id = await newestTickId(ctx, schedule);
      if (!id) return;
      const record = await ctx.store.get(id);
      if (!record) return;
      found.set(schedule.name, {
        jobId: id,
        enqueuedAt: record.enqueuedAt,
        status: record.status,
        ...(record.finishedAt ? { finishedAt: record.finishedAt } : {}),
        ...(record.lastError ? { lastError: record.lastError } : {}),
      });
    }),
  );
  return found;
}

async function newestTickId(ctx: AdminContext, schedule: Schedule): Promise<string | undefined> {
  const index = jobTable.indexes.byClass;
  let start: Record<string, unknown> | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const response: QueryCommandOutput = await ctx.clients.dynamodb.send(
      new QueryCommand({
        TableName: ctx.config.tableName,
        IndexName: index.name,
        KeyConditionExpression: '#class = :class',
        FilterExpression: 'begins_with(#id, :tick) AND contains(#id, :name)',
        ExpressionAttributeNames: { '#class': index.partitionKey, '#id': jobTable.partitionKey },
        ExpressionAttributeValues: { ':class': schedule.class, ':tick': 'tick:', ':name': `/${schedule.name}@` },
        ScanIndexForward: false,
        Limit: PAGE_SIZE,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const match = response.Items?.[0];
    if (match) return String(match[jobTable.partitionKey]);
    start = response.LastEvaluatedKey;
    if (!start) return undefined;
  }
  return undefined;
}
