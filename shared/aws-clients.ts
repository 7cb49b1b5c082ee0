/**
 * AWS SDK clients as the pipeline uses them. The SDK itself reads `AWS_REGION`,
 * `AWS_ENDPOINT_URL` and the per-service `AWS_ENDPOINT_URL_SQS` / `_DYNAMODB` / `_S3`, so the
 * same code reaches AWS, the embedded emulators, LocalStack or moto.
 *
 * Every client built here has a connect timeout, a request timeout and the SDK's adaptive retry
 * mode. The SDK sets no timeout of its own: a peer that accepts the connection and never answers
 * (a frozen process, a half-open route) would hold a call, an enqueue say, forever.
 *
 * @example
 * const clients = createAwsClients(); // from the environment
 * const local = createAwsClients({ sqs: { endpoint: 'http://127.0.0.1:4566' } });
 * const impatient = createAwsClients({ timeouts: { requestTimeoutMs: 1000, maxAttempts: 2 } });
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface AwsClients {
  readonly sqs: SQSClient;
  readonly dynamodb: DynamoDBDocumentClient;
}

export interface ClientTimeouts {
  /** Establishing the TCP connection, per attempt. */
  readonly connectTimeoutMs: number;
  /** From sending a request to the end of its response, per attempt. */
  readonly requestTimeoutMs: number;
  /** Attempts per call, the first one included, spaced by the SDK's adaptive retry mode. */
  readonly maxAttempts: number;
}

/**
 * - 3 s to connect: AWS endpoints and the local emulators accept within milliseconds; a connect
 *   that takes seconds will not complete.
 * - 5 s per request: the calls made here (single items, batches of ≤ 100 keys or ≤ 1 MiB of
 *   messages) are answered in tens of milliseconds; a request still silent after 5 s is hung.
 * - 3 attempts (the SDK's default count): against a peer that never answers, a call gives up
 *   after about 3 × 5 s instead of never.
 */
export const DEFAULT_CLIENT_TIMEOUTS: ClientTimeouts = { connectTimeoutMs: 3_000, requestTimeoutMs: 5_000, maxAttempts: 3 };

/** SQS's longest long poll (ReceiveMessage `WaitTimeSeconds`). */
export const MAX_LONG_POLL_SECONDS = 20;

/** SDK client settings that carry the timeouts and the retry mode; a client's own config goes over them. */
export function clientSettings(timeouts: Partial<ClientTimeouts> = {}) {
  const { connectTimeoutMs, requestTimeoutMs, maxAttempts } = { ...DEFAULT_CLIENT_TIMEOUTS, ...timeouts };
  return {
    requestHandler: {
      connectionTimeout: connectTimeoutMs,
      requestTimeout: requestTimeoutMs,
      // Without it the handler only logs a warning when the request timeout passes.
      throwOnRequestTimeout: true,
    },
    // Adaptive: standard retries, plus client-side rate limiting once the service throttles.
    retryMode: 'adaptive',
    maxAttempts,
  } as const;
}

/** Instruments a client before its first request, e.g. Powertools' `tracer.captureAWSv3Client`. */
export interface ClientTracer {
  captureAWSv3Client<T>(client: T): T;
}

export function createAwsClients(
  config: {
    sqs?: SQSClientConfig;
    dynamodb?: DynamoDBClientConfig;
    timeouts?: Partial<ClientTimeouts>;
    /** X-Ray: each call becomes a subsegment, and SQS carries the trace to the consumer. @defaultValue none */
    tracer?: ClientTracer;
  } = {},
): AwsClients {
  const trace = <T>(client: T): T => (config.tracer ? config.tracer.captureAWSv3Client(client) : client);
  return {
    sqs: trace(createSqsClient(config.sqs, config.timeouts)),
    dynamodb: toDocumentClient(trace(createDynamoDBClient(config.dynamodb, config.timeouts))),
  };
}

/**
 * An SQS client whose ReceiveMessage calls may also wait out a long poll: they get
 * MAX_LONG_POLL_SECONDS on top of the request timeout (unless the caller passes its own).
 */
export function createSqsClient(config: SQSClientConfig = {}, timeouts: Partial<ClientTimeouts> = {}): SQSClient {
  const settings = clientSettings(timeouts);
  const sqs = new SQSClient({ ...settings, ...config });
  if (config.requestHandler === undefined) {
    allowLongPolls(sqs, settings.requestHandler.requestTimeout + MAX_LONG_POLL_SECONDS * 1000);
  }
  return sqs;
}

export function createDynamoDBClient(config: DynamoDBClientConfig = {}, timeouts: Partial<ClientTimeouts> = {}): DynamoDBClient {
  return new DynamoDBClient({ ...clientSettings(timeouts), ...config });
}

export function toDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

interface TimedHandler {
  handle(request: { headers: Record<string, string> }, options?: { requestTimeout?: number }): Promise<unknown>;
}

/** The operation an SQS request calls, from its AWS JSON protocol target header. */
export function sqsOperationOf(request: { headers: Record<string, string> }): string | undefined {
  return request.headers['x-amz-target']?.replace(/^AmazonSQS\./, '');
}

/**
 * Wraps the handler the SDK built, so that a ReceiveMessage gets `receiveTimeoutMs`: a receiver
 * that long-polls (the local event-source poller) needs no per-call timeout of its own.
 */
function allowLongPolls(sqs: SQSClient, receiveTimeoutMs: number): void {
  const handler = sqs.config.requestHandler as unknown as TimedHandler;
  const handle = handler.handle.bind(handler);
  handler.handle = (request, options = {}) =>
    handle(
      request,
      options.requestTimeout === undefined && sqsOperationOf(request) === 'ReceiveMessage'
        ? { ...options, requestTimeout: receiveTimeoutMs }
        : options,
    );
}
