/**
 * What workflows and job events need from the stack, kept apart from the pipeline construct:
 * - `workflows` (the default): each consumer may enqueue a chain's next step or a batch's callbacks into any
 *   class, so it gets every work queue in `SQS_JOBS_QUEUES` and `sqs:SendMessage` on them
 *   (the job-table actions consumers hold already suffice);
 * - `events`: each consumer names the bus in `SQS_JOBS_EVENT_BUS` and may `events:PutEvents`
 *   on that bus only.
 *
 * @example
 * new JobPipeline(this, 'Jobs', { jobs: { entry: 'src/jobs.ts' }, workflows: true, events: { bus } });
 */
import { Grant } from 'aws-cdk-lib/aws-iam';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { ENV_EVENT_BUS } from '../shared/events/eventbridge-publisher.ts';
import { ENV_QUEUES, type PipelineConfig } from '../shared/pipeline-config.ts';
import type { ClassConsumer } from './class-consumer.ts';
import { ClassQueues } from './class-queues.ts';

export interface JobEventsProps {
  /** The bus the consumers publish job and workflow events to (detail version 1, source `sqs-jobs`). */
  readonly bus: IEventBus;
}

export interface WorkflowWiringProps {
  readonly consumers: ReadonlyMap<string, ClassConsumer>;
  readonly queues: ReadonlyMap<string, ClassQueues>;
  readonly config: PipelineConfig;
  readonly workflows: boolean;
  readonly events: JobEventsProps | undefined;
}

export function wireWorkflows(props: WorkflowWiringProps): void {
  const workQueueArns = [...props.queues.values()].map((classQueues) => classQueues.queue.queueArn);
  for (const consumer of props.consumers.values()) {
    if (props.workflows) {
      // Sending needs only the work queues; the DLQ URLs ride along as the config format has them.
      consumer.function.addEnvironment(ENV_QUEUES, JSON.stringify(props.config.queues));
      Grant.addToPrincipal({ grantee: consumer.function, actions: [...ClassQueues.ENQUEUE_ACTIONS], resourceArns: workQueueArns });
    }
    if (props.events) {
      consumer.function.addEnvironment(ENV_EVENT_BUS, props.events.bus.eventBusName);
      props.events.bus.grantPutEventsTo(consumer.function);
    }
  }
}
