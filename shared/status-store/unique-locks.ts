/**
 * Unique jobs: one lock item per job name and key, `unique#<job>#<key>`, naming the job that
 * holds it and until when (`forSeconds`, a bound for a holder that never finishes). Whether
 * the holder still blocks is read from its record (queued, running, …), so nothing has to
 * release the lock: a finished, cancelled or forgotten holder simply stops counting.
 *
 * @example
 * const locks = createUniqueLocks({ documentClient, tableName });
 * const taken = await locks.take('unique#report#q3', newJobId, Date.now() + 3600_000, isActive);
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export type UniqueTake = { readonly taken: true } | { readonly taken: false; readonly holder: string };

export interface UniqueLocks {
  /** Takes the lock for `holder` unless an unexpired holder for which `isActive` says true has it. */
  take(itemId: string, holder: string, untilMs: number, isActive: (holder: string) => Promise<boolean>): Promise<UniqueTake>;
  /** The current holder, if its lock has not expired. */
  holderOf(itemId: string): Promise<string | undefined>;
  /** Makes `holder` the holder, whoever held it (a running job in `while: 'running'` mode). */
  hold(itemId: string, holder: string, untilMs: number): Promise<void>;
}

export function uniqueItemId(jobName: string, key: string): string {
  return `unique#${jobName}#${key}`;
}

export function createUniqueLocks(options: { documentClient: DynamoDBDocumentClient; tableName: string; now?: () => number }): UniqueLocks {
  const { documentClient: db, tableName } = options;
  const now = options.now ?? Date.now;
  type Condition = { expression: string; names: Record<string, string>; values: Record<string, unknown> };
  const put = async (itemId: string, holder: string, untilMs: number, condition?: Condition) => {
    try {
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: { id: itemId, holder, until: untilMs, expiresAt: Math.ceil(untilMs / 1000) + 86_400 },
          ...(condition
            ? { ConditionExpression: condition.expression, ExpressionAttributeNames: condition.names, ExpressionAttributeValues: condition.values }
            : {}),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  };
  const read = async (itemId: string) =>
    (await db.send(new GetCommand({ TableName: tableName, Key: { id: itemId }, ConsistentRead: true }))).Item as
      | { holder: string; until: number }
      | undefined;
  return {
    async take(itemId, holder, untilMs, isActive) {
      const free = { expression: 'attribute_not_exists(#id) OR #until < :now', names: { '#id': 'id', '#until': 'until' }, values: { ':now': now() } };
      if (await put(itemId, holder, untilMs, free)) return { taken: true };
      const lock = await read(itemId);
      if (!lock) return (await put(itemId, holder, untilMs, free)) ? { taken: true } : { taken: false, holder: (await read(itemId))?.holder ?? '?' };
      if (lock.holder === holder) return { taken: true };
      if (await isActive(lock.holder)) return { taken: false, holder: lock.holder };
      // The holder no longer blocks: take over, unless another enqueue did so first.
      const same = {
        expression: '#holder = :old AND #until = :until',
        names: { '#holder': 'holder', '#until': 'until' },
        values: { ':old': lock.holder, ':until': lock.until },
      };
      if (await put(itemId, holder, untilMs, same)) return { taken: true };
      return { taken: false, holder: (await read(itemId))?.holder ?? lock.holder };
    },
    async holderOf(itemId) {
      const lock = await read(itemId);
      return lock && lock.until >= now() ? lock.holder : undefined;
    },
    async hold(itemId, holder, untilMs) {
      await put(itemId, holder, untilMs);
    },
  };
}
