/**
 * SQS request billing, per AWS's pricing rules. Pure.
 *
 * Every API action is a request; a batch action (SendMessageBatch, DeleteMessageBatch,
 * ChangeMessageVisibilityBatch, up to 10 entries) is one request; an empty ReceiveMessage is
 * still a request; and each started 64 KB (65,536 bytes) chunk of a request's payload is billed
 * as one request — a 256 KB payload costs 4. The payload of a message is its body plus its
 * message attributes (names, data types and values). https://aws.amazon.com/sqs/pricing/
 *
 * @example
 * billedRequests(4_300);          // 1
 * billedRequests(10 * 8 * 1024);  // 2 — a batch of ten 8 KB messages
 */

export const SQS_CHUNK_BYTES = 64 * 1024;

/** Requests billed for one API call carrying `payloadBytes` (at least 1). */
export function billedRequests(payloadBytes: number): number {
  return Math.max(1, Math.ceil(payloadBytes / SQS_CHUNK_BYTES));
}

export interface MessageAttribute {
  readonly DataType?: string;
  readonly StringValue?: string;
  readonly BinaryValue?: Uint8Array | string;
}

export interface MessageLike {
  readonly Body?: string;
  readonly MessageBody?: string;
  readonly MessageAttributes?: Readonly<Record<string, MessageAttribute>>;
}

/** A message's payload size: body plus message attributes (name, type and value of each). */
export function messagePayloadBytes(message: MessageLike): number {
  const body = message.MessageBody ?? message.Body ?? '';
  let bytes = Buffer.byteLength(body, 'utf8');
  for (const [name, attribute] of Object.entries(message.MessageAttributes ?? {})) {
    bytes += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(attribute.DataType ?? '', 'utf8');
    if (attribute.StringValue !== undefined) bytes += Buffer.byteLength(attribute.StringValue, 'utf8');
    if (attribute.BinaryValue !== undefined) {
      bytes += typeof attribute.BinaryValue === 'string' ? Buffer.from(attribute.BinaryValue, 'base64').length : attribute.BinaryValue.byteLength;
    }
  }
  return bytes;
}

/** Requests billed for a call that carries these messages (a send, a batch send, or a receive's answer). */
export function billedRequestsForMessages(messages: readonly MessageLike[]): number {
  return billedRequests(messages.reduce((sum, message) => sum + messagePayloadBytes(message), 0));
}
