/**
 * One small item per schedule naming the job of its newest tick, written by the consumer when it
 * claims a tick (one write per tick: schedules fire rarely). The dashboard finds each schedule's
 * last tick with one BatchGetItem instead of an index on every job.
 *
 * @example
 * await pointers.record('heartbeat', 'tick:sqs-jobs/heartbeat@2026-12-03T10:00:00.000Z', '2026-12-03T10:00:00.000Z');
 * const ids = await pointers.read(['heartbeat']); // Map { 'heartbeat' => 'tick:…' }
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, UpdateCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const KEY_PREFIX = 'last-tick#';

export interface LastTickPointers {
  /** Points the schedule at this tick's job unless a newer tick already holds the pointer. */
  record(schedule: string, jobId: string, scheduledTime: string): Promise<void>;
  /** Job id of each schedule's newest tick (schedules that never fired are absent). */
  read(schedules: readonly string[]): Promise<Map<string, string>>;
}

/** The schedule's own name from a schedule ARN or `group/name`. */
export function scheduleShortName(schedule: string): string {
  return schedule.slice(schedule.lastIndexOf('/') + 1);
}

export function createLastTickPointers(options: { documentClient: DynamoDBDocumentClient; tableName: string }): LastTickPointers {
  const { documentClient: db, tableName } = options;
  return {
    async record(schedule, jobId, scheduledTime) {
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id: `${KEY_PREFIX}${scheduleShortName(schedule)}` },
            UpdateExpression: 'SET #job = :job, #at = :at',
            ConditionExpression: 'attribute_not_exists(#at) OR #at <= :at',
            ExpressionAttributeNames: { '#job': 'jobId', '#at': 'scheduledTime' },
            ExpressionAttributeValues: { ':job': jobId, ':at': scheduledTime },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
    async read(schedules) {
      const found = new Map<string, string>();
      for (let start = 0; start < schedules.length; start += 100) {
        let keys: Record<string, unknown>[] | undefined = schedules.slice(start, start + 100).map((name) => ({ id: `${KEY_PREFIX}${name}` }));
        // Keys AWS leaves unprocessed under throttling are asked for again, a few rounds at most.
        for (let round = 0; keys && keys.length > 0 && round < 5; round++) {
          const response: BatchGetCommandOutput = await db.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys } } }));
          for (const item of response.Responses?.[tableName] ?? []) {
            found.set(String(item.id).slice(KEY_PREFIX.length), String(item.jobId));
          }
          keys = response.UnprocessedKeys?.[tableName]?.Keys;
        }
      }
      return found;
    },
  };
}
