/**
 * The consumer as one plain function: an SQS event in, `batchItemFailures` out. The Lambda
 * entry wraps it with middy; the local runtime calls it directly. One bad record never fails
 * the batch: every record is settled on its own and only the ones to see again are reported.
 *
 * @example
 * const consume = createConsumer({ registry, className: 'default', config, clients, logger });
 * const { batchItemFailures } = await consume(event, context);
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { AwsClients } from '../../shared/aws-clients.ts';
import { mapWithConcurrency } from '../../shared/concurrency.ts';
import type { JobLogger } from '../../shared/define-job.ts';
import { ConfigurationError, errorMessage } from '../../shared/errors.ts';
import type { JobRegistry } from '../../shared/job-registry.ts';
import { queueLocationFor, type PipelineConfig } from '../../shared/pipeline-config.ts';
import { DEADLINE_MARGIN_SECONDS } from '../../shared/priority-classes.ts';
import { createScheduleLock } from '../../shared/status-store/schedule-lock.ts';
import { createStatusStore, retentionFor, type StatusStore } from '../../shared/status-store/status-store.ts';
import { createAggregateWriter } from '../../shared/status-store/job-aggregates.ts';
import { withAggregates } from './aggregate-metrics.ts';
import type { EventPublisher } from '../../shared/events/job-events.ts';
import { createWorkflowLayer } from './workflow-layer.ts';
import { noJobMetrics, type JobMetrics } from './job-metrics.ts';
import { createRecordProcessor } from './process-record.ts';
import { collectVisibilityChanges } from './visibility-changes.ts';
import { looksLeanFirstDelivery } from './lean-run.ts';

export interface ConsumerOptions {
  readonly registry: JobRegistry;
  /** The priority class whose queue this consumer serves. */
  readonly className: string;
  readonly config: PipelineConfig;
  readonly clients: AwsClients;
  readonly logger: JobLogger;
  /** @defaultValue no metrics */
  readonly metrics?: JobMetrics;
  /** @defaultValue a store on `config.tableName` */
  readonly store?: StatusStore;
  /** @defaultValue Date.now */
  readonly now?: () => number;
  /** Records are not started this close to the deadline. @defaultValue the smaller of DEADLINE_MARGIN_SECONDS and 10 % of the class timeout */
  readonly deadlineMarginMs?: number;
  /** Where job and workflow events go (see shared/events). @defaultValue nowhere */
  readonly events?: EventPublisher;
}

/** Seconds a message stays hidden beyond the invocation's own deadline, covering the response's way back. */
const CRASH_COVER_MARGIN_SECONDS = 5;

export type SqsBatchHandler = (
  event: SQSEvent,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
) => Promise<SQSBatchResponse>;

export function createConsumer(options: ConsumerOptions): SqsBatchHandler {
  const classes = options.registry.classes;
  const cls = Object.hasOwn(classes, options.className) ? classes[options.className] : undefined;
  if (!cls) throw new ConfigurationError(`consumer class "${options.className}" is not in the priority-class catalog`);
  const now = options.now ?? Date.now;
  const { logger } = options;
  const metrics = withAggregates(
    options.metrics ?? noJobMetrics,
    createAggregateWriter({ documentClient: options.clients.dynamodb, tableName: options.config.tableName, className: options.className, now }),
    logger,
  );
  const store =
    options.store ??
    createStatusStore({ documentClient: options.clients.dynamodb, tableName: options.config.tableName, retention: retentionFor(options.config), now });
  // Workflows and events wrap the processor, which writes through the observed store.
  const workflows = createWorkflowLayer({ ...options, store, now, metrics });
  const process = workflows.wrap(createRecordProcessor({
    registry: options.registry,
    className: options.className,
    cls,
    queue: queueLocationFor(options.config, options.className),
    clients: options.clients,
    store: workflows.store,
    tableName: options.config.tableName,
    scheduleLock: createScheduleLock({ documentClient: options.clients.dynamodb, tableName: options.config.tableName, now }),
    logger,
    metrics,
    now,
    deadlineMarginMs: options.deadlineMarginMs ?? Math.min(DEADLINE_MARGIN_SECONDS * 1000, cls.timeoutSeconds * 100),
  }));

  const { queueUrl } = queueLocationFor(options.config, options.className);
  return async (event, context) => {
    const deadlineMs = now() + context.getRemainingTimeInMillis();
    // A crash mid-invocation leaves its messages invisible only as long as the invocation could
    // have run, instead of the queue's visibility timeout (6 × the function timeout): they come
    // back within about the class timeout. One ChangeMessageVisibilityBatch per ten records.
    const crashCover = collectVisibilityChanges(options.clients.sqs, queueUrl, logger, now(), now);
    const coverSeconds = Math.ceil(context.getRemainingTimeInMillis() / 1000) + CRASH_COVER_MARGIN_SECONDS;
    // A lean job's first run trades this for its cost: crashed, it comes back after the queue's timeout.
    for (const record of event.Records) if (!looksLeanFirstDelivery(record)) crashCover.set(record, coverSeconds);
    await crashCover.flush();
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    const visibility = collectVisibilityChanges(options.clients.sqs, queueUrl, logger, now(), now);
    await mapWithConcurrency(event.Records, cls.recordParallelism, async (record) => {
      let outcome: 'delete' | 'keep';
      try {
        outcome = await process(record, deadlineMs, visibility);
      } catch (error) {
        // AWS unreachable or a bug: keep the message; it comes back after its visibility timeout.
        logger.error('record could not be settled; it will be delivered again', {
          messageId: record.messageId,
          error: errorMessage(error),
        });
        outcome = 'keep';
      }
      if (outcome === 'keep') batchItemFailures.push({ itemIdentifier: record.messageId });
    });
    // Before the response: a record reported as failed must already have its new visibility.
    await visibility.flush();
    await metrics.flush();
    return { batchItemFailures };
  };
}
