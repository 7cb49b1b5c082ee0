import { describe, expect, it } from 'vitest';
import { runWithTimeout } from '../../lambdas/consumer/run-with-timeout.ts';
import { JobTimeoutError } from '../../shared/errors.ts';

describe('runWithTimeout', () => {
  it('returns the result of an attempt that finishes', async () => {
    await expect(runWithTimeout(async () => 42, 1000)).resolves.toBe(42);
  });

  it('passes the handler error through', async () => {
    await expect(runWithTimeout(async () => Promise.reject(new Error('boom')), 1000)).rejects.toThrow('boom');
  });

  it('settles a hanging attempt as timed out and aborts its signal', async () => {
    let seen: AbortSignal | undefined;
    const never = (signal: AbortSignal) => {
      seen = signal;
      return new Promise<never>(() => undefined);
    };
    await expect(runWithTimeout(never, 20)).rejects.toBeInstanceOf(JobTimeoutError);
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBeInstanceOf(JobTimeoutError);
  });

  it('turns a synchronous throw into a rejection', async () => {
    const throwsAtOnce = (): Promise<never> => {
      throw new Error('sync');
    };
    await expect(runWithTimeout(throwsAtOnce, 1000)).rejects.toThrow('sync');
  });
});
