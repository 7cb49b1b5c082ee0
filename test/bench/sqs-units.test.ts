import { describe, expect, it } from 'vitest';
import { billedRequests, billedRequestsForMessages, messagePayloadBytes, SQS_CHUNK_BYTES } from '../../bench/sqs-units.ts';

describe('SQS request billing', () => {
  it('bills each started 64 KB of payload as one request, at least one', () => {
    expect(SQS_CHUNK_BYTES).toBe(65_536);
    expect(billedRequests(0)).toBe(1); // an empty receive is still a request
    expect(billedRequests(65_536)).toBe(1);
    expect(billedRequests(65_537)).toBe(2);
    expect(billedRequests(256 * 1024)).toBe(4); // AWS's own example
    expect(billedRequests(1_048_576)).toBe(16);
  });

  it('sizes a message as its body plus its attributes (name, type, value)', () => {
    expect(messagePayloadBytes({ MessageBody: 'héllo' })).toBe(6);
    expect(messagePayloadBytes({ Body: 'abc', MessageAttributes: { a: { DataType: 'String', StringValue: 'xyz' } } })).toBe(3 + 1 + 6 + 3);
    expect(messagePayloadBytes({ Body: '', MessageAttributes: { b: { DataType: 'Binary', BinaryValue: new Uint8Array(10) } } })).toBe(1 + 6 + 10);
    expect(messagePayloadBytes({ Body: '', MessageAttributes: { b: { DataType: 'Binary', BinaryValue: 'AAEC' } } })).toBe(1 + 6 + 3);
  });

  it('bills a batch of up to 10 as one request unless its payload passes 64 KB', () => {
    const fourKb = { MessageBody: 'x'.repeat(4 * 1024) };
    const eightKb = { MessageBody: 'x'.repeat(8 * 1024) };
    expect(billedRequestsForMessages(Array(10).fill(fourKb))).toBe(1);
    expect(billedRequestsForMessages(Array(10).fill(eightKb))).toBe(2);
    expect(billedRequestsForMessages([])).toBe(1);
  });
});
