/**
 * Concurrency keys: at most `limit` jobs of one job name and key running at once, across every
 * consumer. One item per key, `concurrency#<job>#<key>`, holds a map of holders (job id →
 * lease end, epoch ms). Taking a slot is one conditional UpdateItem (room left, or already
 * held by this job); a holder whose lease ended (its consumer crashed) is removed by the next
 * job that finds the key full, so a crash frees its slot when its lease ends.
 *
 * @example
 * const slots = createConcurrencySlots({ documentClient, tableName });
 * if (await slots.acquire('concurrency#report#acme', jobId, 2, leaseUntil)) { … await slots.release(…) }
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface ConcurrencySlots {
  /** Takes one of `limit` slots for `holder` until `leaseUntil`; false when all are held. */
  acquire(itemId: string, holder: string, limit: number, leaseUntil: number): Promise<boolean>;
  release(itemId: string, holder: string): Promise<void>;
}

export function concurrencyItemId(jobName: string, key: string): string {
  return `concurrency#${jobName}#${key}`;
}

export function createConcurrencySlots(options: {
  documentClient: DynamoDBDocumentClient;
  tableName: string;
  now?: () => number;
}): ConcurrencySlots {
  const { documentClient: db, tableName } = options;
  const now = options.now ?? Date.now;

  async function take(itemId: string, holder: string, limit: number, leaseUntil: number): Promise<boolean> {
    try {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { id: itemId },
          UpdateExpression: 'SET holders.#holder = :lease',
          ConditionExpression: 'size(holders) < :limit OR attribute_exists(holders.#holder)',
          ExpressionAttributeNames: { '#holder': holder },
          ExpressionAttributeValues: { ':lease': leaseUntil, ':limit': limit },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Removes holders whose lease ended; true when any was removed. */
  async function evictExpired(itemId: string): Promise<boolean> {
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: { id: itemId }, ConsistentRead: true }));
    if (!Item) {
      // First use of this key: create the empty holder map (a SET on a missing map is invalid).
      await db
        .send(new PutCommand({ TableName: tableName, Item: { id: itemId, holders: {} }, ConditionExpression: 'attribute_not_exists(id)' }))
        .catch((error: unknown) => {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        });
      return true;
    }
    const expired = Object.entries((Item.holders ?? {}) as Record<string, number>).filter(([, lease]) => lease < now());
    for (const [holder, lease] of expired) {
      await db
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id: itemId },
            UpdateExpression: 'REMOVE holders.#holder',
            ConditionExpression: 'holders.#holder = :lease',
            ExpressionAttributeNames: { '#holder': holder },
            ExpressionAttributeValues: { ':lease': lease },
          }),
        )
        .catch((error: unknown) => {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        });
    }
    return expired.length > 0;
  }

  return {
    async acquire(itemId, holder, limit, leaseUntil) {
      try {
        if (await take(itemId, holder, limit, leaseUntil)) return true;
      } catch (error) {
        // A missing item or map makes the update path invalid: create it below, then try again.
        if ((error as { name?: string }).name !== 'ValidationException') throw error;
      }
      if (!(await evictExpired(itemId))) return false;
      return take(itemId, holder, limit, leaseUntil);
    },
    async release(itemId, holder) {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { id: itemId },
          UpdateExpression: 'REMOVE holders.#holder',
          ExpressionAttributeNames: { '#holder': holder },
        }),
      );
    },
  };
}
