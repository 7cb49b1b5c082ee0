/**
 * `pause` / `resume` a priority class. The pause is written to the job table first (the local
 * runtime's pollers stop on it; `stats`, `health` and the dashboard show it), then, on AWS, the
 * class's event source mapping is disabled or enabled, so Lambda stops or resumes polling the
 * queue. Messages wait in the queue meanwhile (retention 14 days); jobs already running finish.
 *
 * IAM for the operator on AWS: `lambda:ListEventSourceMappings` and
 * `lambda:UpdateEventSourceMapping` (on the consumer functions' mappings),
 * `sqs:GetQueueAttributes`, and `dynamodb:PutItem` / `DeleteItem` / `GetItem` on the table.
 *
 * @example
 * await admin.pause('reports');   // { class: 'reports', paused: true, mappings: ['…uuid…'] }
 * await admin.resume('reports');
 */
import { userInfo, hostname } from 'node:os';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { ListEventSourceMappingsCommand, UpdateEventSourceMappingCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { ConfigurationError } from '../errors.ts';
import { createClassPauses } from '../status-store/class-pause.ts';
import type { AdminContext } from './admin-context.ts';

/** Switches the Lambda event source mappings that feed a queue on or off; returns their UUIDs. */
export interface EventSourceControl {
  setEnabled(queueUrl: string, enabled: boolean): Promise<string[]>;
}

export interface PauseResult {
  readonly class: string;
  readonly paused: boolean;
  readonly pausedBy?: string;
  readonly pausedAt?: string;
  /** Event source mappings switched (AWS only; empty locally). */
  readonly mappings: readonly string[];
}

/** The event source mappings on AWS, found by the queue's ARN (whatever the consumer is called). */
export function lambdaEventSources(lambda: LambdaClient, sqs: SQSClient): EventSourceControl {
  return {
    async setEnabled(queueUrl, enabled) {
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
      const queueArn = Attributes?.QueueArn;
      if (!queueArn) throw new ConfigurationError(`queue ${queueUrl} has no ARN`);
      const uuids: string[] = [];
      let marker: string | undefined;
      do {
        const page = await lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: queueArn, ...(marker ? { Marker: marker } : {}) }));
        for (const mapping of page.EventSourceMappings ?? []) if (mapping.UUID) uuids.push(mapping.UUID);
        marker = page.NextMarker;
      } while (marker);
      if (uuids.length === 0) throw new ConfigurationError(`no Lambda event source mapping reads ${queueArn}`);
      for (const uuid of uuids) await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: enabled }));
      return uuids;
    },
  };
}

function operator(): string {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return hostname();
  }
}

function classLocation(ctx: AdminContext, className: string) {
  const location = Object.hasOwn(ctx.config.queues, className) ? ctx.config.queues[className] : undefined;
  if (!location) throw new ConfigurationError(`unknown class "${className}" (known: ${ctx.classNames.join(', ')})`);
  return location;
}

export async function pauseClass(ctx: AdminContext, className: string, by: string = operator()): Promise<PauseResult> {
  const location = classLocation(ctx, className);
  const pause = await createClassPauses({ documentClient: ctx.clients.dynamodb, tableName: ctx.config.tableName, now: ctx.now }).pause(className, by);
  const mappings = ctx.eventSources ? await ctx.eventSources.setEnabled(location.queueUrl, false) : [];
  return { class: className, paused: true, pausedBy: pause.pausedBy, pausedAt: pause.pausedAt, mappings };
}

export async function resumeClass(ctx: AdminContext, className: string): Promise<PauseResult> {
  const location = classLocation(ctx, className);
  // The mapping first: a failure leaves the class shown as paused, which it still is.
  const mappings = ctx.eventSources ? await ctx.eventSources.setEnabled(location.queueUrl, true) : [];
  await createClassPauses({ documentClient: ctx.clients.dynamodb, tableName: ctx.config.tableName, now: ctx.now }).resume(className);
  return { class: className, paused: false, mappings };
}
