/**
 * Whether a priority class is paused: one small item per class in the job table
 * (`control#paused#<class>`; it has no status or class attribute, so no index sees it).
 * The local runtime's pollers read it; on AWS the event source mapping is what stops the
 * consumer, and the item lets `stats`, `health` and the dashboard show the pause.
 *
 * @example
 * const pauses = createClassPauses({ documentClient, tableName });
 * await pauses.set('reports', { paused: true, by: 'ops@host' });
 * (await pauses.get('reports'))?.pausedAt;
 */
import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface ClassPause {
  readonly className: string;
  /** ISO time the class was paused. */
  readonly pausedAt: string;
  /** Who paused it (user@host, or what the caller passed). */
  readonly pausedBy: string;
}

export interface ClassPauses {
  /** The class's pause, or undefined when it runs. One strongly consistent GetItem (½–1 read unit). */
  get(className: string): Promise<ClassPause | undefined>;
  /** The pauses of several classes at once (one BatchGetItem). */
  list(classNames: readonly string[]): Promise<ClassPause[]>;
  pause(className: string, by: string): Promise<ClassPause>;
  resume(className: string): Promise<void>;
}

export function pauseItemId(className: string): string {
  return `control#paused#${className}`;
}

export function createClassPauses(options: {
  documentClient: DynamoDBDocumentClient;
  tableName: string;
  now?: () => number;
}): ClassPauses {
  const { documentClient: db, tableName } = options;
  const now = options.now ?? Date.now;
  const fromItem = (item: Record<string, unknown> | undefined): ClassPause | undefined =>
    item ? { className: String(item.className), pausedAt: String(item.pausedAt), pausedBy: String(item.pausedBy) } : undefined;
  return {
    async get(className) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: { id: pauseItemId(className) }, ConsistentRead: true }));
      return fromItem(Item);
    },
    async list(classNames) {
      if (classNames.length === 0) return [];
      const { Responses } = await db.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: classNames.slice(0, 100).map((name) => ({ id: pauseItemId(name) })) } } }),
      );
      return (Responses?.[tableName] ?? []).flatMap((item) => fromItem(item) ?? []).sort((a, b) => a.className.localeCompare(b.className));
    },
    async pause(className, by) {
      const pause: ClassPause = { className, pausedAt: new Date(now()).toISOString(), pausedBy: by };
      await db.send(new PutCommand({ TableName: tableName, Item: { id: pauseItemId(className), ...pause } }));
      return pause;
    },
    async resume(className) {
      await db.send(new DeleteCommand({ TableName: tableName, Key: { id: pauseItemId(className) } }));
    },
  };
}

/**
 * A cached view of one class's pause for a poll loop: read at most once per `maxAgeMs`
 * (one GetItem a second per class while idle or busy), or freshly with `fresh()`.
 * A failed read keeps the last answer: a flaky table must not stop or start a class.
 */
export function cachedPauseCheck(read: () => Promise<boolean>, maxAgeMs = 1000, now: () => number = Date.now) {
  let value = false;
  let readAt = -Infinity;
  let inFlight: Promise<boolean> | undefined;
  const refresh = (): Promise<boolean> => {
    inFlight ??= read()
      .then((paused) => {
        value = paused;
        readAt = now();
        return paused;
      })
      .catch(() => value)
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
  return {
    isPaused: (): Promise<boolean> => (now() - readAt < maxAgeMs ? Promise.resolve(value) : refresh()),
    fresh: refresh,
  };
}
