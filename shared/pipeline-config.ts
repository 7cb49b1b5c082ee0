/**
 * Where a running pipeline lives: table name and queue URLs, read from environment variables
 * that the CDK stack sets on every consumer and the local runtime prints for its users.
 *
 * - `SQS_JOBS_TABLE_NAME`: the job table.
 * - `SQS_JOBS_QUEUES`: JSON `{ "<class>": { "queueUrl": "…", "dlqUrl": "…" } }`.
 * - `AWS_ENDPOINT_URL` / `AWS_REGION`: read by the AWS SDK itself (emulators, other endpoints).
 *
 * @example
 * const config = loadPipelineConfig(process.env);
 * config.queues.reports?.queueUrl;
 */
import * as z from 'zod';
import { ConfigurationError } from './errors.ts';

export const ENV_TABLE_NAME = 'SQS_JOBS_TABLE_NAME';
export const ENV_QUEUES = 'SQS_JOBS_QUEUES';
export const ENV_CONSUMER_CLASS = 'SQS_JOBS_CLASS';
/** Days a failed job's record is kept; unset keeps it until an operator retries, forgets or flushes it. */
export const ENV_FAILED_RETENTION_DAYS = 'SQS_JOBS_FAILED_RETENTION_DAYS';

const queueLocationSchema = z.object({ queueUrl: z.url(), dlqUrl: z.url() });
export type QueueLocation = z.infer<typeof queueLocationSchema>;

export interface PipelineConfig {
  readonly tableName: string;
  /** Queue and DLQ URL per priority class; a consumer's environment may hold only its own. */
  readonly queues: Readonly<Record<string, QueueLocation>>;
  /** Days a failed job's record is kept. @defaultValue undefined: until flushed */
  readonly failedRetentionDays?: number;
}

export function loadPipelineConfig(env: NodeJS.ProcessEnv = process.env): PipelineConfig {
  const tableName = env[ENV_TABLE_NAME];
  if (!tableName) throw new ConfigurationError(`${ENV_TABLE_NAME} is not set`);
  const raw = env[ENV_QUEUES];
  if (!raw) throw new ConfigurationError(`${ENV_QUEUES} is not set`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigurationError(`${ENV_QUEUES} is not valid JSON`);
  }
  const result = z.record(z.string(), queueLocationSchema).safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigurationError(
      `${ENV_QUEUES} is invalid at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
    );
  }
  const retention = env[ENV_FAILED_RETENTION_DAYS];
  let failedRetentionDays: number | undefined;
  if (retention !== undefined && retention !== '') {
    failedRetentionDays = Number(retention);
    if (!Number.isInteger(failedRetentionDays) || failedRetentionDays < 1) {
      throw new ConfigurationError(`${ENV_FAILED_RETENTION_DAYS} must be a whole number of days >= 1 (got ${JSON.stringify(retention)})`);
    }
  }
  return { tableName, queues: result.data, ...(failedRetentionDays !== undefined ? { failedRetentionDays } : {}) };
}

/** The environment variables that point the SDK and consumers at a pipeline. */
export function pipelineEnvironment(config: PipelineConfig): Record<string, string> {
  return {
    [ENV_TABLE_NAME]: config.tableName,
    [ENV_QUEUES]: JSON.stringify(config.queues),
    ...(config.failedRetentionDays !== undefined ? { [ENV_FAILED_RETENTION_DAYS]: String(config.failedRetentionDays) } : {}),
  };
}

export function queueLocationFor(config: PipelineConfig, className: string): QueueLocation {
  const location = config.queues[className];
  if (!location) {
    throw new ConfigurationError(
      `no queue configured for priority class "${className}" (known: ${Object.keys(config.queues).join(', ') || 'none'})`,
    );
  }
  return location;
}
