import { describe, expect, it } from 'vitest';
import { canTransition, isTerminal, jobStatuses, sourcesOf } from '../../shared/lifecycle.ts';

describe('job lifecycle', () => {
  it('allows the normal path and retries', () => {
    expect(canTransition('queued', 'running')).toBe(true);
    expect(canTransition('running', 'retrying')).toBe(true);
    expect(canTransition('retrying', 'running')).toBe(true);
    expect(canTransition('running', 'completed')).toBe(true);
    expect(canTransition('running', 'failed')).toBe(true);
  });

  it('never leaves completed or cancelled', () => {
    for (const to of jobStatuses) {
      expect(canTransition('completed', to)).toBe(false);
      expect(canTransition('cancelled', to)).toBe(false);
    }
  });

  it('only an operator retry leaves failed', () => {
    expect(jobStatuses.filter((to) => canTransition('failed', to))).toEqual(['queued']);
  });

  it('lists the sources of each status', () => {
    expect(sourcesOf('running')).toEqual(['queued', 'running', 'retrying']);
    expect(sourcesOf('completed')).toEqual(['running']);
    expect(sourcesOf('failed')).toEqual(['queued', 'running', 'retrying']);
  });

  it('knows the terminal statuses', () => {
    expect(jobStatuses.filter(isTerminal)).toEqual(['completed', 'failed', 'cancelled']);
  });
});

describe('cancelling a running job', () => {
  it('is an edge only from running, taken by the consumer', () => {
    expect(canTransition('running', 'cancelled')).toBe(true);
    expect(sourcesOf('cancelled').sort()).toEqual(['queued', 'retrying', 'running', 'scheduled']);
  });
});
