/**
 * The deployable stack: one `JobPipeline` plus the outputs a caller needs to reach it.
 * Environment-agnostic, so `cdk synth` needs no credentials and no lookups.
 *
 * @example
 * new PipelineStack(app, 'sqs-jobs-prod', { stageName: 'prod', alarmEmail: 'ops@example.com' });
 * // export SQS_JOBS_QUEUES=$(aws cloudformation describe-stacks --stack-name sqs-jobs-prod \
 * //   --query "Stacks[0].Outputs[?OutputKey=='SqsJobsQueues'].OutputValue" --output text)
 */
import { CfnOutput, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { REPORT_BUCKET_ENV, generateReport } from '../shared/jobs/generate-report.ts';
import { ENV_QUEUES, ENV_TABLE_NAME } from '../shared/pipeline-config.ts';
import { JobPipeline, type JobPipelineProps } from './job-pipeline.ts';
import { pascalCase } from './pipeline-naming.ts';

export interface PipelineStackProps extends StackProps, JobPipelineProps {}

export class PipelineStack extends Stack {
  readonly pipeline: JobPipeline;
  /** Where this app's example report job writes its CSVs. */
  readonly reportBucket: Bucket;

  constructor(scope: Construct, id: string, props: PipelineStackProps = {}) {
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
    const environment = this.pipeline.pipelineEnvironment();

    new CfnOutput(this, 'SqsJobsTableName', {
      description: `Job table (${ENV_TABLE_NAME})`,
      value: required(environment, ENV_TABLE_NAME),
    });
    new CfnOutput(this, 'SqsJobsQueues', {
      description: `Queue and DLQ URL per class as JSON (${ENV_QUEUES})`,
      value: required(environment, ENV_QUEUES),
    });
    new CfnOutput(this, 'ReportBucketName', {
      description: `Bucket of the example report job (${REPORT_BUCKET_ENV})`,
      value: this.reportBucket.bucketName,
    });
    for (const [className, classQueues] of this.pipeline.queues) {
      const id = pascalCase(className);
      new CfnOutput(this, `QueueUrl${id}`, {
        description: `Work queue of class ${className}`,
        value: classQueues.queue.queueUrl,
      });
      new CfnOutput(this, `DlqUrl${id}`, {
        description: `Dead-letter queue of class ${className}`,
        value: classQueues.deadLetterQueue.queueUrl,
      });
    }
    new CfnOutput(this, 'MetricNamespace', {
      description: 'CloudWatch namespace of the job metrics (POWERTOOLS_METRICS_NAMESPACE)',
      value: this.pipeline.metricNamespace,
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'SNS topic of the pipeline alarms',
      value: this.pipeline.alarms.topic.topicArn,
    });
    new CfnOutput(this, 'ScheduleGroupName', {
      description: 'EventBridge Scheduler group of the recurring jobs and the delay dispatcher',
      value: this.pipeline.jobSchedules.group.scheduleGroupName,
    });
    new CfnOutput(this, 'ScheduleDlqUrl', {
      description: 'Dead-letter queue of schedule ticks Scheduler could not deliver',
      value: this.pipeline.jobSchedules.deadLetterQueue.queueUrl,
    });
    new CfnOutput(this, 'EnqueuePolicyArn', {
      description: 'Managed policy to attach to roles that enqueue jobs',
      value: this.pipeline.enqueuePolicy.managedPolicyArn,
    });
  }
}

function required(environment: Readonly<Record<string, string>>, key: string): string {
  const value = environment[key];
  if (value === undefined) throw new Error(`pipelineEnvironment() did not set ${key}`);
  return value;
}
