import { describe, expect, it } from 'vitest';
import {
  classConstructId,
  consumerFunctionName,
  dispatcherFunctionName,
  pascalCase,
  resourcePrefix,
  scheduleDeadLetterQueueName,
  stageMetricNamespace,
} from '../../cdk/pipeline-naming.ts';

describe('pipeline naming', () => {
  it('derives ids and names from class, prefix and stage', () => {
    expect(pascalCase('high-priority')).toBe('HighPriority');
    expect(pascalCase('low_priority2')).toBe('LowPriority2');
    expect(classConstructId('default')).toBe('ClassDefault');
    expect(consumerFunctionName(resourcePrefix('sqs-jobs', 'prod'), 'reports')).toBe('sqs-jobs-prod-reports-consumer');
    expect(dispatcherFunctionName('sqs-jobs-prod')).toBe('sqs-jobs-prod-delay-dispatcher');
    expect(scheduleDeadLetterQueueName('sqs-jobs-prod')).toBe('sqs-jobs-prod-schedule-dlq');
  });

  it('gives every stage its own metric namespace', () => {
    expect(stageMetricNamespace('prod')).toBe('SqsJobs/prod');
    expect(stageMetricNamespace('pr-12')).toBe('SqsJobs/pr-12');
  });
});
