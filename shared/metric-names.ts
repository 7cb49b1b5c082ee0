/**
 * CloudWatch metrics the consumer emits in embedded metric format, and the dimension names.
 * The CDK alarms and dashboard read the same constants.
 */
export const metricNamespace = 'SqsJobs';

export const jobMetrics = {
  completed: 'JobCompleted',
  failed: 'JobFailed',
  retried: 'JobRetried',
  duration: 'JobDuration',
} as const;

export const metricDimensions = { jobClass: 'JobClass', jobName: 'JobName' } as const;
