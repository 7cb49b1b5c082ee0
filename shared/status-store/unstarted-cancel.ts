/**
 * A cancel of a job that has no record yet: a plain job's record is written by its first claim,
 * so while its message waits in the queue, a `cancelled` record put in its place is what stops
 * it (the claim creates a record only where none exists, and drops a cancelled job's delivery).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { statusShard } from '../job-table.ts';
import { putIfAbsent } from './put-if-absent.ts';
import type { JobRecord } from './job-record.ts';

/** Name and class of a job cancelled before its first claim wrote them (the message has them). */
export const UNKNOWN_UNTIL_CLAIMED = '(not started)';

/** Puts the cancelled record unless a record exists by now; false when one did. */
export async function putUnstartedCancel(input: {
  readonly db: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly id: string;
  readonly reason: string;
  readonly at: string;
  /** Epoch seconds: past any copy of the message the queue may still hold. */
  readonly expiresAt: number;
}): Promise<boolean> {
  const { id, at } = input;
  const record: JobRecord = {
    id,
    name: UNKNOWN_UNTIL_CLAIMED,
    class: UNKNOWN_UNTIL_CLAIMED,
    status: 'cancelled',
    statusShard: statusShard('cancelled', id),
    statusAt: at,
    gen: 1,
    attempts: 0,
    maxAttempts: 1,
    enqueuedAt: at,
    finishedAt: at,
    lastError: input.reason,
    expiresAt: input.expiresAt,
  };
  return putIfAbsent(input.db, input.tableName, { ...record });
}
