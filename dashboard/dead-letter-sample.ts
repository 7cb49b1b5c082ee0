/**
 * A look into each class's DLQ: its depth and a few messages with their reason attributes.
 * SQS has no "peek": the messages are received (hidden briefly) and made visible again at once.
 */
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { changeVisibility, collectDeadLetters } from '../shared/admin/dead-letters.ts';
import type { AdminContext } from '../shared/admin/admin-context.ts';
import type { DeadLetterQueue } from './api-types.ts';

export async function deadLetterQueues(ctx: AdminContext, sampleSize = 10): Promise<DeadLetterQueue[]> {
  return Promise.all(
    ctx.classNames.map(async (className) => {
      const { dlqUrl } = ctx.config.queues[className]!;
      const { Attributes = {} } = await ctx.clients.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: dlqUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      const depth = Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
      if (depth === 0 || sampleSize === 0) return { class: className, depth, sample: [] };
      const scan = await collectDeadLetters(ctx.clients.sqs, dlqUrl, () => true, { max: sampleSize, holdSeconds: 30 });
      await changeVisibility(ctx.clients.sqs, dlqUrl, scan.taken.map((l) => l.message), 0);
      const sample = scan.taken.map((letter) => {
        const attributes: Record<string, string> = {};
        for (const [name, value] of Object.entries(letter.message.MessageAttributes ?? {})) {
          if (value.StringValue !== undefined) attributes[name] = value.StringValue;
        }
        const sent = letter.message.Attributes?.SentTimestamp;
        return {
          messageId: letter.message.MessageId ?? '',
          ...(letter.jobId !== undefined ? { jobId: letter.jobId } : {}),
          ...(letter.jobName !== undefined ? { jobName: letter.jobName } : {}),
          ...(letter.reason !== undefined ? { reason: letter.reason } : {}),
          ...(letter.failedAt !== undefined ? { failedAt: letter.failedAt } : {}),
          ...(sent ? { sentAt: new Date(Number(sent)).toISOString() } : {}),
          attributes,
          body: (letter.message.Body ?? '').slice(0, 4000),
        };
      });
      return { class: className, depth, sample };
    }),
  );
}
