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
  /** Milliseconds from when a job was due (enqueued, delayed, or its retry's time) to its start. */
  waitTime: 'JobWaitTime',
  released: 'JobReleased',
  /** Non-terminal records whose message the sweeper found gone (dimension JobClass). */
  messageLost: 'JobMessageLost',
  /** Job and workflow events a consumer could not publish (dimension JobClass); the jobs are unaffected. */
  eventsUnpublished: 'JobEventsUnpublished',
} as const;

export const metricDimensions = { jobClass: 'JobClass', jobName: 'JobName' } as const;
