/**
 * Chains and batches are typed from the registry: `tsc` (part of `npm test`) fails if any
 * `@ts-expect-error` below stops being an error. Nothing runs against AWS.
 */
import { describe, expect, it } from 'vitest';
import type { JobClient } from '../../shared/sdk/job-client.ts';
import type { workflowRegistry } from '../integration/workflow-jobs.ts';

/** Never called: only compiled. */
export function typedWorkflows(jobs: JobClient<typeof workflowRegistry>): void {
  // @ts-expect-error a payload key the job's schema does not have
  void jobs.chain([{ job: 'wf.step', payload: { wrong: 1 } }]);
  // @ts-expect-error resultAs must name a key of the step's payload
  void jobs.chain([{ job: 'wf.step', payload: { label: 'a' } }, { job: 'wf.step', payload: { label: 'b' }, resultAs: 'nope' }]);
  // @ts-expect-error a callback must be a registered job
  void jobs.batch([{ job: 'wf.noop', payload: { i: 1 } }], { then: { job: 'missing', payload: {} } });
  void jobs.chain([{ job: 'wf.step', payload: { label: 'a' } }, { job: 'wf.step', payload: { label: 'b' }, resultAs: 'previous' }]);
  void jobs.batch([{ chain: [{ job: 'wf.noop', payload: { i: 1 } }] }, { job: 'wf.noop', payload: { i: 2 } }], {
    then: { job: 'wf.callback', payload: { tag: 'x' } },
  });
  void jobs.chain([{ batch: [{ job: 'wf.noop', payload: { i: 1 } }], options: { allowFailures: true } }]);
}

describe('workflow typing', () => {
  it('compiles (the checks are the @ts-expect-error lines above)', () => {
    expect(typeof typedWorkflows).toBe('function');
  });
});
