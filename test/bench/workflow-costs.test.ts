/**
 * The workflow costs the README states, measured with the capacity meter on a small run: a
 * chain step costs about two write units beyond a plain job, a batch member about one.
 */
import { describe, expect, it } from 'vitest';
import { measureWorkflowCosts } from '../../bench/workflow-costs.ts';

describe('workflow costs', () => {
  it('a chain step costs about two WRU beyond a plain job, a batch member about one', async () => {
    const costs = await measureWorkflowCosts({ jobs: 40 });

    // Chain: the position write per step and the aggregate write of its one-job consumer batch,
    // plus the chain's creation and end spread over 40 steps.
    expect(costs.extra.chainStep.wru).toBeGreaterThanOrEqual(1.9);
    expect(costs.extra.chainStep.wru).toBeLessThan(2.3);
    expect(costs.extra.chainStep.rru).toBeLessThan(0.2);
    // Batch: one count per member on a batch item under 1 KB, plus the batch's creation and end.
    expect(costs.extra.batchMember.wru).toBeGreaterThanOrEqual(1);
    expect(costs.extra.batchMember.wru).toBeLessThan(1.3);
    // The cancel check: one read per consumer and second, shared by the records of an invocation.
    expect(costs.extra.batchMember.rru).toBeLessThan(0.2);
  }, 120_000);
});
