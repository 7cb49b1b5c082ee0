import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineJob } from '../../shared/define-job.ts';
import { createJobRegistry } from '../../shared/job-registry.ts';
import { pipelineSettings, queueRetentionSeconds } from '../../shared/pipeline-settings.ts';
import {
  defaultPriorityClasses,
  type DefaultPriorityClassName,
  type PriorityClass,
} from '../../shared/priority-classes.ts';
import { queueSpan, queueSpanProblems, queueSpanSeconds } from '../../shared/queue-span.ts';

const FOUR_DAYS = 4 * 86_400; // 345600, the work-queue retention before it became 14 days
const FOURTEEN_DAYS = 14 * 86_400; // 1209600

describe('queueSpanSeconds of the default classes (a job using the class defaults)', () => {
  // attempts × timeout + backoff between attempts + 20 releases × 3600 s
  //   + (100 − attempts − 20) spare receives × visibility (6 × timeout)
  it.each([
    ['high-priority', 3 * 60 + (30 + 60) + 72_000 + 77 * 360, 99_990],
    ['default', 3 * 120 + (60 + 120) + 72_000 + 77 * 720, 127_980],
    ['notifications', 5 * 60 + (60 + 180 + 600 + 1800) + 72_000 + 75 * 360, 101_940],
    ['reports', 2 * 300 + 300 + 72_000 + 78 * 1800, 213_300],
    ['low-priority', 2 * 600 + 600 + 72_000 + 78 * 3600, 354_600],
  ] as const satisfies ReadonlyArray<readonly [DefaultPriorityClassName, number, number]>)(
    '%s: %i s',
    (className, formula, written) => {
      expect(formula).toBe(written);
      expect(queueSpanSeconds(defaultPriorityClasses[className])).toBe(written);
    },
  );

  it('low-priority outlived the old 4-day retention; every default fits 14 days', () => {
    expect(queueSpanSeconds(defaultPriorityClasses['low-priority'])).toBeGreaterThan(FOUR_DAYS);
    for (const cls of Object.values(defaultPriorityClasses)) expect(queueSpanSeconds(cls)).toBeLessThanOrEqual(FOURTEEN_DAYS);
    expect(queueRetentionSeconds()).toBe(FOURTEEN_DAYS);
    expect(pipelineSettings.queueRetentionDays).toBe(14);
  });
});

describe('queueSpan with job settings', () => {
  const slow: PriorityClass = { ...defaultPriorityClasses['low-priority'], timeoutSeconds: 900 }; // visibility 5400

  it('breaks the span into its parts', () => {
    expect(queueSpan(defaultPriorityClasses.reports, { attempts: 4, maxReleases: 5, timeoutSeconds: 200 })).toEqual({
      attempts: 4,
      timeoutSeconds: 200,
      backoffSeconds: 300 + 600 + 600, // the last listed delay repeats
      releases: 5,
      releaseSeconds: 5 * 3600,
      spareReceives: 100 - 4 - 5,
      visibilityTimeoutSeconds: 1800,
      totalSeconds: 4 * 200 + 1500 + 18_000 + 91 * 1800, // 184100
    });
  });

  it('sums exponential delays up to their cap, jitter at its worst', () => {
    const backoff = { type: 'exponential', baseSeconds: 3600, capSeconds: 43_200, jitter: 'full' } as const;
    // delays after attempts 1–24: 3600, 7200, 14400, 28800, then 20 × 43200 = 918000
    const low = queueSpan(defaultPriorityClasses['low-priority'], { attempts: 25, backoff });
    expect(low.backoffSeconds).toBe(918_000);
    // 25 × 600 + 918000 + 20 × 3600 + 55 × 3600: just inside 14 days
    expect(low.totalSeconds).toBe(1_203_000);
    // the same job on a 900 s class: 25 × 900 + 918000 + 72000 + 55 × 5400
    expect(queueSpanSeconds(slow, { attempts: 25, backoff })).toBe(1_309_500);
  });

  it('counts no spare receives once attempts and releases use up the redrive limit', () => {
    const span = queueSpan(defaultPriorityClasses.default, { attempts: 1, maxReleases: 150 });
    expect(span.spareReceives).toBe(0);
    expect(span.totalSeconds).toBe(120 + 0 + 150 * 3600);
  });

  it('a job without releases trades them for spare receives', () => {
    // low-priority: a release (3600 s) and a spare receive (visibility 3600 s) cost the same
    expect(queueSpanSeconds(defaultPriorityClasses['low-priority'], { maxReleases: 0 })).toBe(2 * 600 + 600 + 98 * 3600);
  });
});

describe('queueSpanProblems', () => {
  const classes = { slow: { ...defaultPriorityClasses['low-priority'], timeoutSeconds: 900 }, ...defaultPriorityClasses };
  const backoff = { type: 'exponential', baseSeconds: 3600 } as const;

  it('names the job, its class and the numbers, one message per offending job', () => {
    const problems = queueSpanProblems(
      [
        { name: 'ok.job', class: 'slow' },
        { name: 'long.job', class: 'slow', attempts: 25, backoff },
        { name: 'ghost.job', class: 'nowhere', attempts: 25, backoff },
      ],
      classes,
      FOURTEEN_DAYS,
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^job "long\.job" on class "slow": worst-case queue span 1309500 s \(15\.2 days\)/);
    expect(problems[0]).toContain('exceeds the work-queue retention of 1209600 s (14 days)');
    expect(problems[0]).toContain('25 attempts × 900 s + 918000 s backoff + 20 releases × 3600 s + 55 spare receives × 5400 s');
  });

  it('measures against the retention it is given', () => {
    const jobs = [{ name: 'bulk.import', class: 'low-priority' }];
    expect(queueSpanProblems(jobs, defaultPriorityClasses, FOUR_DAYS)).toEqual([
      expect.stringContaining('job "bulk.import" on class "low-priority": worst-case queue span 354600 s (4.1 days)'),
    ]);
    expect(queueSpanProblems(jobs, defaultPriorityClasses, FOURTEEN_DAYS)).toEqual([]);
  });
});

describe('createJobRegistry', () => {
  const job = (name: string, extra: { attempts?: number; maxReleases?: number } = {}) =>
    defineJob({ name, class: 'low-priority', schema: z.object({}), async handle() {}, ...extra });

  it('refuses a job whose span exceeds the work-queue retention, naming it', () => {
    const classes = { 'low-priority': { ...defaultPriorityClasses['low-priority'], timeoutSeconds: 900 } };
    const long = defineJob({
      name: 'long.job',
      class: 'low-priority',
      schema: z.object({}),
      attempts: 25,
      backoff: { type: 'exponential', baseSeconds: 3600 },
      async handle() {},
    });
    expect(() => createJobRegistry([job('fine.job'), long], { classes })).toThrow(
      /invalid job registry: job "long\.job" on class "low-priority": worst-case queue span 1309500 s/,
    );
  });

  it('accepts the default classes with default settings', () => {
    expect(createJobRegistry([job('fine.job'), job('many.releases', { maxReleases: 100 })]).definitions).toHaveLength(2);
  });
});
