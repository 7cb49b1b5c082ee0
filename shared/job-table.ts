/**
 * The job table's shape, shared by the status store, the CDK stack and the local provisioning
 * so that all three agree on key and index names.
 *
 * One item per job, keyed by `id`. Two KEYS_ONLY indexes list jobs newest first:
 * - `byStatus`: partition `status`, sort `statusAt` (when the job entered that status);
 * - `byClass`: partition `class`, sort `enqueuedAt`.
 * KEYS_ONLY keeps index writes at one unit each, and `byClass` is written only on insert
 * because neither of its keys ever changes.
 */
export const jobTable = {
  partitionKey: 'id',
  ttlAttribute: 'expiresAt',
  indexes: {
    byStatus: { name: 'byStatus', partitionKey: 'status', sortKey: 'statusAt' },
    byClass: { name: 'byClass', partitionKey: 'class', sortKey: 'enqueuedAt' },
  },
} as const;
