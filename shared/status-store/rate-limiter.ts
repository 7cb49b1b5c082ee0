/**
 * Rate limits as slot reservations (GCRA without burst): one small item per job name and key,
 * `ratelimit#<job>#<key>`, holding `tat`, the next free slot (epoch ms). Each job takes one
 * slot with a single conditional UpdateItem: the slot is now when `tat` has passed, otherwise
 * `tat` itself, moved on by the emission interval (`perSeconds / limit`). Slots are handed out
 * in order of arrival, so waiting jobs never compete again for the same slot.
 *
 * @example
 * const limiter = createRateLimiter({ documentClient, tableName });
 * const slotAt = await limiter.reserve('ratelimit#sms.send#acme', 600); // ≤ now: run now
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Limiter items are removed by TTL a week after their last use. */
const LIMITER_TTL_SECONDS = 7 * 86_400;
/** Each round is two conditional writes that fail only when another consumer moved `tat` in between. */
const MAX_ROUNDS = 8;

export interface RateLimiter {
  /** Reserves the next slot of `itemId` spaced `intervalMs` apart; returns its time (epoch ms). */
  reserve(itemId: string, intervalMs: number): Promise<number>;
}

export function rateLimitItemId(jobName: string, key: string | undefined): string {
  return key === undefined ? `ratelimit#${jobName}` : `ratelimit#${jobName}#${key}`;
}

export function createRateLimiter(options: {
  documentClient: DynamoDBDocumentClient;
  tableName: string;
  now?: () => number;
}): RateLimiter {
  const { documentClient: db, tableName } = options;
  const now = options.now ?? Date.now;
  return {
    async reserve(itemId, intervalMs) {
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const nowMs = now();
        const expiresAt = Math.floor(nowMs / 1000) + LIMITER_TTL_SECONDS;
        try {
          // The limit is idle: this job runs now, the next one waits an interval.
          await db.send(
            new UpdateCommand({
              TableName: tableName,
              Key: { id: itemId },
              UpdateExpression: 'SET tat = :next, expiresAt = :exp',
              ConditionExpression: 'attribute_not_exists(tat) OR tat <= :now',
              ExpressionAttributeValues: { ':next': nowMs + intervalMs, ':now': nowMs, ':exp': expiresAt },
            }),
          );
          return nowMs;
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
        try {
          // Slots are taken up to `tat`: this job gets `tat`, the next one an interval later.
          const { Attributes } = await db.send(
            new UpdateCommand({
              TableName: tableName,
              Key: { id: itemId },
              UpdateExpression: 'SET tat = tat + :interval, expiresAt = :exp',
              ConditionExpression: 'tat > :now',
              ExpressionAttributeValues: { ':interval': intervalMs, ':now': nowMs, ':exp': expiresAt },
              ReturnValues: 'UPDATED_NEW',
            }),
          );
          return Number(Attributes?.tat) - intervalMs;
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
      }
      throw new Error(`rate limiter ${itemId}: no slot after ${MAX_ROUNDS} rounds of contention`);
    },
  };
}
