/** An endpoint left in the environment by an earlier run: the runtime names it and the fix. */
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalRuntime } from '../../local/runtime.ts';
import { ConfigurationError } from '../../shared/errors.ts';
import { createJobRegistry } from '../../shared/job-registry.ts';
import { closedPort } from '../helpers/ports.ts';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});


describe('startLocalRuntime with a stale endpoint in the environment', () => {
  it('fails with one error naming the variables and how to use the embedded emulators', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SQS: url,
      AWS_ENDPOINT_URL_DYNAMODB: url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_MAX_ATTEMPTS: '1',
    });
    const error = await startLocalRuntime({ registry: createJobRegistry([]), consume: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain(`AWS_ENDPOINT_URL_SQS=${url}`);
    expect((error as Error).message).toContain('unset AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_SQS/_DYNAMODB/_S3 to use the embedded emulators');
  });
});
