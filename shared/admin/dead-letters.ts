/**
 * Reading and removing messages in a dead-letter queue. SQS cannot look a message up by id, so
 * finding a job's DLQ copy means receiving the queue's messages: the ones wanted stay hidden
 * for the caller to delete, the others are made visible again at once.
 *
 * @example
 * const scan = await collectDeadLetters(sqs, dlqUrl, (letter) => ids.has(letter.jobId ?? ''));
 * await deleteMessages(sqs, dlqUrl, scan.taken.map((l) => l.message));
 * await scan.releaseOthers();
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { deadLetterAttributeNames } from '../dead-letter.ts';
import { decodeEnvelope, type Envelope } from '../envelope.ts';

export interface DeadLetter {
  readonly message: Message;
  readonly jobId?: string;
  readonly jobName?: string;
  readonly reason?: string;
  readonly failedAt?: string;
  readonly envelope?: Envelope;
}

export function describeDeadLetter(message: Message): DeadLetter {
  const attribute = (name: string) => message.MessageAttributes?.[name]?.StringValue;
  let envelope: Envelope | undefined;
  try {
    envelope = decodeEnvelope(message.Body ?? '');
  } catch {
    // a poison message: no envelope to read
  }
  const jobId = attribute(deadLetterAttributeNames.jobId) ?? envelope?.id;
  const jobName = attribute(deadLetterAttributeNames.jobName) ?? envelope?.job;
  const reason = attribute(deadLetterAttributeNames.reason);
  const failedAt = attribute(deadLetterAttributeNames.failedAt);
  return {
    message,
    ...(jobId !== undefined ? { jobId } : {}),
    ...(jobName !== undefined ? { jobName } : {}),
    ...(reason !== undefined ? { reason } : {}),
    ...(failedAt !== undefined ? { failedAt } : {}),
    ...(envelope ? { envelope } : {}),
  };
}

export interface DeadLetterScan {
  readonly taken: DeadLetter[];
  /** Makes the messages not taken visible again. */
  releaseOthers(): Promise<void>;
}

/** Receives up to `max` messages (hidden for `holdSeconds`), keeping those `take` accepts. */
export async function collectDeadLetters(
  sqs: SQSClient,
  dlqUrl: string,
  take: (letter: DeadLetter) => boolean,
  { max = 10_000, holdSeconds = 120 }: { max?: number; holdSeconds?: number } = {},
): Promise<DeadLetterScan> {
  const taken: DeadLetter[] = [];
  const others: Message[] = [];
  let emptyReceives = 0;
  // A short poll can come back empty while messages remain (AWS samples servers): ask twice.
  while (taken.length + others.length < max && emptyReceives < 2) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: dlqUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: holdSeconds,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['SentTimestamp'],
      }),
    );
    emptyReceives = Messages.length === 0 ? emptyReceives + 1 : 0;
    for (const message of Messages) {
      const letter = describeDeadLetter(message);
      if (take(letter)) taken.push(letter);
      else others.push(message);
    }
  }
  return { taken, releaseOthers: () => changeVisibility(sqs, dlqUrl, others, 0) };
}

export async function deleteMessages(sqs: SQSClient, queueUrl: string, messages: readonly Message[]): Promise<number> {
  let deleted = 0;
  for (let start = 0; start < messages.length; start += 10) {
    const chunk = messages.slice(start, start + 10);
    const response = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
    deleted += response.Successful?.length ?? 0;
  }
  return deleted;
}

export async function changeVisibility(
  sqs: SQSClient,
  queueUrl: string,
  messages: readonly Message[],
  seconds: number,
): Promise<void> {
  for (let start = 0; start < messages.length; start += 10) {
    const chunk = messages.slice(start, start + 10);
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: seconds })),
      }),
    );
  }
}
