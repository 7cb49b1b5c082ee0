/**
 * Every client the package builds has a connect timeout, a request timeout that throws, and the
 * adaptive retry mode. The handler resolves its settings on its first request, so each client
 * sends one to a closed port before its settings are read.
 */
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { createAwsClients, sqsOperationOf } from '../../shared/aws-clients.ts';
import { awsClientsFor, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulators.ts';
import { closedPort } from '../helpers/ports.ts';

interface ClientLike {
  send(command: never): Promise<unknown>;
  config: {
    requestHandler: unknown;
    retryMode: string | (() => Promise<string>);
    maxAttempts: number | (() => Promise<number>);
  };
}


async function settingsOf(client: ClientLike, command: unknown) {
  await client.send(command as never).catch(() => undefined);
  const { retryMode, maxAttempts, requestHandler } = client.config;
  return {
    handler: (requestHandler as { httpHandlerConfigs(): Record<string, unknown> }).httpHandlerConfigs(),
    retryMode: typeof retryMode === 'function' ? await retryMode() : retryMode,
    maxAttempts: typeof maxAttempts === 'function' ? await maxAttempts() : maxAttempts,
  };
}

const at = (port: number) => ({ endpoint: `http://127.0.0.1:${port}`, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });

describe('createAwsClients', () => {
  it('gives both clients a connect timeout, a request timeout that throws, and adaptive retries', async () => {
    const port = await closedPort();
    const clients = createAwsClients({ sqs: at(port), dynamodb: at(port) });

    for (const [client, command] of [
      [clients.sqs, new ListQueuesCommand({})],
      [clients.dynamodb, new ListTablesCommand({})],
    ] as const) {
      expect(await settingsOf(client as unknown as ClientLike, command)).toEqual({
        handler: expect.objectContaining({ connectionTimeout: 3000, requestTimeout: 5000, throwOnRequestTimeout: true }),
        retryMode: 'adaptive',
        maxAttempts: 3,
      });
    }
  });

  it('takes other timeouts and attempts as options', async () => {
    const port = await closedPort();
    const timeouts = { connectTimeoutMs: 100, requestTimeoutMs: 200, maxAttempts: 2 };
    const clients = createAwsClients({ sqs: at(port), dynamodb: at(port), timeouts });

    const settings = await settingsOf(clients.sqs as unknown as ClientLike, new ListQueuesCommand({}));

    expect(settings.handler).toMatchObject({ connectionTimeout: 100, requestTimeout: 200 });
    expect(settings.maxAttempts).toBe(2);
  });
});

describe('awsClientsFor (the local runtime)', () => {
  it('gives the emulator clients the same timeouts, with two attempts', async () => {
    const port = await closedPort();
    const clients = awsClientsFor({ sqs: at(port).endpoint, dynamodb: at(port).endpoint, s3: at(port).endpoint });
    try {
      const settings = await settingsOf(clients.dynamodb as unknown as ClientLike, new ListTablesCommand({}));
      expect(settings).toEqual({
        handler: expect.objectContaining({ connectionTimeout: 3000, requestTimeout: 5000, throwOnRequestTimeout: true }),
        retryMode: 'adaptive',
        maxAttempts: 2,
      });
      expect((await settingsOf(clients.sqs as unknown as ClientLike, new ListQueuesCommand({}))).handler).toMatchObject({
        requestTimeout: 5000,
      });
    } finally {
      clients.destroy();
    }
  });
});

describe('sqsOperationOf', () => {
  it('names the operation of an SQS JSON-protocol request', () => {
    expect(sqsOperationOf({ headers: { 'x-amz-target': 'AmazonSQS.ReceiveMessage' } })).toBe('ReceiveMessage');
    expect(sqsOperationOf({ headers: {} })).toBeUndefined();
  });
});
