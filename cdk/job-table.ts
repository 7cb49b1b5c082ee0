/**
 * The DynamoDB table holding one record per job, shaped by `shared/job-table.ts`.
 *
 * @example
 * const jobs = new JobTable(this, 'Jobs', { tableName: 'sqs-jobs-prod-jobs' });
 * jobs.grantConsumerAccess(consumerFunction);
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { jobTable } from '../shared/job-table.ts';

export interface JobTableProps {
  readonly tableName: string;
  /** What happens to the table when it leaves the stack. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

export class JobTable extends Construct {
  /**
   * Item actions of a consumer: GetItem, and UpdateItem for claims and settlements (the first
   * claim creates a plain job's record) and for its aggregates. PutItem adds nothing UpdateItem
   * cannot already do to an item. No Query: a consumer reads items by key only.
   */
  static readonly CONSUMER_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] as const;
  /**
   * The SDK sends a plain job's message and writes nothing; a keyed, unique, debounced or
   * long-delayed job's record is written first (and removed if sending fails); `cancel` and
   * workflows write and read their items by key.
   */
  static readonly ENQUEUE_ACTIONS = [
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
  ] as const;

  /**
   * Item actions of the delay dispatcher: read the due jobs (BatchGetItem, since the index holds
   * keys only), then mark each one sent; its sweeper scans a slice of the table for in-flight
   * records each run. Query is granted on the table and `byStatus` only.
   */
  static readonly DISPATCHER_ACTIONS = ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:BatchGetItem', 'dynamodb:Scan'] as const;

  readonly table: Table;
  /** ARNs of the GSIs by name; named one by one so grants need no `index/*` wildcard. */
  readonly indexArns: Readonly<Record<keyof typeof jobTable.indexes, string>>;
  /** Names of the GSIs, for their CloudWatch metrics (`GlobalSecondaryIndexName`). */
  readonly indexNames: readonly string[];

  constructor(scope: Construct, id: string, props: JobTableProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const { byStatus } = jobTable.indexes;

    this.table = new Table(this, 'Table', {
      tableName: props.tableName,
      partitionKey: { name: jobTable.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // The aws/dynamodb key: key use shows in CloudTrail, no key policy or monthly fee to manage,
      // and nothing outside DynamoDB (Scheduler, other accounts) needs a grant on it.
      encryption: TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: jobTable.ttlAttribute,
      removalPolicy,
      // A retained table should not be deletable by a stray console click either.
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: byStatus.name,
      partitionKey: { name: byStatus.partitionKey, type: AttributeType.STRING },
      sortKey: { name: byStatus.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });
    this.indexArns = {
      byStatus: `${this.table.tableArn}/index/${byStatus.name}`,
    };
    this.indexNames = [byStatus.name];
  }

  /** GetItem, PutItem, UpdateItem on the table; no index. */
  grantConsumerAccess(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: [...JobTable.CONSUMER_ACTIONS],
      resourceArns: [this.table.tableArn],
    });
  }

  /** GetItem, UpdateItem, BatchGetItem on the table; Query on the table and `byStatus`. */
  grantDispatcherAccess(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: [...JobTable.DISPATCHER_ACTIONS],
      resourceArns: [this.table.tableArn],
    }).combine(
      Grant.addToPrincipal({
        grantee,
        actions: ['dynamodb:Query'],
        resourceArns: [this.table.tableArn, this.indexArns.byStatus],
      }),
    );
  }

  /** What `enqueue` needs: write the job record before sending, read it back, remove it on failure. */
  grantEnqueue(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: [...JobTable.ENQUEUE_ACTIONS],
      resourceArns: [this.table.tableArn],
    });
  }
}
