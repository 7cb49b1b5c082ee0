/**
 * The stack outputs an operator needs to reach a pipeline: `SqsJobsTableName` and
 * `SqsJobsQueues` (what `sqs-jobs --outputs cdk-outputs.json` reads), each class's queue URLs,
 * the metric namespace, the two alarm topics, the schedule group and the enqueue policy. Outputs
 * belong to a stack, with fixed ids, so a stack holds one pipeline's outputs.
 *
 * @example
 * const pipeline = new JobPipeline(stack, 'Jobs', { jobs: { entry: 'src/jobs.ts' } });
 * addPipelineOutputs(stack, pipeline);
 * // cdk deploy --outputs-file cdk-outputs.json && npx sqs-jobs --outputs cdk-outputs.json stats
 */
import { CfnOutput, type Stack } from 'aws-cdk-lib';
import { ENV_QUEUES, ENV_TABLE_NAME } from '../shared/pipeline-config.ts';
import type { JobPipeline } from './job-pipeline.ts';
import { pascalCase } from './pipeline-naming.ts';

export function addPipelineOutputs(stack: Stack, pipeline: JobPipeline): void {
    const environment = pipeline.pipelineEnvironment();

    new CfnOutput(stack, 'SqsJobsTableName', {
      description: `Job table (${ENV_TABLE_NAME})`,
      value: required(environment, ENV_TABLE_NAME),
    });
    new CfnOutput(stack, 'SqsJobsQueues', {
      description: `Queue and DLQ URL per class as JSON (${ENV_QUEUES})`,
      value: required(environment, ENV_QUEUES),
    });
    for (const [className, classQueues] of pipeline.queues) {
      const id = pascalCase(className);
      new CfnOutput(stack, `QueueUrl${id}`, {
        description: `Work queue of class ${className}`,
        value: classQueues.queue.queueUrl,
      });
      new CfnOutput(stack, `DlqUrl${id}`, {
        description: `Dead-letter queue of class ${className}`,
        value: classQueues.deadLetterQueue.queueUrl,
      });
    }
    new CfnOutput(stack, 'MetricNamespace', {
      description: 'CloudWatch namespace of the job metrics (POWERTOOLS_METRICS_NAMESPACE)',
      value: pipeline.metricNamespace,
    });
    new CfnOutput(stack, 'AlarmTopicArn', {
      description: 'SNS topic of the critical pipeline alarms',
      value: pipeline.alarms.topic.topicArn,
    });
    new CfnOutput(stack, 'WarningAlarmTopicArn', {
      description: 'SNS topic of the warning pipeline alarms',
      value: pipeline.alarms.warningTopic.topicArn,
    });
    new CfnOutput(stack, 'ScheduleGroupName', {
      description: 'EventBridge Scheduler group of the recurring jobs and the delay dispatcher',
      value: pipeline.jobSchedules.group.scheduleGroupName,
    });
    new CfnOutput(stack, 'ScheduleDlqUrl', {
      description: 'Dead-letter queue of schedule ticks Scheduler could not deliver',
      value: pipeline.jobSchedules.deadLetterQueue.queueUrl,
    });
    new CfnOutput(stack, 'EnqueuePolicyArn', {
      description: 'Managed policy to attach to roles that enqueue jobs',
      value: pipeline.enqueuePolicy.managedPolicyArn,
    });
}

function required(environment: Readonly<Record<string, string>>, key: string): string {
  const value = environment[key];
  if (value === undefined) throw new Error(`pipelineEnvironment() did not set ${key}`);
  return value;
}
