// An app that only enqueues: its bundle must not contain the CDK or the emulators.
import { createAwsClients, createJobClient, loadPipelineConfig } from 'sqs-jobs';
import { jobRegistry } from '../src/jobs.ts';

export const jobs = createJobClient({ registry: jobRegistry, config: loadPipelineConfig(), clients: createAwsClients() });
