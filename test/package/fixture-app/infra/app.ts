// The app's own CDK app: the construct over its jobs module, checked by cdk-nag.
import { App, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { JobPipeline, addPipelineOutputs } from 'sqs-jobs/cdk';

const app = new App();
const stack = new Stack(app, 'HelloJobs');
const pipeline = new JobPipeline(stack, 'Jobs', { jobs: { entry: 'src/jobs.ts' } });
addPipelineOutputs(stack, pipeline);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
