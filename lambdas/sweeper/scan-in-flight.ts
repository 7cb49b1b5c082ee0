/**
 * The sweeper's slow lane. `retrying` and `running` records carry no index key (the index is
 * sparse so that claims and retries write none), yet a message can still leave them behind:
 * SQS moves a message that was received about a hundred times without being deleted to the DLQ
 * by its redrive policy. So each sweep scans a bounded slice of the table for those statuses,
 * resuming where the previous sweep stopped: the position is kept in one item, and the whole
 * table is covered once every (table size ÷ slice) sweeps.
 *
 * Cost per run: `pages` Scan pages of up to 1 MB (about 2,500 records each, half a read unit
 * per 4 KB: about 128 read units a page) and one GetItem and one UpdateItem for the position.
 * With the default 2 pages every minute, a table of a million records is covered every 3 hours
 * for about $0.05 a day.
 *
 * @example
 * const records = await scanInFlight({ db, tableName, pages: 2 }); // retrying/running records of this slice
 */
import { GetCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { SweptRecord } from './lost-job-decision.ts';

/** The item that keeps where the scan goes on; it has no `gen`, so no job list shows it. */
export const SCAN_POSITION_KEY = 'sweeper#scan-position';

export async function scanInFlight(input: {
  readonly db: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Table pages read per run. */
  readonly pages: number;
  /** Items per page; tests make pages small. @defaultValue DynamoDB's 1 MB page */
  readonly itemsPerPage?: number;
}): Promise<SweptRecord[]> {
  const { db, tableName } = input;
  const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: { id: SCAN_POSITION_KEY } }));
  let start = (Item?.from as Record<string, unknown> | undefined) ?? undefined;
  const found: SweptRecord[] = [];
  for (let page = 0; page < input.pages; page++) {
    const response: ScanCommandOutput = await db.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: '#status IN (:retrying, :running) AND attribute_exists(#gen)',
        ExpressionAttributeNames: { '#status': 'status', '#gen': 'gen' },
        ExpressionAttributeValues: { ':retrying': 'retrying', ':running': 'running' },
        ...(start ? { ExclusiveStartKey: start } : {}),
        ...(input.itemsPerPage !== undefined ? { Limit: input.itemsPerPage } : {}),
      }),
    );
    found.push(...((response.Items ?? []) as SweptRecord[]));
    start = response.LastEvaluatedKey;
    if (!start) break;
  }
  // At the table's end the next run starts over.
  await db.send(
    new UpdateCommand({
      TableName: tableName,
      Key: { id: SCAN_POSITION_KEY },
      ...(start ? { UpdateExpression: 'SET #from = :from', ExpressionAttributeValues: { ':from': start } } : { UpdateExpression: 'REMOVE #from' }),
      ExpressionAttributeNames: { '#from': 'from' },
    }),
  );
  return found;
}
