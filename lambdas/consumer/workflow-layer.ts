/**
 * Builds the consumer's workflow layer: the observed store the record processor writes
 * through, and the wrapper that publishes events and advances workflows after each record.
 *
 * @example
 * const layer = createWorkflowLayer({ registry, className, config, clients, logger, store, now });
 * const process = layer.wrap(createRecordProcessor({ …, store: layer.store }));
 */
import type { AwsClients } from '../../shared/aws-clients.ts';
import type { JobLogger } from '../../shared/define-job.ts';
import { noEventPublisher, type EventPublisher } from '../../shared/events/job-events.ts';
import type { JobRegistry } from '../../shared/job-registry.ts';
import type { PipelineConfig } from '../../shared/pipeline-config.ts';
import type { StatusStore } from '../../shared/status-store/status-store.ts';
import { createWorkflowStore } from '../../shared/workflows/workflow-store.ts';
import type { JobMetrics } from './job-metrics.ts';
import { createAdvance } from './workflow-advance.ts';
import { observeStore, withWorkflows } from './workflow-consumer.ts';

export interface WorkflowLayerOptions {
  readonly registry: JobRegistry;
  readonly className: string;
  readonly config: PipelineConfig;
  readonly clients: AwsClients;
  readonly logger: JobLogger;
  readonly store: StatusStore;
  readonly now: () => number;
  readonly events?: EventPublisher;
  readonly metrics?: JobMetrics;
}

export function createWorkflowLayer(options: WorkflowLayerOptions) {
  const observed = observeStore(options.store);
  const publisher = options.events ?? noEventPublisher;
  // A failed publish is logged by the caller and counted here; it never fails the job.
  const events: EventPublisher = {
    publish: (batch) =>
      publisher.publish(batch).catch((error: unknown) => {
        options.metrics?.eventsUnpublished?.(batch.length);
        throw error;
      }),
  };
  const workflows = createWorkflowStore({ documentClient: options.clients.dynamodb, tableName: options.config.tableName, now: options.now });
  const advance = createAdvance({
    // The workflow's own jobs are enqueued with the real store: they are not this delivery's transitions.
    enqueue: { registry: options.registry, config: options.config, clients: options.clients, store: options.store, now: options.now },
    workflows,
    events,
    logger: options.logger,
  });
  return {
    store: observed.store,
    wrap: (process: Parameters<typeof withWorkflows>[0]) =>
      withWorkflows(process, { observed, workflows, advance, events, className: options.className, logger: options.logger, now: options.now }),
  };
}
