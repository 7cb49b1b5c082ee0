/**
 * `redrive`: moves a class's DLQ messages back to its queue. On AWS this is SQS's
 * StartMessageMoveTask (server-side, up to 500 messages/s); where that API is missing (the
 * embedded emulator) the messages are received, re-sent and deleted. Either way the consumer
 * decides what a moved message means: a failed job's marked DLQ copy runs again with fresh
 * attempts, a copy older than the job's generation is dropped, poison fails again.
 *
 * @example
 * await redriveDeadLetters(ctx, { class: 'default', onProgress: (p) => console.log(p.moved) });
 */
import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  SendMessageBatchCommand,
  StartMessageMoveTaskCommand,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { awsErrorName, InvalidOptionError } from '../errors';
import type { AdminContext } from './admin-context';
import { deleteMessages } from './dead-letters';

export type RedriveMethod = 'auto' | 'move-task' | 'copy';

export interface RedriveProgress {
  readonly class: string;
  readonly moved: number;
  /** Known with the move task; unknown while copying. */
  readonly total?: number;
}

export interface RedriveResult {
  readonly class: string;
  readonly method: 'move-task' | 'copy';
  readonly moved: number;
}

/** Errors meaning "this endpoint has no message-move tasks", not "it failed". */
const UNSUPPORTED = new Set(['InvalidAction', 'UnsupportedOperation', 'UnknownOperationException', 'NotImplemented']);

export async function redriveDeadLetters(
  ctx: AdminContext,
  options: { class?: string; method?: RedriveMethod; onProgress?: (progress: RedriveProgress) => void } = {},
): Promise<RedriveResult[]> {
  const classes = options.class ? [options.class] : ctx.classNames;
  const results: RedriveResult[] = [];
  for (const className of classes) {
    const location = ctx.config.queues[className];
    if (!location) throw new InvalidOptionError(`no queues configured for class "${className}"`);
    const report = (moved: number, total?: number) =>
      options.onProgress?.({ class: className, moved, ...(total !== undefined ? { total } : {}) });
    const method = options.method ?? 'auto';
    if (method !== 'copy') {
      try {
        results.push({ class: className, method: 'move-task', moved: await moveTask(ctx, location.dlqUrl, report) });
        continue;
      } catch (error) {
        if (method === 'move-task' || !UNSUPPORTED.has(awsErrorName(error))) throw error;
      }
    }
    results.push({ class: className, method: 'copy', moved: await copyBack(ctx, location.dlqUrl, location.queueUrl, report) });
  }
  return results;
}

async function moveTask(ctx: AdminContext, dlqUrl: string, report: (moved: number, total?: number) => void): Promise<number> {
  const { sqs } = ctx.clients;
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }));
  const sourceArn = Attributes?.QueueArn;
  // Without a destination, SQS returns every message to the queue it came from.
  const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: sourceArn }));
  for (;;) {
    const { Results = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 10 }));
    const task = Results.find((t) => t.TaskHandle === TaskHandle) ?? Results[0];
    const moved = task?.ApproximateNumberOfMessagesMoved ?? 0;
    report(moved, task?.ApproximateNumberOfMessagesToMove);
    if (!task || task.Status === 'COMPLETED') return moved;
    if (task.Status === 'FAILED' || task.Status === 'CANCELLED') {
      throw new Error(`message move task ${task.Status.toLowerCase()}: ${task.FailureReason ?? 'no reason given'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function copyBack(
  ctx: AdminContext,
  dlqUrl: string,
  queueUrl: string,
  report: (moved: number) => void,
): Promise<number> {
  const { sqs } = ctx.clients;
  let moved = 0;
  let emptyReceives = 0;
  while (emptyReceives < 2) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }),
    );
    emptyReceives = Messages.length === 0 ? emptyReceives + 1 : 0;
    if (Messages.length === 0) continue;
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), MessageBody: m.Body ?? '' })),
      }),
    );
    // Delete only what arrived in the queue; the rest reappear in the DLQ.
    const delivered = (sent.Successful ?? []).map((s) => Messages[Number(s.Id)]!);
    moved += await deleteMessages(sqs, dlqUrl, delivered);
    report(moved);
  }
  return moved;
}
