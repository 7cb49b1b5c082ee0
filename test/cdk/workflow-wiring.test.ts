/**
 * `workflows` and `events` on the pipeline: consumers see every work queue and may send to
 * them; with a bus, they name it and may PutEvents on that bus only. Without either prop a
 * consumer keeps its own queue only and no events permission. Built without bundling.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { describe, expect, it } from 'vitest';
import { JobPipeline, type JobPipelineProps } from '../../cdk/job-pipeline.ts';
import { ENV_EVENT_BUS } from '../../shared/events/eventbridge-publisher.ts';
import { ENV_QUEUES } from '../../shared/pipeline-config.ts';
import { DISPATCHER_FIXTURE_ENTRY, FIXTURE_ENTRY, actionsOf, referencedIds, roleStatements, type Json, type SynthesizedPipeline } from './pipeline-template.ts';

function build(props: (stack: Stack) => JobPipelineProps) {
  const stack = new Stack(new App({ context: { [BUNDLING_STACKS]: [] } }), 'Wiring');
  const pipeline = new JobPipeline(stack, 'Pipeline', { consumerEntry: FIXTURE_ENTRY, dispatcherEntry: DISPATCHER_FIXTURE_ENTRY, ...props(stack) });
  const json = Template.fromStack(stack).toJSON() as SynthesizedPipeline['json'];
  const consumers = [...pipeline.consumers.values()].map((consumer) => ({
    roleId: stack.getLogicalId(consumer.role.node.defaultChild as never),
    functionId: stack.getLogicalId(consumer.function.node.defaultChild as never),
  }));
  return { stack, pipeline, json, consumers };
}

const variablesOf = (json: SynthesizedPipeline['json'], functionId: string) =>
  (json.Resources[functionId]!.Properties['Environment'] as { Variables: Record<string, Json> }).Variables;

describe('workflow wiring', () => {
  it('with workflows and a bus: every work queue in the environment and sendable; PutEvents on that bus only', () => {
    let busId = '';
    const { json, consumers, pipeline, stack } = build((s) => {
      const bus = new EventBus(s, 'Bus', { eventBusName: 'app-events' });
      busId = s.getLogicalId(bus.node.defaultChild as never);
      return { workflows: true, events: { bus } };
    });
    const workQueueIds = [...pipeline.queues.values()].map((q) => stack.getLogicalId(q.queue.node.defaultChild as never));
    expect(consumers.length).toBeGreaterThan(1);
    for (const { roleId, functionId } of consumers) {
      const variables = variablesOf(json, functionId);
      expect(variables[ENV_EVENT_BUS]).toEqual({ Ref: busId });
      for (const id of workQueueIds) expect(referencedIds(variables[ENV_QUEUES] ?? null).has(id)).toBe(true);

      const statements = roleStatements(json, roleId);
      const putEvents = statements.filter((s) => actionsOf(s).includes('events:PutEvents'));
      expect(putEvents).toHaveLength(1);
      expect(referencedIds(putEvents[0]!.Resource as Json)).toEqual(new Set([busId]));
      const sends = statements.filter((s) => actionsOf(s).includes('sqs:SendMessage'));
      const sendable = new Set(sends.flatMap((s) => [...referencedIds(s.Resource as Json)]));
      for (const id of workQueueIds) expect(sendable.has(id)).toBe(true);
    }
  });

  it('without a bus: no bus variable and no events permission; workflows on by default', () => {
    const { json, consumers, pipeline, stack } = build(() => ({}));
    const workQueueIds = [...pipeline.queues.values()].map((q) => stack.getLogicalId(q.queue.node.defaultChild as never));
    for (const { functionId } of consumers) {
      for (const id of workQueueIds) expect(referencedIds(variablesOf(json, functionId)[ENV_QUEUES] ?? null).has(id)).toBe(true);
    }
    for (const { roleId, functionId } of consumers) {
      expect(variablesOf(json, functionId)[ENV_EVENT_BUS]).toBeUndefined();
      expect(roleStatements(json, roleId).some((s) => actionsOf(s).some((a) => a.startsWith('events:')))).toBe(false);
    }
  });

  it('with workflows: false, each consumer keeps its own queue only', () => {
    const { json, consumers, pipeline, stack } = build(() => ({ workflows: false }));
    const workQueueIds = [...pipeline.queues.values()].map((q) => stack.getLogicalId(q.queue.node.defaultChild as never));
    for (const { roleId, functionId } of consumers) {
      const listed = [...referencedIds(variablesOf(json, functionId)[ENV_QUEUES] ?? null)].filter((id) => workQueueIds.includes(id));
      expect(listed.length).toBeLessThanOrEqual(1);
      const sendable = new Set(
        roleStatements(json, roleId)
          .filter((s) => actionsOf(s).includes('sqs:SendMessage'))
          .flatMap((s) => [...referencedIds(s.Resource as Json)]),
      );
      expect(workQueueIds.filter((id) => sendable.has(id))).toHaveLength(1);
    }
  });
});
