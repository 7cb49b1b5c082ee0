/**
 * The work queue and dead-letter queue of one priority class.
 *
 * @example
 * const queues = new ClassQueues(this, 'Reports', {
 *   className: 'reports',
 *   priorityClass: priorityClasses.reports,
 *   namePrefix: 'sqs-jobs-prod',
 * });
 * queues.grantEnqueue(producerRole);
 */
import { Duration } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueueName, pipelineSettings, queueName } from '../shared/pipeline-settings.ts';
import {
  redriveMaxReceiveCount,
  visibilityTimeoutSeconds,
  type PriorityClass,
} from '../shared/priority-classes.ts';

export interface ClassQueuesProps {
  /** Catalog key of the class, used in the queue names. */
  readonly className: string;
  readonly priorityClass: PriorityClass;
  /** Prefix of the queue names, usually `<namePrefix>-<stage>`. */
  readonly namePrefix: string;
  /** Days SQS keeps an unconsumed message. @default pipelineSettings.queueRetentionDays */
  readonly retentionDays?: number;
  /** Days the DLQ keeps a message. @default pipelineSettings.dlqRetentionDays (14, the maximum) */
  readonly deadLetterRetentionDays?: number;
  /** Largest accepted message. @default pipelineSettings.maxMessageBytes (1 MiB) */
  readonly maxMessageBytes?: number;
}

export class ClassQueues extends Construct {
  /** What a producer needs on a work queue; SendMessageBatch is authorized by SendMessage. */
  static readonly ENQUEUE_ACTIONS = ['sqs:SendMessage'] as const;
  /**
   * What a class's consumer needs on its work queue: the event source mapping receives, deletes
   * and reads the queue's attributes; the consumer changes visibility (backoff, hand-backs; the
   * Batch call is authorized by the same action) and sends a re-armed job's next generation.
   */
  static readonly CONSUMER_ACTIONS = [
    'sqs:ReceiveMessage',
    'sqs:DeleteMessage',
    'sqs:GetQueueAttributes',
    'sqs:ChangeMessageVisibility',
    'sqs:SendMessage',
  ] as const;

  readonly className: string;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: ClassQueuesProps) {
    super(scope, id);
    const { className, priorityClass, namePrefix } = props;
    const maxMessageSizeBytes = props.maxMessageBytes ?? pipelineSettings.maxMessageBytes;
    this.className = className;

    // SSE-SQS, not the aws/sqs KMS key: EventBridge rules cannot send to queues encrypted with
    // the AWS-managed key (aws-cdk #30549, #33169), and Scheduler's execution role (the schedule
    // ticks) needs no KMS permission this way.
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      queueName: deadLetterQueueName(namePrefix, className),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      maxMessageSizeBytes,
      retentionPeriod: Duration.days(props.deadLetterRetentionDays ?? pipelineSettings.dlqRetentionDays),
    });

    this.queue = new Queue(this, 'Queue', {
      queueName: queueName(namePrefix, className),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      maxMessageSizeBytes,
      retentionPeriod: Duration.days(props.retentionDays ?? pipelineSettings.queueRetentionDays),
      visibilityTimeout: Duration.seconds(visibilityTimeoutSeconds(priorityClass)),
      deadLetterQueue: {
        queue: this.deadLetterQueue,
        maxReceiveCount: redriveMaxReceiveCount(priorityClass),
      },
    });
  }

  /** Lets `grantee` send jobs to the work queue (not to the DLQ). */
  grantEnqueue(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: [...ClassQueues.ENQUEUE_ACTIONS],
      resourceArns: [this.queue.queueArn],
    });
  }

  /** Lets the consumer move a terminally failed job to the DLQ itself: SendMessage only. */
  grantDeadLetter(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['sqs:SendMessage'],
      resourceArns: [this.deadLetterQueue.queueArn],
    });
  }
}
