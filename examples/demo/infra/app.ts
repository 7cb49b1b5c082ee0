/**
 * The demo app's CDK app (`cdk.json` runs it with tsx): one stack with the pipeline over the
 * app's jobs module and the report job's bucket, checked by the cdk-nag AwsSolutions pack.
 *
 *   npx cdk synth --context stage=prod --context alarmEmail=ops@example.com
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readAppContext } from 'sqs-jobs/cdk';
import { DemoStack } from './demo-stack.ts';

const app = new App();
const context = readAppContext(app.node);

new DemoStack(app, `sqs-jobs-demo-${context.stageName}`, {
  description: `sqs-jobs demo app, stage ${context.stageName}`,
  stageName: context.stageName,
  ...(context.alarmEmail !== undefined && { alarmEmail: context.alarmEmail }),
  ...(context.warningEmail !== undefined && { warningEmail: context.warningEmail }),
  ...(context.dispatcherReservedConcurrency !== undefined && {
    dispatcherReservedConcurrency: context.dispatcherReservedConcurrency,
  }),
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
