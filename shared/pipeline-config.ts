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
import { z } from 'zod';
import { ConfigurationError } from './errors.ts';

export const ENV_TABLE_NAME = 'SQS_JOBS_TABLE_NAME';
export const ENV_QUEUES = 'SQS_JOBS_QUEUES';
export const ENV_CONSUMER_CLASS = 'SQS_JOBS_CLASS';

const queueLocationSchema = z.object({ queueUrl: z.url(), dlqUrl: z.url() });
export type QueueLocation = z.infer<typeof queueLocationSchema>;

export interface PipelineConfig {
  readonly tableName: string;
  /** Queue and DLQ URL per priority class; a consumer's environment may hold only its own. */
  readonly queues: Readonly<Record<string, QueueLocation>>;
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
  return { tableName, queues: result.data };
}

/** The environment variables that point the SDK and consumers at a pipeline. */
export function pipelineEnvironment(config: PipelineConfig): Record<string, string> {
  return { [ENV_TABLE_NAME]: config.tableName, [ENV_QUEUES]: JSON.stringify(config.queues) };
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
