/** EventBridge publishing without the network: entries of ten, the documented shape, refusals reported. */
import { describe, expect, it } from 'vitest';
import { createEventBridgePublisher, type PutEventsEntry } from '../../shared/events/eventbridge-publisher.ts';
import { createLocalEventBus, type JobEvent } from '../../shared/events/job-events.ts';

const event = (i: number): JobEvent => ({
  version: 1,
  type: 'job.completed',
  at: '2026-12-01T00:00:00.000Z',
  jobId: `j-${i}`,
  name: 'report.generate',
  class: 'default',
  gen: 1,
  attempt: 1,
  batchId: 'b-1',
  position: i,
});

describe('createEventBridgePublisher', () => {
  it('sends at most ten entries per PutEvents call, with source, detail-type and versioned detail', async () => {
    const calls: PutEventsEntry[][] = [];
    const publisher = createEventBridgePublisher({ busName: 'app-events', putEvents: async (entries) => (calls.push([...entries]), 0) });

    await publisher.publish(Array.from({ length: 23 }, (_, i) => event(i)));

    expect(calls.map((c) => c.length)).toEqual([10, 10, 3]);
    expect(calls[0]![0]).toEqual({
      Source: 'sqs-jobs',
      DetailType: 'job.completed',
      EventBusName: 'app-events',
      Time: new Date('2026-12-01T00:00:00.000Z'),
      Detail: JSON.stringify(event(0)),
    });
  });

  it('rejects when EventBridge refused entries, so the caller can log and count it', async () => {
    const publisher = createEventBridgePublisher({ busName: 'b', putEvents: async (entries) => entries.length });
    await expect(publisher.publish([event(1)])).rejects.toThrow('EventBridge refused 1 of 1 event(s)');
  });
});

describe('createLocalEventBus', () => {
  it('delivers to type and wildcard subscribers, survives a throwing one, and unsubscribes', async () => {
    const errors: unknown[] = [];
    const bus = createLocalEventBus((e) => errors.push(e));
    const seen: string[] = [];
    bus.on('job.completed', () => {
      throw new Error('subscriber bug');
    });
    const off = bus.on('*', (e) => {
      seen.push(e.type);
    });
    await bus.publish([event(1)]);
    off();
    await bus.publish([event(2)]);
    expect(seen).toEqual(['job.completed']);
    expect(errors).toHaveLength(2);
  });
});
