/**
 * `sqs-jobs`: define jobs, enqueue them, and operate the pipeline from application code.
 * Nothing here loads the AWS CDK or the local emulators.
 *
 * @example
 * import { z } from 'zod';
 * import { createAwsClients, createJobClient, createJobRegistry, defineJob, loadPipelineConfig } from 'sqs-jobs';
 * const hello = defineJob({ name: 'hello.say', class: 'default', schema: z.object({ to: z.string() }),
 *   async handle({ to }) { return { greeted: to }; } });
 * export const jobRegistry = createJobRegistry([hello]);
 * const jobs = createJobClient({ registry: jobRegistry, config: loadPipelineConfig(), clients: createAwsClients() });
 * await jobs.enqueue('hello.say', { to: 'Ada' });
 */
export { defineJob, type AnyJobDefinition, type JobContext, type JobDefinition, type JobLogger, type JobTracking } from './define-job.ts';
export {
  createJobRegistry,
  isJobRegistry,
  withPriorityClasses,
  type ClassNameOf,
  type DefinitionOf,
  type JobNameOf,
  type JobRegistry,
  type JobRegistryOptions,
  type PayloadOf,
} from './job-registry.ts';
export {
  MAX_ATTEMPTS,
  defaultPriorityClasses,
  definePriorityClasses,
  type DefaultPriorityClassName,
  type PriorityClass,
  type PriorityClassCatalog,
} from './priority-classes.ts';
export type { BackoffPolicy, ExponentialBackoff } from './backoff.ts';
export { defineSchedules, type OverlapPolicy, type Schedule, type ScheduleEntry } from './schedules/schedule-catalog.ts';
export {
  createJobClient,
  type EnqueueEntry,
  type EnqueueManyResult,
  type EnqueuedJob,
  type JobClient,
  type JobClientOptions,
} from './sdk/job-client.ts';
export type { EnqueueOptions } from './sdk/prepare-job.ts';
export type { WaitForOptions } from './sdk/wait-for-job.ts';
export { createWorkflowClient, type StartedWorkflow, type WorkflowClient } from './sdk/workflow-client.ts';
export {
  MAX_BATCH_MEMBERS,
  MAX_CHAIN_STEPS,
  type BatchCounts,
  type BatchOptions,
  type ChainOptions,
  type StepOptions,
  type TypedBatchMember,
  type TypedCallback,
  type TypedChainStep,
  type TypedJobStep,
  type WorkflowKind,
  type WorkflowRecord,
  type WorkflowRef,
} from './workflows/workflow-types.ts';
export {
  JOB_EVENTS_SOURCE,
  JOB_EVENTS_VERSION,
  createLocalEventBus,
  jobEventTypes,
  noEventPublisher,
  type BatchFinishedEvent,
  type ChainFinishedEvent,
  type EventPublisher,
  type JobEvent,
  type JobEventListener,
  type JobEventType,
  type JobTransitionEvent,
  type LocalEventBus,
} from './events/job-events.ts';
export {
  ENV_EVENT_BUS,
  createEventBridgePublisher,
  type EventBridgePublisherOptions,
  type PutEvents,
  type PutEventsEntry,
} from './events/eventbridge-publisher.ts';
export { WorkflowNotFoundError, type JobMembership } from './admin/workflow-admin.ts';
export {
  ENV_QUEUES,
  ENV_TABLE_NAME,
  loadPipelineConfig,
  pipelineEnvironment,
  type PipelineConfig,
  type QueueLocation,
} from './pipeline-config.ts';
export { createAwsClients, DEFAULT_CLIENT_TIMEOUTS, type AwsClients, type ClientTimeouts, type ClientTracer } from './aws-clients.ts';
export { createAdmin, type Admin, type AdminOptions } from './admin/admin.ts';
export { jobStatuses, type JobStatus } from './lifecycle.ts';
export type { JobErrorEntry, JobRecord } from './status-store/job-record.ts';
export { deadLetterAttributeNames } from './dead-letter.ts';
export { encodeEnvelope, type Envelope } from './envelope.ts';
export {
  ConfigurationError,
  EnqueueError,
  InvalidOptionError,
  JobStateConflictError,
  JobTimeoutError,
  NonRetryableError,
  PayloadValidationError,
  SqsJobsError,
  UnknownJobError,
  WaitTimeoutError,
} from './errors.ts';
