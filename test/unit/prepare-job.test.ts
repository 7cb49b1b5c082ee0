import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineJob } from '../../shared/define-job.ts';
import { decodeEnvelope } from '../../shared/envelope.ts';
import { ConfigurationError, InvalidOptionError, PayloadValidationError, UnknownJobError } from '../../shared/errors.ts';
import { createJobRegistry } from '../../shared/job-registry.ts';
import { defaultPriorityClasses, definePriorityClasses } from '../../shared/priority-classes.ts';
import type { PipelineConfig } from '../../shared/pipeline-config.ts';
import { payloadDepth, payloadDepthExceeds } from '../../shared/payload-depth.ts';
import { prepareJob } from '../../shared/sdk/prepare-job.ts';

const signup = defineJob({
  name: 'user.signup',
  class: 'notifications',
  schema: z.object({ email: z.email(), plan: z.enum(['free', 'pro']) }),
  handle: async () => undefined,
});
const registry = createJobRegistry([signup]);
const config: PipelineConfig = {
  tableName: 'jobs',
  queues: {
    notifications: { queueUrl: 'http://q/notifications', dlqUrl: 'http://q/notifications-dlq' },
    reports: { queueUrl: 'http://q/reports', dlqUrl: 'http://q/reports-dlq' },
  },
};
const NOW = Date.parse('2026-11-25T10:00:00.000Z');
const payload = { email: 'a@example.com', plan: 'pro' };

describe('prepareJob', () => {
  it('builds the record and the message for the job class queue', () => {
    const prepared = prepareJob(registry, 'user.signup', payload, {}, config, { nowMs: NOW });
    expect(prepared.queueUrl).toBe('http://q/notifications');
    expect(prepared.record).toMatchObject({ name: 'user.signup', class: 'notifications', maxAttempts: 5 });
    expect(decodeEnvelope(prepared.body)).toMatchObject({ job: 'user.signup', gen: 1, payload });
  });

  it('names each invalid field and what is wrong with it', () => {
    const attempt = () => prepareJob(registry, 'user.signup', { email: 'nope', plan: 'gold' }, {}, config, { nowMs: NOW });
    expect(attempt).toThrow(PayloadValidationError);
    try {
      attempt();
    } catch (error) {
      expect((error as PayloadValidationError).issues.map((i) => i.path)).toEqual(['email', 'plan']);
      expect((error as Error).message).toMatch(/invalid payload for job "user.signup": email: .*; plan: /);
    }
  });

  it('leaves delays up to 15 minutes to SQS and schedules longer ones in the table', () => {
    const short = prepareJob(registry, 'user.signup', payload, { delay: 900 }, config, { nowMs: NOW });
    expect(short.delay).toBe(900);
    expect(short.record.scheduled).toBeUndefined();
    const long = prepareJob(registry, 'user.signup', payload, { delay: 901 }, config, { nowMs: NOW });
    expect(long.record.scheduled).toEqual({ dueAt: NOW + 901_000, message: long.body });
    const runAt = new Date(NOW + 3 * 86_400_000);
    expect(prepareJob(registry, 'user.signup', payload, { runAt }, config, { nowMs: NOW }).record.scheduled?.dueAt).toBe(
      runAt.getTime(),
    );
    // A past runAt means now; the queue maximum is a setting (tests shrink it).
    expect(prepareJob(registry, 'user.signup', payload, { runAt: new Date(NOW - 5000) }, config, { nowMs: NOW }).delay).toBe(0);
    const shrunk = prepareJob(registry, 'user.signup', payload, { delay: 3 }, config, { nowMs: NOW, maxQueueDelaySeconds: 2 });
    expect(shrunk.record.scheduled?.dueAt).toBe(NOW + 3000);
  });

  it('rejects unknown jobs, impossible delays and bad overrides', () => {
    expect(() => prepareJob(registry, 'nope', {}, {}, config, { nowMs: NOW })).toThrow(UnknownJobError);
    expect(() => prepareJob(registry, 'user.signup', payload, { delay: -1 }, config, { nowMs: NOW })).toThrow(
      /delay must be a whole number of seconds from 0 to 31536000 \(365 days\); got -1/,
    );
    expect(() => prepareJob(registry, 'user.signup', payload, { delay: 1, runAt: new Date() }, config, { nowMs: NOW })).toThrow(
      'give delay or runAt, not both',
    );
    expect(() => prepareJob(registry, 'user.signup', payload, { runAt: new Date('nope') }, config, { nowMs: NOW })).toThrow(
      'runAt must be a valid Date',
    );
    expect(() => prepareJob(registry, 'user.signup', payload, { delay: 1.5 }, config, { nowMs: NOW })).toThrow(InvalidOptionError);
    expect(() => prepareJob(registry, 'user.signup', payload, { attempts: 0 }, config, { nowMs: NOW })).toThrow(/attempts/);
    expect(() => prepareJob(registry, 'user.signup', payload, { class: 'default' }, config, { nowMs: NOW })).toThrow(
      /no queue configured for priority class "default"/,
    );
  });

  it('derives the same id from the same idempotency key', () => {
    const a = prepareJob(registry, 'user.signup', payload, { idempotencyKey: 'k1' }, config, { nowMs: NOW });
    const b = prepareJob(registry, 'user.signup', payload, { idempotencyKey: 'k1' }, config, { nowMs: NOW + 5000 });
    const c = prepareJob(registry, 'user.signup', payload, { idempotencyKey: 'k2' }, config, { nowMs: NOW });
    expect(a.record.id).toBe(b.record.id);
    expect(c.record.id).not.toBe(a.record.id);
  });

  it('carries overrides in the envelope and a delay in the record', () => {
    const prepared = prepareJob(
      registry,
      'user.signup',
      payload,
      { class: 'reports', attempts: 7, backoff: [5], delay: 60 },
      config,
      { nowMs: NOW },
    );
    expect(prepared.queueUrl).toBe('http://q/reports');
    expect(prepared.envelope).toMatchObject({ maxAttempts: 7, backoff: [5] });
    expect(prepared.record).toMatchObject({ maxAttempts: 7, notBefore: NOW + 60_000 });
  });

  it('refuses a payload too large for one SQS message', () => {
    const huge = defineJob({
      name: 'blob.store',
      class: 'reports',
      schema: z.object({ data: z.string() }),
      handle: async () => undefined,
    });
    const big = createJobRegistry([huge]);
    expect(() => prepareJob(big, 'blob.store', { data: 'x'.repeat(1_100_000) }, {}, config, { nowMs: NOW })).toThrow(/bytes as a message/);
  });
});

