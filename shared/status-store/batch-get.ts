/** Reads job records by id, 100 per BatchGetItem, asking again for keys AWS left unprocessed. */
import { BatchGetCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { JobRecord } from './job-record.ts';

const BATCH_GET_KEYS = 100;
const UNPROCESSED_ROUNDS = 5;

export async function batchGetJobs(db: DynamoDBDocumentClient, tableName: string, ids: readonly string[]): Promise<JobRecord[]> {
  const found: JobRecord[] = [];
  for (let start = 0; start < ids.length; start += BATCH_GET_KEYS) {
    let keys: Record<string, unknown>[] | undefined = ids.slice(start, start + BATCH_GET_KEYS).map((id) => ({ id }));
    // UnprocessedKeys happen under throttling on AWS; ask again for those.
    for (let round = 0; keys && keys.length > 0 && round < UNPROCESSED_ROUNDS; round++) {
      const response: BatchGetCommandOutput = await db.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys } } }),
      );
      found.push(...((response.Responses?.[tableName] ?? []) as JobRecord[]));
      keys = response.UnprocessedKeys?.[tableName]?.Keys;
    }
  }
  return found;
}
