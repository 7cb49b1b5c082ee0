/**
 * The job table's shape, shared by the status store, the CDK stack and the local provisioning
 * so that all three agree on key and index names.
 *
 * One item per job, keyed by `id`. One sparse KEYS_ONLY index, `byStatus`: partition
 * `statusShard` (the status and a shard, see below), sort `statusAt` (when the job entered that
 * status; for `scheduled` jobs, when they are due). Only the statuses someone reads by index
 * carry `statusShard` (`INDEXED_STATUSES`): the dispatcher's `scheduled`, the sweeper's `queued`
 * (records written before their message was sent), and the operator's `failed` and `cancelled`.
 * A job on the happy path (claimed, completed) never enters the index, so it writes no index
 * unit; `running`, `retrying` and `completed` jobs are listed by a scan instead (reads, which
 * are cheaper than writes and which only operators make).
 *
 * Every job passes through `running` and most end in `completed`; with the bare status as the
 * partition key, all of them would write to one index partition, which takes about 1,000
 * writes a second before DynamoDB throttles it (and, with it, the table). Each status is
 * therefore spread over `STATUS_SHARDS` partitions by a hash of the job id; readers query all
 * of a status's shards and merge them.
 */
export const jobTable = {
  partitionKey: 'id',
  ttlAttribute: 'expiresAt',
  indexes: {
    byStatus: { name: 'byStatus', partitionKey: 'statusShard', sortKey: 'statusAt' },
  },
} as const;

/** The statuses whose records carry index keys. */
export const INDEXED_STATUSES = ['scheduled', 'queued', 'failed', 'cancelled'] as const;

export function isIndexedStatus(status: string): boolean {
  return (INDEXED_STATUSES as readonly string[]).includes(status);
}

/** Index partitions per status: room for about 8,000 status changes a second each. */
export const STATUS_SHARDS = 8;

/** The byStatus partition a job in `status` belongs to. */
export function statusShard(status: string, jobId: string): string {
  let hash = 0;
  for (let i = 0; i < jobId.length; i++) hash = (Math.imul(hash, 31) + jobId.charCodeAt(i)) >>> 0;
  return `${status}#${hash % STATUS_SHARDS}`;
}

/** Every byStatus partition of `status`. */
export function statusShards(status: string): string[] {
  return Array.from({ length: STATUS_SHARDS }, (_, shard) => `${status}#${shard}`);
}
