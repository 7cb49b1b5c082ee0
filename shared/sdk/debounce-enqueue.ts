/**
 * The enqueue side of `debounce`: a burst of enqueues of one job name and key runs once, after
 * `seconds` of quiet. One item per key, `debounce#<job>#<key>`, names the job that waits for
 * the burst to end. Every debounced job is enqueued with a delay of at least `seconds`.
 *
 * - `mode: 'first'`: while that job still waits, an enqueue returns it (`duplicate: true`);
 *   the first payload runs, `seconds` after the first enqueue.
 * - `mode: 'last'`: each enqueue replaces the waiting job: the new one (with its payload) is
 *   enqueued with the full delay and the old one is cancelled before it runs, so the last
 *   payload runs, `seconds` after the last enqueue.
 *
 * Cost per enqueue: a GetItem of the debounce item and, when it names a job, of that job's
 * record; one conditional PutItem; in `last` mode, the cancel write of the replaced job.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AnyJobDefinition } from '../define-job.ts';
import type { JobRecord } from '../status-store/job-record.ts';
import type { EnqueueOptions } from './prepare-job.ts';

export function debounceItemId(jobName: string, key: string): string {
  return `debounce#${jobName}#${key}`;
}

/** The enqueue options of a debounced job: delayed by at least the debounce window. */
export function debouncedOptions(definition: AnyJobDefinition | undefined, options: EnqueueOptions): EnqueueOptions {
  const debounce = definition?.debounce;
  if (!debounce || options.runAt !== undefined) return options;
  return { ...options, delay: Math.max(options.delay ?? 0, debounce.seconds) };
}

export type DebounceDecision =
  | { readonly kind: 'none' }
  /** `first` mode: this waiting job is the answer; nothing is written or sent. */
  | { readonly kind: 'existing'; readonly job: JobRecord }
  /** Go ahead; in `last` mode cancel `replaces` once the new job is recorded. */
  | { readonly kind: 'proceed'; readonly replaces?: string };

export async function debounceEnqueue(input: {
  definition: AnyJobDefinition | undefined;
  payload: unknown;
  jobId: string;
  db: DynamoDBDocumentClient;
  tableName: string;
  get: (id: string) => Promise<JobRecord | undefined>;
}): Promise<DebounceDecision> {
  const debounce = input.definition?.debounce;
  if (!debounce || !input.definition) return { kind: 'none' };
  const id = debounceItemId(input.definition.name, debounce.key(input.payload));
  for (let round = 0; round < 3; round++) {
    const { Item } = await input.db.send(new GetCommand({ TableName: input.tableName, Key: { id }, ConsistentRead: true }));
    const previous = Item?.jobId as string | undefined;
    const waiting = previous === undefined ? undefined : await input.get(previous);
    // Only a job that has not started can absorb the burst.
    const stillWaiting = waiting !== undefined && (waiting.status === 'queued' || waiting.status === 'scheduled') && waiting.attempts === 0;
    if (stillWaiting && debounce.mode === 'first') return { kind: 'existing', job: waiting };
    try {
      await input.db.send(
        new PutCommand({
          TableName: input.tableName,
          Item: { id, jobId: input.jobId },
          ConditionExpression: previous === undefined ? 'attribute_not_exists(#id)' : '#jobId = :previous',
          ExpressionAttributeNames: previous === undefined ? { '#id': 'id' } : { '#jobId': 'jobId' },
          ...(previous === undefined ? {} : { ExpressionAttributeValues: { ':previous': previous } }),
        }),
      );
      return stillWaiting ? { kind: 'proceed', replaces: previous! } : { kind: 'proceed' };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // Another enqueue of the burst came first: look again.
    }
  }
  throw new Error(`debounce ${id}: too much contention`);
}
