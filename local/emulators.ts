/**
 * Embedded AWS emulators for the local runtime and the integration tests: fauxqs (SQS + S3 on
 * one endpoint) and dynalite (DynamoDB), each on a random port, reached at 127.0.0.1.
 *
 * The SDK reads one `AWS_ENDPOINT_URL`, but there are two emulators, so endpoints are passed per
 * service: explicitly to the clients built here, and as the SDK's own service-specific variables
 * (`AWS_ENDPOINT_URL_SQS`, `AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL_S3`) for code that
 * builds its clients with `new SQSClient({})` (the consumers).
 *
 * @example
 * const emulators = await startEmulators();
 * const { sqs, dynamodb } = awsClientsFor(emulators.endpoint);
 * Object.assign(process.env, endpointEnvironment(emulators.endpoint));
 * await emulators.stop();
 */
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { clientSettings, createDynamoDBClient, createSqsClient, type ClientTimeouts } from '../shared/aws-clients.ts';
import { loadEmulatorPackages, type DynaliteOptions, type EmulatorPackages } from './emulator-packages.ts';

export interface EmulatorEndpoints {
  readonly sqs: string;
  readonly dynamodb: string;
  readonly s3: string;
}

export interface RunningEmulators {
  readonly endpoint: EmulatorEndpoints;
  /** Closes both servers and their connections (and flushes persistence). */
  stop(): Promise<void>;
}

export interface StartEmulatorsOptions {
  /**
   * Persist state under this directory (`<dataDir>/sqs` SQLite for fauxqs, `<dataDir>/dynamodb`
   * LevelDB for dynalite). In-memory when absent.
   */
  readonly dataDir?: string;
}

export interface AwsClients {
  readonly sqs: SQSClient;
  readonly dynamodb: DynamoDBClient;
  readonly s3: S3Client;
  /** Closes the clients' sockets. */
  destroy(): void;
}

/** Region the local runtime pretends to be in; fauxqs builds queue ARNs with it. */
export const LOCAL_REGION = 'us-east-1';

/** Any credentials do: the emulators do not check signatures, but the SDK must sign. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** The SDK's service-specific endpoint variables (read before `AWS_ENDPOINT_URL`). */
export const ENDPOINT_ENV = {
  sqs: 'AWS_ENDPOINT_URL_SQS',
  dynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
  s3: 'AWS_ENDPOINT_URL_S3',
} as const;


export async function startEmulators(options: StartEmulatorsOptions = {}): Promise<RunningEmulators> {
  const { dataDir } = options;
  const { startFauxqs, dynalite } = await loadEmulatorPackages();
  if (dataDir) {
    await mkdir(join(dataDir, 'sqs'), { recursive: true });
    await mkdir(join(dataDir, 'dynamodb'), { recursive: true });
  }

  // fauxqs listens on 0.0.0.0 whatever we ask (startFauxqs has no bind option); we connect via
  // 127.0.0.1 only.
  const fauxqs = await startFauxqs({
    port: 0,
    logger: false,
    ...(dataDir ? { dataDir: join(dataDir, 'sqs') } : {}),
  });

  let dynamo: Server;
  try {
    dynamo = await listenDynalite(dynalite, {
      createTableMs: 0,
      deleteTableMs: 0,
      updateTableMs: 0,
      ...(dataDir ? { path: join(dataDir, 'dynamodb') } : {}),
    });
  } catch (error) {
    await fauxqs.stop();
    throw error;
  }

  const address = dynamo.address();
  if (address === null || typeof address === 'string') {
    await Promise.allSettled([fauxqs.stop(), closeServer(dynamo)]);
    throw new Error('dynalite did not report a TCP port');
  }

  const sqsEndpoint = `http://127.0.0.1:${fauxqs.port}`;
  const endpoint: EmulatorEndpoints = {
    sqs: sqsEndpoint,
    s3: sqsEndpoint,
    dynamodb: `http://127.0.0.1:${address.port}`,
  };

  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    stop() {
      stopping ??= Promise.allSettled([fauxqs.stop(), closeServer(dynamo)]).then((results) => {
        const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw failed.reason;
      });
      return stopping;
    },
  };
}

function listenDynalite(dynalite: EmulatorPackages['dynalite'], options: DynaliteOptions): Promise<Server> {
  const server = dynalite(options);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    // dynalite's close also closes its LevelDB store once the HTTP server has stopped.
    server.close((error) => (error ? reject(error) : resolve()));
    // close() waits for open sockets; clients that are never destroyed keep theirs alive.
    server.closeAllConnections();
  });
}

/**
 * The package's connect and request timeouts, with fewer attempts: an emulator that does not
 * answer will not answer on the 3rd try either.
 */
export const LOCAL_CLIENT_TIMEOUTS: Partial<ClientTimeouts> = { maxAttempts: 2 };

/** Where one emulator is and how to sign for it. */
function localEndpoint(endpoint: string) {
  return { endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
}

/** Client configuration for one emulator endpoint, timeouts and retry mode included. */
export function localClientConfig(endpoint: string, timeouts: Partial<ClientTimeouts> = LOCAL_CLIENT_TIMEOUTS) {
  return { ...clientSettings(timeouts), ...localEndpoint(endpoint) };
}

export function awsClientsFor(endpoint: EmulatorEndpoints, timeouts: Partial<ClientTimeouts> = LOCAL_CLIENT_TIMEOUTS): AwsClients {
  // The SQS client also serves the local event-source poller's long polls.
  const sqs = createSqsClient(localEndpoint(endpoint.sqs), timeouts);
  const dynamodb = createDynamoDBClient(localEndpoint(endpoint.dynamodb), timeouts);
  // Path style: virtual-hosted buckets would need `<bucket>.127.0.0.1` to resolve.
  const s3 = new S3Client({ ...localClientConfig(endpoint.s3, timeouts), forcePathStyle: true });
  return {
    sqs,
    dynamodb,
    s3,
    destroy() {
      sqs.destroy();
      dynamodb.destroy();
      s3.destroy();
    },
  };
}

/**
 * Environment variables that point SDK clients built with default settings at the emulators:
 * per-service endpoints, region and dummy credentials. Merge into a child's or process's env.
 */
export function endpointEnvironment(endpoint: EmulatorEndpoints): Record<string, string> {
  return {
    [ENDPOINT_ENV.sqs]: endpoint.sqs,
    [ENDPOINT_ENV.dynamodb]: endpoint.dynamodb,
    [ENDPOINT_ENV.s3]: endpoint.s3,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  };
}

/**
 * Endpoints as the SDK would resolve them from the environment: the service-specific variable
 * first, then `AWS_ENDPOINT_URL`. Undefined when none is set for a service (real AWS).
 */
export function endpointsFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
): Partial<EmulatorEndpoints> {
  const pick = (name: string): string | undefined => env[name] || env.AWS_ENDPOINT_URL || undefined;
  const sqs = pick(ENDPOINT_ENV.sqs);
  const dynamodb = pick(ENDPOINT_ENV.dynamodb);
  const s3 = pick(ENDPOINT_ENV.s3);
  return { ...(sqs ? { sqs } : {}), ...(dynamodb ? { dynamodb } : {}), ...(s3 ? { s3 } : {}) };
}
