import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineJob, trackingOf } from '../../shared/define-job.ts';
import { definePriorityClasses, defaultPriorityClasses } from '../../shared/priority-classes.ts';

const base = { class: 'default', schema: z.object({ k: z.string() }), handle: async () => undefined } as const;

describe('tracking option', () => {
  it('takes the job’s own, else the class’s, except for jobs whose gates need a record', () => {
    const plain = defineJob({ ...base, name: 'plain' });
    const lean = defineJob({ ...base, name: 'lean', tracking: 'lean' });
    const gated = defineJob({ ...base, name: 'gated', unique: { key: (p) => p.k, while: 'running', forSeconds: 60 } });
    expect(trackingOf(plain, undefined)).toBe('full');
    expect(trackingOf(plain, 'lean')).toBe('lean');
    expect(trackingOf(lean, 'full')).toBe('lean');
    expect(trackingOf(gated, 'lean')).toBe('full');
  });

  it('refuses lean tracking with a gate that needs the record, and unknown values', () => {
    expect(() => defineJob({ ...base, name: 'bad', tracking: 'lean', concurrency: { limit: 1, key: (p) => p.k } })).toThrow(
      /tracking 'lean' excludes concurrency/,
    );
    expect(() => defineJob({ ...base, name: 'bad2', tracking: 'sometimes' as 'lean' })).toThrow(/tracking must be one of full, lean/);
    expect(() => definePriorityClasses({ default: { ...defaultPriorityClasses.default, tracking: 'maybe' as 'lean' } })).toThrow(
      /class "default": tracking must be 'full' or 'lean'/,
    );
  });
});
