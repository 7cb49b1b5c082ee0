/**
 * The CDK app (`cdk.json` runs it with tsx): one pipeline stack for the stage given as context,
 * with this application's schedule catalog, checked by the cdk-nag AwsSolutions pack during
 * synthesis.
 *
 *   npx cdk synth --context stage=prod --context alarmEmail=ops@example.com
 */
import { resolve } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { schedules } from '../shared/jobs/schedules.ts';
import { pipelineSettings } from '../shared/pipeline-settings.ts';
import { priorityClasses } from '../shared/priority-classes.ts';
import { readAppContext } from './app-context.ts';
import { PipelineStack } from './pipeline-stack.ts';
import { resourcePrefix } from './pipeline-naming.ts';

const app = new App();
const context = readAppContext(app.node);
const namePrefix = pipelineSettings.namePrefix;

new PipelineStack(app, resourcePrefix(namePrefix, context.stageName), {
  description: `sqs-jobs pipeline, stage ${context.stageName}`,
  priorityClasses,
  schedules,
  namePrefix,
  stageName: context.stageName,
  ...(context.alarmEmail !== undefined && { alarmEmail: context.alarmEmail }),
  ...(context.consumerEntry !== undefined && { consumerEntry: resolve(context.consumerEntry) }),
  ...(context.dispatcherEntry !== undefined && { dispatcherEntry: resolve(context.dispatcherEntry) }),
  ...(context.dispatcherReservedConcurrency !== undefined && {
    dispatcherReservedConcurrency: context.dispatcherReservedConcurrency,
  }),
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