describe('defineJob', () => {
  it('reports every problem of a definition at once', () => {
    expect(() =>
      defineJob({
        name: 'bad name!',
        class: 'reports',
        attempts: 0,
        timeoutSeconds: -1,
        schema: z.object({}),
        handle: async () => undefined,
      }),
    ).toThrow(/name must be .*; attempts must be .*; timeoutSeconds must be/);
  });

  it('rejects, in the registry, a class outside the catalog and a timeout above the class, naming the job', () => {
    const urgent = defineJob({ name: 'x', class: 'urgent', schema: z.object({}), handle: async () => undefined });
    const slow = defineJob({ name: 'y', class: 'high-priority', timeoutSeconds: 61, schema: z.object({}), handle: async () => undefined });
    // @ts-expect-error 'urgent' is not a class of the default catalog
    expect(() => createJobRegistry([urgent, slow])).toThrow(ConfigurationError);
    // @ts-expect-error as above
    expect(() => createJobRegistry([urgent, slow])).toThrow(
      /job "x": class "urgent" is not in the priority-class catalog \(known: high-priority, default, notifications, reports, low-priority\); job "y": timeoutSeconds 61 exceeds its class "high-priority" timeout \(60s\)/,
    );
  });

  it("types and checks a job's class against the app's own catalog", () => {
    const classes = definePriorityClasses({ urgent: { ...defaultPriorityClasses['high-priority'], maxConcurrency: 3 } });
    const urgent = defineJob({ name: 'x', class: 'urgent', schema: z.object({}), handle: async () => undefined });
    const registry = createJobRegistry([urgent], { classes });
    expect(registry.classOf('x')?.maxConcurrency).toBe(3);
    expect(Object.keys(registry.classes)).toEqual(['urgent']);
    // @ts-expect-error 'notifications' is not in this app's catalog
    expect(() => createJobRegistry([signup], { classes })).toThrow(/class "notifications" is not in the priority-class catalog \(known: urgent\)/);
    expect(() => definePriorityClasses({ 'bad name': { ...classes.urgent, maxConcurrency: 1 } })).toThrow(
      /class "bad name": name may contain only .*; class "bad name": maxConcurrency must be an integer in 2–1000 \(got 1\)/,
    );
  });

  it('rejects two jobs with one name', () => {
    expect(() => createJobRegistry([signup, signup])).toThrow(/registered twice/);
  });
});

describe('payload depth', () => {
  const deep = (levels: number): unknown => {
    let value: unknown = 1;
    for (let i = 0; i < levels; i++) value = { next: value };
    return value;
  };
  const nested = defineJob({ name: 'nested', class: 'notifications', schema: z.any(), handle: async () => undefined });
  const registry = createJobRegistry([nested]);

  it('measures depth without recursion, also 100,000 levels', () => {
    expect(payloadDepth(deep(3))).toBe(3);
    expect(payloadDepth([1, [2, [3]]])).toBe(3);
    expect(payloadDepthExceeds(deep(32))).toBe(false);
    expect(payloadDepthExceeds(deep(33))).toBe(true);
    expect(payloadDepthExceeds(deep(100_000))).toBe(true);
  });

  it('refuses a payload deeper than 32 levels with one error naming the limit, even 100,000 deep', () => {
    for (const levels of [33, 40, 100_000]) {
      const attempt = () => prepareJob(registry, 'nested', deep(levels), {}, config, { nowMs: 0 });
      expect(attempt).toThrow(PayloadValidationError);
      expect(attempt).toThrow('invalid payload for job "nested": (payload): nested deeper than 32 levels');
    }
    expect(() => prepareJob(registry, 'nested', deep(31), {}, config, { nowMs: 0 })).not.toThrow();
  });
});

describe('per-call overrides and the queue retention', () => {
  const job = defineJob({ name: 'span.job', class: 'low-priority', schema: z.object({}), handle: async () => undefined });
  const registry = createJobRegistry([job]);
  const lowConfig: PipelineConfig = { tableName: 'jobs', queues: { 'low-priority': { queueUrl: 'http://q/low', dlqUrl: 'http://q/low-dlq' } } };

  it('refuses attempts and backoff whose worst case outlives the queue, naming the numbers', () => {
    const attempt = () =>
      prepareJob(registry, 'span.job', {}, { attempts: 25, backoff: { type: 'exponential', baseSeconds: 43_200 } }, lowConfig, { nowMs: 0 });
    expect(attempt).toThrow(InvalidOptionError);
    expect(attempt).toThrow(/job "span\.job" with these options: worst-case queue span \d+ s \([\d.]+ days\) exceeds the work-queue retention of 1209600 s/);
  });

  it('accepts overrides that fit', () => {
    expect(() => prepareJob(registry, 'span.job', {}, { attempts: 2, backoff: [10] }, lowConfig, { nowMs: 0 })).not.toThrow();
  });
});
