/**
 * AWS SDK clients as the pipeline uses them. The SDK itself reads `AWS_REGION`,
 * `AWS_ENDPOINT_URL` and the per-service `AWS_ENDPOINT_URL_SQS` / `_DYNAMODB` / `_S3`, so the
 * same code reaches AWS, the embedded emulators, LocalStack or moto.
 *
 * @example
 * const clients = createAwsClients(); // from the environment
 * const local = createAwsClients({ sqs: { endpoint: 'http://127.0.0.1:4566' } });
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface AwsClients {
  readonly sqs: SQSClient;
  readonly dynamodb: DynamoDBDocumentClient;
}

export function createAwsClients(config: { sqs?: SQSClientConfig; dynamodb?: DynamoDBClientConfig } = {}): AwsClients {
  return {
    sqs: new SQSClient(config.sqs ?? {}),
    dynamodb: toDocumentClient(new DynamoDBClient(config.dynamodb ?? {})),
  };
}

export function toDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}
