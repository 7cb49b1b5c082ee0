/**
 * The demo app's stack: the pipeline over the app's jobs module, the report job's bucket (only
 * the class running that job may write to it), and the outputs an operator needs.
 * Environment-agnostic, so `cdk synth` needs no credentials and no lookups.
 *
 * @example
 * new DemoStack(app, 'sqs-jobs-demo-prod', { stageName: 'prod', alarmEmail: 'ops@example.com' });
 */
import { join } from 'node:path';
import { CfnOutput, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { addPipelineOutputs, JobPipeline, type JobPipelineProps } from 'sqs-jobs/cdk';
import { REPORT_BUCKET_ENV, generateReport } from '../src/jobs/generate-report.ts';

/** The demo's jobs module: its registry and schedules become the pipeline. */
export const DEMO_JOBS_ENTRY = join(import.meta.dirname, '..', 'src', 'jobs.ts');

export interface DemoStackProps extends StackProps, Omit<JobPipelineProps, 'jobs'> {}

export class DemoStack extends Stack {
  readonly pipeline: JobPipeline;
  /** Where this app's example report job writes its CSVs. */
  readonly reportBucket: Bucket;

  constructor(scope: Construct, id: string, props: DemoStackProps = {}) {
    super(scope, id, props);
    this.reportBucket = new Bucket(this, 'ReportBucket', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.reportBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The example report job writes generated CSVs here; object writes are visible in CloudTrail data events ' +
        'where an account enables them, and a second bucket for server access logs would cost more than it tells.',
    });
    this.pipeline = new JobPipeline(this, 'Pipeline', {
      ...props,
      jobs: { entry: DEMO_JOBS_ENTRY },
      // The `heartbeat` schedule runs demo.sleep every 5 minutes: three missed runs page.
      heartbeat: props.heartbeat ?? { job: 'demo.sleep', withinMinutes: 15 },
      // The demo starts no chains or batches: each consumer keeps to its own queue.
      workflows: props.workflows ?? false,
      environment: { ...props.environment, [REPORT_BUCKET_ENV]: this.reportBucket.bucketName },
    });
    // Only the class that runs the report job may write to the bucket.
    const reportConsumer = this.pipeline.consumers.get(generateReport.class);
    if (reportConsumer) {
      const reportObjects = 'reports/*';
      reportConsumer.role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['s3:PutObject'], resources: [this.reportBucket.arnForObjects(reportObjects)] }),
      );
      const bucketId = this.getLogicalId(this.reportBucket.node.defaultChild as CfnBucket);
      const policy = reportConsumer.role.node.findChild('DefaultPolicy');
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${reportObjects}]`,
        reason: 'PutObject under reports/ of the report bucket only: each job chooses its report key at run time.',
      });
    }
    addPipelineOutputs(this, this.pipeline);
    new CfnOutput(this, 'ReportBucketName', {
      description: `Bucket of the example report job (${REPORT_BUCKET_ENV})`,
      value: this.reportBucket.bucketName,
    });
  }
}
