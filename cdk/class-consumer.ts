/**
 * The Lambda consumer of one priority class: a NodejsFunction bundled locally by esbuild, fed by
 * its class's queue, with its own log group and a role holding only what this class needs.
 *
 * @example
 * new ClassConsumer(this, 'ReportsConsumer', {
 *   className: 'reports',
 *   priorityClass: priorityClasses.reports,
 *   queues,
 *   jobTable,
 *   entry: 'src/consumer.ts',
 *   depsLockFilePath: 'package-lock.json',
 *   functionName: 'sqs-jobs-prod-reports-consumer',
 *   serviceName: 'sqs-jobs-prod',
 *   metricNamespace: 'SqsJobs/prod',
 * });
 */
import { Duration, Names, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing, type EventSourceMapping } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENV_CONSUMER_CLASS, pipelineEnvironment } from '../shared/pipeline-config.ts';
import type { PriorityClass } from '../shared/priority-classes.ts';
import { CONSUMER_ESBUILD, ESM_REQUIRE_BANNER, RUNTIME_PROVIDED_MODULES } from './bundling.ts';
import { ClassQueues } from './class-queues.ts';
import type { JobTable } from './job-table.ts';
import { acknowledgeTracingWildcard } from './tracing.ts';

/** esbuild settings of every pipeline function (consumers and the delay dispatcher); see bundling.ts. */
export const ESM_BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: CONSUMER_ESBUILD.target,
  minify: CONSUMER_ESBUILD.minify,
  sourceMap: true,
  sourcesContent: CONSUMER_ESBUILD.sourcesContent,
  mainFields: [...CONSUMER_ESBUILD.mainFields],
  // The runtime's AWS SDK v3: see bundling.ts for why and what it costs.
  externalModules: [...RUNTIME_PROVIDED_MODULES],
  banner: ESM_REQUIRE_BANNER,
  forceDockerBundling: false,
};

export interface ClassConsumerProps {
  readonly className: string;
  readonly priorityClass: PriorityClass;
  readonly queues: ClassQueues;
  readonly jobTable: JobTable;
  /** TypeScript file exporting `handler`. */
  readonly entry: string;
  readonly functionName: string;
  /** `POWERTOOLS_SERVICE_NAME` of the function. */
  readonly serviceName: string;
  /** `POWERTOOLS_METRICS_NAMESPACE`: where the job metrics go; the alarms must read the same. */
  readonly metricNamespace: string;
  /** Extra variables; the pipeline's own (`SQS_JOBS_*`, `POWERTOOLS_*`) win. @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** Lock file that pins the bundled dependencies; its directory is the bundling project root. */
  readonly depsLockFilePath: string;
  /** X-Ray active tracing; the role gets PutTraceSegments and PutTelemetryRecords. @default true */
  readonly tracing?: boolean;
}

export class ClassConsumer extends Construct {
  readonly className: string;
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;
  /** Feeds the function from its class's queue, reporting item failures. */
  readonly eventSourceMapping: EventSourceMapping;

  constructor(scope: Construct, id: string, props: ClassConsumerProps) {
    super(scope, id);
    const { className, priorityClass: cls, queues, jobTable } = props;
    this.className = className;

    this.logGroup = new LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/lambda/${props.functionName}`,
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Own role instead of AWSLambdaBasicExecutionRole: logs may go to this log group only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Consumer of the ${className} job queue`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      functionName: props.functionName,
      entry: props.entry,
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: cls.memoryMb,
      timeout: Duration.seconds(cls.timeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      depsLockFilePath: props.depsLockFilePath,
      environment: {
        ...props.environment,
        // Only this class's queue: least privilege and a small environment.
        ...pipelineEnvironment({
          tableName: jobTable.table.tableName,
          queues: {
            [className]: { queueUrl: queues.queue.queueUrl, dlqUrl: queues.deadLetterQueue.queueUrl },
          },
        }),
        [ENV_CONSUMER_CLASS]: className,
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: props.metricNamespace,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: ESM_BUNDLING,
      ...(props.tracing !== false && { tracing: Tracing.ACTIVE }),
    });
    if (props.tracing !== false) acknowledgeTracingWildcard(this.role);

    // A mapping of its own rather than SqsEventSource, whose grant adds sqs:GetQueueUrl: the
    // consumer knows its queue URL from the environment. The id is the one SqsEventSource uses,
    // so a deployed mapping keeps its logical id.
    this.eventSourceMapping = this.function.addEventSourceMapping(
      `SqsEventSource:${Names.nodeUniqueId(queues.queue.node)}`,
      {
        eventSourceArn: queues.queue.queueArn,
        batchSize: cls.batchSize,
        ...(cls.batchWindowSeconds > 0 && { maxBatchingWindow: Duration.seconds(cls.batchWindowSeconds) }),
        reportBatchItemFailures: true,
        maxConcurrency: cls.maxConcurrency,
      },
    );
    queues.queue.grant(this.function, ...ClassQueues.CONSUMER_ACTIONS);
    queues.grantDeadLetter(this.function);
    jobTable.grantConsumerAccess(this.function);
  }
}
