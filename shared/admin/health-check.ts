/**
 * `health`: can the pipeline's queues and table be reached, and how fast. `unhealthy` when any
 * of them cannot, `degraded` when all answer but one is slower than `slowMs`, else `healthy`.
 */
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { errorMessage } from '../errors.ts';
import { createClassPauses, type ClassPause } from '../status-store/class-pause.ts';
import type { AdminContext } from './admin-context.ts';

export interface HealthCheck {
  readonly component: string;
  readonly ok: boolean;
  readonly latencyMs: number;
  readonly error?: string;
}

export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';

export interface HealthReport {
  readonly status: HealthStatus;
  readonly checks: readonly HealthCheck[];
  /** Classes paused by an operator: reachable, but running nothing until resumed. */
  readonly paused: readonly ClassPause[];
}

export async function checkHealth(
  ctx: AdminContext,
  { slowMs = 1000, timeoutMs = 5000 }: { slowMs?: number; timeoutMs?: number } = {},
): Promise<HealthReport> {
  const probe = async (component: string, call: (signal: AbortSignal) => Promise<unknown>): Promise<HealthCheck> => {
    const started = performance.now();
    try {
      await call(AbortSignal.timeout(timeoutMs));
      return { component, ok: true, latencyMs: Math.round(performance.now() - started) };
    } catch (error) {
      return { component, ok: false, latencyMs: Math.round(performance.now() - started), error: errorMessage(error) };
    }
  };
  const queueProbe = (url: string) => (abortSignal: AbortSignal) =>
    ctx.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }), { abortSignal });
  const pauses = createClassPauses({ documentClient: ctx.clients.dynamodb, tableName: ctx.config.tableName });
  const [paused, ...checks] = await Promise.all([
    // An unreachable table already shows as a failed check; the pause list is then unknown.
    pauses.list(ctx.classNames).catch(() => [] as ClassPause[]),
    probe(`table ${ctx.config.tableName}`, (abortSignal) =>
      ctx.clients.dynamodb.send(new GetCommand({ TableName: ctx.config.tableName, Key: { id: '__sqs-jobs-health__' } }), {
        abortSignal,
      }),
    ),
    ...ctx.classNames.flatMap((name) => {
      const location = ctx.config.queues[name]!;
      return [probe(`queue ${name}`, queueProbe(location.queueUrl)), probe(`dlq ${name}`, queueProbe(location.dlqUrl))];
    }),
  ]);
  const status: HealthStatus = checks.some((c) => !c.ok)
    ? 'unhealthy'
    : checks.some((c) => c.latencyMs > slowMs)
      ? 'degraded'
      : 'healthy';
  return { status, checks, paused };
}
