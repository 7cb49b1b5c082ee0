/**
 * DynamoDB metrics of the job table as metric-math sums, for its alarms: throttled reads and
 * writes on the table and on each index (an index's throttled writes hold back the table's
 * writes too), and service-side errors per operation, which DynamoDB publishes only with an
 * `Operation` dimension. Missing periods count as 0: DynamoDB publishes these only when they
 * happen.
 *
 * @example
 * tableThrottleEvents(jobTable.table, ['byStatus']);
 * tableSystemErrors(jobTable.table);
 */
import { Duration } from 'aws-cdk-lib';
import { MathExpression, Metric, Stats } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';

/** Every operation the pipeline calls: SDK, consumers, dispatcher and admin. */
export const JOB_TABLE_OPERATIONS = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'BatchGetItem'] as const;

const NAMESPACE = 'AWS/DynamoDB';

/** Read and write throttle events of the table and each index, summed. */
export function tableThrottleEvents(table: ITable, indexNames: readonly string[], period = Duration.minutes(5)): MathExpression {
  const metrics: Record<string, Metric> = {};
  const scopes: Array<[string, Record<string, string>]> = [
    ['table', { TableName: table.tableName }],
    ...indexNames.map((name, i): [string, Record<string, string>] => [
      `index${i}`,
      { TableName: table.tableName, GlobalSecondaryIndexName: name },
    ]),
  ];
  for (const [key, dimensionsMap] of scopes) {
    for (const metricName of ['ReadThrottleEvents', 'WriteThrottleEvents']) {
      const id = `${metricName === 'ReadThrottleEvents' ? 'read' : 'write'}_${key}`;
      metrics[id] = new Metric({ namespace: NAMESPACE, metricName, dimensionsMap, statistic: Stats.SUM, period });
    }
  }
  return sumOf(metrics, period, 'throttle events (table and indexes)');
}

/** HTTP 500s from DynamoDB over the pipeline's operations, summed. */
export function tableSystemErrors(
  table: ITable,
  operations: readonly string[] = JOB_TABLE_OPERATIONS,
  period = Duration.minutes(5),
): MathExpression {
  const metrics: Record<string, Metric> = {};
  for (const operation of operations) {
    metrics[`errors_${operation.toLowerCase()}`] = new Metric({
      namespace: NAMESPACE,
      metricName: 'SystemErrors',
      dimensionsMap: { TableName: table.tableName, Operation: operation },
      statistic: Stats.SUM,
      period,
    });
  }
  return sumOf(metrics, period, 'system errors');
}

function sumOf(metrics: Record<string, Metric>, period: Duration, label: string): MathExpression {
  return new MathExpression({
    expression: Object.keys(metrics).map((id) => `FILL(${id}, 0)`).join(' + '),
    usingMetrics: metrics,
    period,
    label,
  });
}
