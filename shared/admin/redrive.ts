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
import { awsErrorName, InvalidOptionError } from '../errors.ts';
import type { AdminContext } from './admin-context.ts';
import { deleteMessages } from './dead-letters.ts';

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
        results.push({ class: className, method: 'move-task', moved: await moveTask(ctx, location, report) });
        continue;
      } catch (error) {
        if (method === 'move-task' || !UNSUPPORTED.has(awsErrorName(error))) throw error;
      }
    }
    results.push({ class: className, method: 'copy', moved: await copyBack(ctx, location.dlqUrl, location.queueUrl, report) });
  }
  return results;
}

async function moveTask(
  ctx: AdminContext,
  location: { queueUrl: string; dlqUrl: string },
  report: (moved: number, total?: number) => void,
): Promise<number> {
  const { sqs } = ctx.clients;
  const arnOf = async (url: string) =>
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
  const sourceArn = await arnOf(location.dlqUrl);
  // An explicit destination: the consumer's own DLQ copies were sent, not redriven by SQS, so
  // SQS may not know which queue they "came from".
  const { TaskHandle } = await sqs.send(
    new StartMessageMoveTaskCommand({ SourceArn: sourceArn, DestinationArn: await arnOf(location.queueUrl) }),
  );
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
  // Move what is there now, no more: a poison message the consumer sends straight back would
  // otherwise be moved again and again.
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  const limit = Number(Attributes?.ApproximateNumberOfMessages ?? 0);
  let moved = 0;
  let emptyReceives = 0;
  while (emptyReceives < 2 && moved < limit) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: Math.min(10, limit - moved), VisibilityTimeout: 60 }),
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
