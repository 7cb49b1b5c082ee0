/**
 * A service that accepts connections and never answers (a SIGSTOPped emulator, a half-open
 * route): calls end with the clients' request timeout instead of hanging, and an enqueue
 * rejects. Long polls still get their whole wait.
 */
import { createServer, type Socket } from 'node:net';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../../shared/aws-clients.ts';
import { EnqueueError } from '../../shared/errors.ts';
import { createJobClient } from '../../shared/sdk/job-client.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulators.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { startTestRuntime } from './harness.ts';
import { testRegistry } from './test-jobs.ts';

let runtime: LocalRuntime<typeof testRegistry>;
let frozen: { endpoint: string; close(): Promise<void> };
const built: AwsClients[] = [];

beforeAll(async () => {
  runtime = await startTestRuntime(testRegistry, { consume: false });
  frozen = await startFrozenServer();
});
afterEach(() => {
  for (const clients of built.splice(0)) {
    clients.sqs.destroy();
    clients.dynamodb.destroy();
  }
});
afterAll(async () => {
  await frozen?.close();
  await runtime?.stop();
});

/** Accepts connections, reads nothing, answers nothing. */
async function startFrozenServer(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Short timeouts, so that each test settles in a few seconds. */
const quick = { connectTimeoutMs: 500, requestTimeoutMs: 500, maxAttempts: 2 };
const frozenService = () => ({ endpoint: frozen.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });

function clients(config: Parameters<typeof createAwsClients>[0]): AwsClients {
  const made = createAwsClients(config);
  built.push(made);
  return made;
}

describe('a service that never answers', () => {
  it('makes enqueue reject when DynamoDB does not answer', async () => {
    const jobs = createJobClient({
      registry: testRegistry,
      config: runtime.config,
      clients: clients({ sqs: frozenService(), dynamodb: frozenService(), timeouts: quick }),
    });

    // A keyed job: its enqueue writes the record before sending.
    const error = await jobs.enqueue('test.ok', { value: 1 }, { idempotencyKey: 'frozen-dynamo' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(EnqueueError);
    expect((error as Error).message).toMatch(/^could not record job "test.ok" in table .*requestTimeout/);
    expect(((error as Error).cause as Error).name).toBe('TimeoutError');
  });

  it('makes enqueue reject, and take its record back, when SQS does not answer', async () => {
    const jobs = createJobClient({
      registry: testRegistry,
      config: runtime.config,
      clients: { sqs: clients({ sqs: frozenService(), timeouts: quick }).sqs, dynamodb: runtime.clients.dynamodb },
    });

    const error = await jobs.enqueue('test.ok', { value: 1 }, { idempotencyKey: 'frozen-sqs' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(EnqueueError);
    expect((error as Error).message).toMatch(/^could not send job "test.ok" to the default queue: .*requestTimeout/);
    // Nothing half-written blocks the same key once SQS answers again.
    const again = await runtime.jobs.enqueue('test.ok', { value: 1 }, { idempotencyKey: 'frozen-sqs' });
    expect(again.duplicate).toBe(false);
  });
});

describe('long polls', () => {
  it('wait longer than the request timeout', async () => {
    // The runtime put the emulators' endpoints in the environment, as a deployment would.
    const { sqs } = clients({ timeouts: { requestTimeoutMs: 300, maxAttempts: 1 } });

    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: runtime.config.queues['high-priority']!.dlqUrl, WaitTimeSeconds: 2 }),
    );

    expect(received.Messages ?? []).toEqual([]);
  });
});
