/**
 * The encrypted SNS topics the pipeline's alarms notify, and the key they share. CloudWatch
 * cannot publish to a topic under the AWS-managed aws/sns key, so the key is customer-managed
 * and its policy lets CloudWatch use it, for this account's alarms only.
 *
 * @example
 * const key = alarmTopicKey(this, 'TopicKey', 'sqs-jobs-prod');
 * const topic = alarmTopic(this, 'Topic', { topicName: 'sqs-jobs-prod-alarms', key, email: 'ops@example.com' });
 */
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';

export const CLOUDWATCH_PRINCIPAL = 'cloudwatch.amazonaws.com';

export interface AlarmTopicProps {
  readonly topicName: string;
  readonly key: Key;
  /** Address subscribed to the topic. @default - no subscription */
  readonly email?: string;
}

/** Confused-deputy guard: CloudWatch acts only for alarms of this account and region. */
export function cloudWatchAlarmConditions(scope: Construct): Record<string, Record<string, string>> {
  const stack = Stack.of(scope);
  return {
    StringEquals: { 'aws:SourceAccount': stack.account },
    ArnLike: {
      'aws:SourceArn': stack.formatArn({
        service: 'cloudwatch',
        resource: 'alarm',
        resourceName: '*',
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    },
  };
}

/** A rotating key for the alarm topics; CloudWatch may encrypt with it for this account's alarms. */
export function alarmTopicKey(scope: Construct, id: string, prefix: string): Key {
  const key = new Key(scope, id, {
    description: `Encrypts the ${prefix} alarm topics`,
    enableKeyRotation: true,
    // The key protects only transient notifications; the topics die with it.
    removalPolicy: RemovalPolicy.DESTROY,
    pendingWindow: Duration.days(7),
  });
  key.addToResourcePolicy(
    new PolicyStatement({
      principals: [new ServicePrincipal(CLOUDWATCH_PRINCIPAL)],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: cloudWatchAlarmConditions(scope),
    }),
  );
  return key;
}

/** A TLS-only topic encrypted with `key`, publishable by this account's CloudWatch alarms. */
export function alarmTopic(scope: Construct, id: string, props: AlarmTopicProps): Topic {
  const topic = new Topic(scope, id, { topicName: props.topicName, masterKey: props.key, enforceSSL: true });
  // A topic policy replaces SNS's default one, so CloudWatch needs its own Allow.
  topic.addToResourcePolicy(
    new PolicyStatement({
      principals: [new ServicePrincipal(CLOUDWATCH_PRINCIPAL)],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: cloudWatchAlarmConditions(scope),
    }),
  );
  if (props.email !== undefined) topic.addSubscription(new EmailSubscription(props.email));
  return topic;
}
