/**
 * The latest tick of each schedule and how it ended, for the dashboard's Schedules page: the
 * consumer points each schedule at its newest tick's job (last-tick-pointer.ts), so this is
 * one BatchGetItem for the pointers and one GetItem per schedule that fired.
 *
 * @example
 * const ticks = await lastTicks(ctx, schedules); // Map { 'heartbeat' => { jobId, status, … } }
 */
import type { JobStatus } from '../lifecycle.ts';
import type { Schedule } from '../schedules/schedule-catalog.ts';
import { createLastTickPointers } from '../status-store/last-tick-pointer.ts';
import type { AdminContext } from './admin-context.ts';

export interface LastTick {
  readonly jobId: string;
  /** When the job of the tick was recorded (enqueued or created by its claim). */
  readonly enqueuedAt: string;
  readonly status: JobStatus;
  readonly finishedAt?: string;
  readonly lastError?: string;
}

export async function lastTicks(ctx: AdminContext, schedules: readonly Schedule[]): Promise<Map<string, LastTick>> {
  const pointers = createLastTickPointers({ documentClient: ctx.clients.dynamodb, tableName: ctx.config.tableName });
  const ids = await pointers.read(schedules.map((schedule) => schedule.name));
  const found = new Map<string, LastTick>();
  await Promise.all(
    schedules.map(async (schedule) => {
      const id = ids.get(schedule.name);
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
