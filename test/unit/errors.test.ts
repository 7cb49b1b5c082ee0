import { describe, expect, it } from 'vitest';
import { JobReleasedSignal, NonRetryableError, SqsJobsError, awsErrorName, isErrorNamed } from '../../shared/errors.ts';

describe('errors', () => {
  it('carry their names, also through stack traces', () => {
    const error = new NonRetryableError('gone');
    expect(error.name).toBe('NonRetryableError');
    expect(String(error)).toBe('NonRetryableError: gone');
    expect(error).toBeInstanceOf(SqsJobsError);
  });

  it('are recognised by name when instanceof cannot (bundled duplicates)', () => {
    const copy = Object.assign(new Error('x'), { name: 'JobReleasedSignal' });
    expect(isErrorNamed(copy, JobReleasedSignal)).toBe(true);
    expect(isErrorNamed(new Error('x'), JobReleasedSignal)).toBe(false);
    expect(isErrorNamed('JobReleasedSignal', JobReleasedSignal)).toBe(false);
  });

  it('strips the legacy SQS prefix from AWS error names', () => {
    const error = Object.assign(new Error('x'), { name: 'AWS.SimpleQueueService.NonExistentQueue' });
    expect(awsErrorName(error)).toBe('NonExistentQueue');
  });
});
