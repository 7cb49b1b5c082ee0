/**
 * Per-minute, per-class aggregate items: how many jobs completed, failed, retried and were
 * released, and a duration histogram per job name. The consumer adds one batch's tally with a
 * single UpdateItem (ADD) at the end of the batch, so ten jobs cost one write, and `stats`,
 * the dashboard's charts and `show` of a lean job read these items instead of counting records.
 *
 * Durations go in buckets four per doubling (each about 19 % wide), so percentiles are exact
 * to a bucket: good enough to see p50 move, and the item stays small.
 *
 * @example
 * const writer = createAggregateWriter({ documentClient, tableName, className: 'default' });
 * writer.add('completed', 'hello.say', 12); await writer.flush();
 * const minutes = await readAggregates({ documentClient, tableName }, ['default'], sinceMs, nowMs);
 */
import { BatchGetCommand, UpdateCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export type AggregateOutcome = 'completed' | 'failed' | 'retried' | 'released';
export const AGGREGATE_OUTCOMES: readonly AggregateOutcome[] = ['completed', 'failed', 'retried', 'released'];

const KEY_PREFIX = 'agg#';
const MINUTE_MS = 60_000;
/** Aggregates outlive the longest window anything reads (24 h) by a safe margin. */
const RETENTION_SECONDS = 8 * 86_400;
const BUCKETS_PER_DOUBLING = 4;

/** One class's minute: counts per outcome and job name, and durations per job name. */
export interface MinuteAggregate {
  readonly class: string;
  /** Epoch ms of the minute's start. */
  readonly minute: number;
  readonly totals: Readonly<Record<AggregateOutcome, number>>;
  /** Job name → outcome → count. */
  readonly byJob: ReadonlyMap<string, Readonly<Partial<Record<AggregateOutcome, number>>>>;
  /** Job name → bucket → attempts whose duration fell in it. */
  readonly durations: ReadonlyMap<string, ReadonlyMap<number, number>>;
}

export function aggregateKey(className: string, minuteMs: number): string {
  return `${KEY_PREFIX}${className}#${new Date(minuteMs).toISOString().slice(0, 16)}`;
}

export function durationBucket(ms: number): number {
  return Math.floor(BUCKETS_PER_DOUBLING * Math.log2(Math.max(0, ms) + 1));
}

/** The upper edge of a bucket in ms: what a percentile falling in it reports. */
export function bucketUpperMs(bucket: number): number {
  return Math.round(2 ** ((bucket + 1) / BUCKETS_PER_DOUBLING) - 1);
}

export interface AggregateWriter {
  add(outcome: AggregateOutcome, jobName: string, durationMs?: number): void;
  /** Writes what was added since the last flush, in one UpdateItem; nothing when nothing was added. */
  flush(): Promise<void>;
}

interface StoreOptions {
  readonly documentClient: DynamoDBDocumentClient;
  readonly tableName: string;
}

export function createAggregateWriter(options: StoreOptions & { readonly className: string; readonly now?: () => number }): AggregateWriter {
  const now = options.now ?? Date.now;
  let counts = new Map<string, number>();
  const bump = (attribute: string, by = 1) => counts.set(attribute, (counts.get(attribute) ?? 0) + by);
  return {
    add(outcome, jobName, durationMs) {
      bump(outcome);
      bump(`${outcome}#${jobName}`);
      if (durationMs !== undefined) bump(`d#${jobName}#${durationBucket(durationMs)}`);
    },
    async flush() {
      if (counts.size === 0) return;
      const pending = counts;
      counts = new Map();
      const minute = Math.floor(now() / MINUTE_MS) * MINUTE_MS;
      const adds = [...pending].map(([attribute, by], i) => ({ name: `#a${i}`, attribute, by }));
      const names: Record<string, string> = { '#class': 'class', '#minute': 'minute', '#expiresAt': 'expiresAt' };
      const values: Record<string, unknown> = {
        ':class': options.className,
        ':minute': minute,
        ':expiresAt': Math.floor(minute / 1000) + RETENTION_SECONDS,
      };
      for (const { name, attribute, by } of adds) {
        names[name] = attribute;
        values[`:${name.slice(1)}`] = by;
      }
      await options.documentClient.send(
        new UpdateCommand({
          TableName: options.tableName,
          Key: { id: aggregateKey(options.className, minute) },
          UpdateExpression:
            'SET #class = :class, #minute = :minute, #expiresAt = :expiresAt ADD ' + adds.map(({ name }) => `${name} :${name.slice(1)}`).join(', '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    },
  };
}

/** Every class's minutes from `sinceMs` to `untilMs` that have an aggregate (BatchGetItem, 100 keys a call). */
export async function readAggregates(options: StoreOptions, classNames: readonly string[], sinceMs: number, untilMs: number): Promise<MinuteAggregate[]> {
  const keys: string[] = [];
  for (let minute = Math.floor(sinceMs / MINUTE_MS) * MINUTE_MS; minute <= untilMs; minute += MINUTE_MS) {
    for (const className of classNames) keys.push(aggregateKey(className, minute));
  }
  const items: Record<string, unknown>[] = [];
  for (let start = 0; start < keys.length; start += 100) {
    let request: Record<string, unknown>[] | undefined = keys.slice(start, start + 100).map((id) => ({ id }));
    for (let round = 0; request && request.length > 0 && round < 5; round++) {
      const response: BatchGetCommandOutput = await options.documentClient.send(new BatchGetCommand({ RequestItems: { [options.tableName]: { Keys: request } } }));
      items.push(...(response.Responses?.[options.tableName] ?? []));
      request = response.UnprocessedKeys?.[options.tableName]?.Keys;
    }
  }
  return items.map(parseAggregate).sort((a, b) => a.minute - b.minute);
}

function parseAggregate(item: Record<string, unknown>): MinuteAggregate {
  const totals = Object.fromEntries(AGGREGATE_OUTCOMES.map((o) => [o, Number(item[o] ?? 0)])) as Record<AggregateOutcome, number>;
  const byJob = new Map<string, Partial<Record<AggregateOutcome, number>>>();
  const durations = new Map<string, Map<number, number>>();
  for (const [attribute, value] of Object.entries(item)) {
    const [head, ...rest] = attribute.split('#');
    if (head === 'd' && rest.length >= 2) {
      const bucket = Number(rest.pop());
      const job = rest.join('#');
      const map = durations.get(job) ?? new Map<number, number>();
      map.set(bucket, Number(value));
      durations.set(job, map);
    } else if (AGGREGATE_OUTCOMES.includes(head as AggregateOutcome) && rest.length > 0) {
      const job = rest.join('#');
      byJob.set(job, { ...byJob.get(job), [head as AggregateOutcome]: Number(value) });
    }
  }
  return { class: String(item.class), minute: Number(item.minute), totals, byJob, durations };
}

/** Percentile (nearest rank) of a bucketed histogram, as the bucket's upper edge in ms. */
export function histogramPercentile(histogram: ReadonlyMap<number, number>, p: number): number {
  const buckets = [...histogram].sort((a, b) => a[0] - b[0]);
  const total = buckets.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const [bucket, n] of buckets) {
    seen += n;
    if (seen >= rank) return bucketUpperMs(bucket);
  }
  return bucketUpperMs(buckets[buckets.length - 1]![0]);
}
