/**
 * How the CLI finds the pipeline: the `SQS_JOBS_*` environment variables (printed by
 * `sqs-jobs dev`, set by the stack on its functions) or a `cdk deploy --outputs-file` JSON file.
 * Endpoint, region and credentials are the AWS SDK's own (`AWS_ENDPOINT_URL_SQS`, `AWS_REGION`, …).
 * The jobs come from the app's config module (see app-config.ts).
 */
import { readFileSync } from 'node:fs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { createAdmin, type Admin } from '../shared/admin/admin.ts';
import { lambdaEventSources } from '../shared/admin/pause-classes.ts';
import { clientSettings, createAwsClients } from '../shared/aws-clients.ts';
import { ConfigurationError } from '../shared/errors.ts';
import type { JobRegistry } from '../shared/job-registry.ts';
import { ENV_QUEUES, ENV_TABLE_NAME, loadPipelineConfig, type PipelineConfig } from '../shared/pipeline-config.ts';
import { createJobClient, type JobClient } from '../shared/sdk/job-client.ts';

export interface ConnectionOptions {
  /** A `cdk deploy --outputs-file` JSON file. */
  readonly outputs?: string;
  /** The stack in that file; needed only when it holds several pipelines. */
  readonly stack?: string;
}

export interface Connection {
  readonly config: PipelineConfig;
  readonly admin: Admin;
  readonly jobs: JobClient<JobRegistry>;
}

export function connect(
  registry: JobRegistry,
  options: ConnectionOptions,
  env: NodeJS.ProcessEnv = process.env,
): Connection {
  const config = options.outputs ? configFromOutputs(options.outputs, options.stack) : configFromEnvironment(env);
  const clients = createAwsClients();
  // A deployed pipeline (outputs file, or no emulator endpoint in the environment) is paused
  // through its event source mappings; the local runtime's pollers read the table flag alone.
  const onAws = options.outputs !== undefined || !(env.AWS_ENDPOINT_URL || env.AWS_ENDPOINT_URL_SQS);
  const eventSources = onAws ? lambdaEventSources(new LambdaClient(clientSettings()), clients.sqs) : undefined;
  return {
    config,
    admin: createAdmin({ registry, config, clients, ...(eventSources ? { eventSources } : {}) }),
    jobs: createJobClient({ registry, config, clients }),
  };
}

function configFromEnvironment(env: NodeJS.ProcessEnv): PipelineConfig {
  if (!env[ENV_TABLE_NAME] && !env[ENV_QUEUES]) {
    throw new ConfigurationError(
      `no pipeline configured: set ${ENV_TABLE_NAME} and ${ENV_QUEUES} (sqs-jobs dev prints them) or pass --outputs <cdk-outputs.json>`,
    );
  }
  return loadPipelineConfig(env);
}

function configFromOutputs(file: string, stack: string | undefined): PipelineConfig {
  let outputs: Record<string, Record<string, string>>;
  try {
    outputs = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string>>;
  } catch (error) {
    throw new ConfigurationError(`cannot read outputs file ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const pipelines = Object.entries(outputs).filter(([, values]) => values?.SqsJobsTableName && values.SqsJobsQueues);
  const chosen = stack ? pipelines.find(([name]) => name === stack) : pipelines.length === 1 ? pipelines[0] : undefined;
  if (!chosen) {
    const names = pipelines.map(([name]) => name).join(', ') || 'none';
    throw new ConfigurationError(
      stack ? `stack "${stack}" is not in ${file} (pipelines there: ${names})` : `${file} holds ${pipelines.length} pipelines (${names}); pass --stack`,
    );
  }
  const [, values] = chosen;
  return loadPipelineConfig({ [ENV_TABLE_NAME]: values.SqsJobsTableName, [ENV_QUEUES]: values.SqsJobsQueues });
}
