/**
 * One error hierarchy for sqs-jobs. Every class has an explicit `name` on its prototype, and `isErrorNamed`
 * checks the name as well as `instanceof`, so the checks survive bundling and duplicate copies
 * of this module.
 *
 * Two of them are signals a job handler throws on purpose:
 * - `NonRetryableError`: fail the job now, skipping the remaining attempts.
 * - `JobReleasedSignal` (thrown by `ctx.release(seconds)`): put the job back without
 *   counting a failed attempt.
 *
 * @example
 * if (response.status === 404) throw new NonRetryableError('customer no longer exists');
 */

export class SqsJobsError extends Error {
}

/** A job payload failed its schema. `issues` names each field and what was wrong with it. */
export class PayloadValidationError extends SqsJobsError {
  constructor(
    readonly jobName: string,
    readonly issues: readonly { path: string; message: string }[],
  ) {
    super(
      `invalid payload for job "${jobName}": ${issues.map((i) => `${i.path || '(payload)'}: ${i.message}`).join('; ')}`,
    );
  }
}

export class UnknownJobError extends SqsJobsError {
  constructor(readonly jobName: string) {
    super(`unknown job "${jobName}": no job definition with that name is registered`);
  }
}

/** Options that the pipeline cannot honour (a delay too long, an unknown class, …). */
export class InvalidOptionError extends SqsJobsError {
}

/** Environment or catalog configuration that is missing or malformed. */
export class ConfigurationError extends SqsJobsError {
}

/** SQS or DynamoDB refused or could not be reached while enqueueing; nothing was left behind. */
export class EnqueueError extends SqsJobsError {
}

/** A message body that is not a valid sqs-jobs envelope. */
export class EnvelopeError extends SqsJobsError {
}

/** The job ran out of time (its own timeout or the consumer's deadline). Retryable. */
export class JobTimeoutError extends SqsJobsError {
  constructor(readonly timeoutMs: number) {
    super(`job timed out after ${Math.round(timeoutMs / 100) / 10}s`);
  }
}

/** Thrown by a handler to fail the job at once, without further attempts. */
export class NonRetryableError extends SqsJobsError {
}

/** Thrown by `ctx.release(seconds)`: re-queue the job after a delay without counting a failure. */
export class JobReleasedSignal extends SqsJobsError {
  constructor(readonly delaySeconds: number) {
    super(`job released for ${delaySeconds}s`);
  }
}

/** A status write whose condition no longer held: someone else changed the job first. */
export class JobStateConflictError extends SqsJobsError {
  constructor(
    readonly jobId: string,
    readonly expected: string,
  ) {
    super(`job ${jobId} is no longer ${expected}`);
  }
}

/** `waitFor` gave up before the job finished; `lastStatus` is what the record said last. */
export class WaitTimeoutError extends SqsJobsError {
  constructor(
    readonly jobId: string,
    readonly lastStatus: string | undefined,
  ) {
    super(`job ${jobId} did not finish in time (last status: ${lastStatus ?? 'no record'})`);
  }
}

// Names live on the prototypes (not instance fields) so `isErrorNamed` can read them from the class.
const errorNames: [abstract new (...args: never[]) => Error, string][] = [
  [SqsJobsError, 'SqsJobsError'],
  [PayloadValidationError, 'PayloadValidationError'],
  [UnknownJobError, 'UnknownJobError'],
  [InvalidOptionError, 'InvalidOptionError'],
  [ConfigurationError, 'ConfigurationError'],
  [EnqueueError, 'EnqueueError'],
  [EnvelopeError, 'EnvelopeError'],
  [JobTimeoutError, 'JobTimeoutError'],
  [NonRetryableError, 'NonRetryableError'],
  [JobReleasedSignal, 'JobReleasedSignal'],
  [JobStateConflictError, 'JobStateConflictError'],
  [WaitTimeoutError, 'WaitTimeoutError'],
];
// Explicit strings, not `type.name`, because minifiers rename classes.
for (const [type, name] of errorNames) {
  Object.defineProperty(type.prototype, 'name', { value: name, writable: true, configurable: true });
}

export function isErrorNamed<T extends Error>(
  error: unknown,
  type: abstract new (...args: never[]) => T,
): error is T {
  if (error instanceof type) return true;
  return error instanceof Error && error.name === type.prototype.name;
}

/** The AWS SDK's error name with the legacy `AWS.SimpleQueueService.` prefix removed. */
export function awsErrorName(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  return name.replace(/^AWS\.SimpleQueueService\./, '');
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
