/**
 * Job ids: random for ordinary jobs; derived from the job name and idempotency key otherwise,
 * so enqueueing the same key twice addresses the same record.
 *
 * @example
 * newJobId(); // a random UUID
 * idempotentJobId('report.generate', 'order-42'); // same input → same id
 */
import { createHash, randomUUID } from 'node:crypto';

export function newJobId(): string {
  return randomUUID();
}

export function idempotentJobId(jobName: string, key: string): string {
  const digest = createHash('sha256').update(`${jobName}\u0000${key}`).digest('hex');
  return `k-${digest.slice(0, 40)}`;
}
