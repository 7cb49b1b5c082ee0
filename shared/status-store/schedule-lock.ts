/**
 * One lock item per schedule with overlap `skip`, in the job table (it has no status or class,
 * so no index sees it). A tick's job holds it from before it runs until it finishes for good;
 * a tick that finds it held by an unfinished job is skipped.
 *
 * @example
 * const lock = createScheduleLock({ documentClient, tableName });
 * const held = await lock.acquire('sqs-jobs/nightly-report', jobId, isStillRunning);
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export type LockResult = { readonly acquired: true } | { readonly acquired: false; readonly holder: string };

export interface ScheduleLock {
  /**
   * Takes the schedule's lock for `jobId`; a holder for which `isActive` says false (finished,
   * or gone) is replaced. Taking it again for the same job succeeds (a duplicate delivery).
   */
  acquire(schedule: string, jobId: string, isActive: (holder: string) => Promise<boolean>): Promise<LockResult>;
  /** Gives the lock up if `jobId` still holds it. */
  release(schedule: string, jobId: string): Promise<void>;
}

export function createScheduleLock(options: {
  documentClient: DynamoDBDocumentClient;
  tableName: string;
  now?: () => number;
}): ScheduleLock {
  const { documentClient: db, tableName } = options;
  const now = options.now ?? Date.now;
  const key = (schedule: string) => ({ id: `schedule-lock:${schedule}` });

  async function take(schedule: string, jobId: string, replacing?: string): Promise<boolean> {
    try {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key(schedule),
          UpdateExpression: 'SET activeJobId = :me, lockedAt = :at',
          ConditionExpression: replacing
            ? 'activeJobId = :old'
            : 'attribute_not_exists(activeJobId) OR activeJobId = :me',
          ExpressionAttributeValues: {
            ':me': jobId,
            ':at': new Date(now()).toISOString(),
            ...(replacing ? { ':old': replacing } : {}),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  return {
    async acquire(schedule, jobId, isActive) {
      if (await take(schedule, jobId)) return { acquired: true };
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: key(schedule), ConsistentRead: true }));
      const holder = typeof Item?.activeJobId === 'string' ? Item.activeJobId : undefined;
      if (holder === undefined) return (await take(schedule, jobId)) ? { acquired: true } : { acquired: false, holder: 'unknown' };
      if (await isActive(holder)) return { acquired: false, holder };
      // The holder finished without releasing (a crash): take over, unless another tick just did.
      return (await take(schedule, jobId, holder)) ? { acquired: true } : { acquired: false, holder };
    },

    async release(schedule, jobId) {
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(schedule),
            UpdateExpression: 'REMOVE activeJobId',
            ConditionExpression: 'activeJobId = :me',
            ExpressionAttributeValues: { ':me': jobId },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
  };
}
