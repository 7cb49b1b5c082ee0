/**
 * The consumer side of the fault suite, run in its own process so the suite can SIGKILL it like
 * a Lambda dying mid-batch: the local runtime with `consume: true` on the emulators named by
 * AWS_ENDPOINT_URL_SQS / _DYNAMODB (the suite's, in its own process), faults injected into its
 * clients. Everything it learns is appended to files, line by line, so it survives the kill:
 * injected faults, the consumer's log lines (with pid), the handlers' effects (fault-jobs.ts).
 *
 * Configuration: FAULT_CHILD (JSON, see ChildConfig). Prints `READY` once its pollers run;
 * SIGTERM stops it gracefully.
 */
import { appendFileSync } from 'node:fs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { startLocalRuntime } from '../../local/runtime.ts';
import type { JobLogger } from '../../shared/define-job.ts';
import { faultClasses, faultRegistry } from './fault-jobs.ts';
import { injectFaults } from './fault-injector.ts';

export interface ChildConfig {
  readonly prefix: string;
  readonly rate: number;
  readonly timeoutMs: number;
  readonly faultsFile: string;
  readonly logFile: string;
  /** One line per ReceiveMessage that returned messages: message ids, job ids, receive counts. */
  readonly traceFile: string;
  readonly sweepIntervalMs: number;
  readonly sweepGraceSeconds: number;
}

const config = JSON.parse(process.env.FAULT_CHILD ?? '') as ChildConfig;
const pid = process.pid;

function line(file: string, value: Record<string, unknown>): void {
  appendFileSync(file, `${JSON.stringify({ pid, at: Date.now(), ...value })}\n`);
}

const logger: JobLogger = {
  debug() {},
  info: (message, extra) => line(config.logFile, { level: 'info', message, ...extra }),
  warn: (message, extra) => line(config.logFile, { level: 'warn', message, ...extra }),
  error: (message, extra) => line(config.logFile, { level: 'error', message, ...extra }),
};

/** Outermost (initialize step, outside the SDK's retries and the fault injection): what each receive really returned to the poller. */
function traceReceives(sqs: SQSClient): void {
  sqs.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'ReceiveMessageCommand') {
        const messages = (result.output as { Messages?: { MessageId?: string; Body?: string; Attributes?: Record<string, string> }[] }).Messages ?? [];
        if (messages.length > 0) {
          line(config.traceFile, {
            queue: String((args.input as { QueueUrl?: string }).QueueUrl).split('/').pop(),
            messages: messages.map((m) => ({ id: m.MessageId, job: jobIdOf(m.Body), rc: m.Attributes?.ApproximateReceiveCount })),
          });
        }
      }
      return result;
    },
    { step: 'initialize', name: 'traceReceives' },
  );
}

function jobIdOf(body: string | undefined): string | undefined {
  try {
    return (JSON.parse(body ?? '') as { id?: string }).id;
  } catch {
    return undefined;
  }
}

const runtime = await startLocalRuntime({
  registry: faultRegistry,
  classes: faultClasses,
  prefix: config.prefix,
  consume: true,
  logger,
  sweep: { intervalMs: config.sweepIntervalMs, graceSeconds: config.sweepGraceSeconds },
  configureClients: (clients) => {
    traceReceives(clients.sqs);
    injectFaults(clients, {
      rate: config.rate,
      timeoutMs: config.timeoutMs,
      onFault: (fault) => line(config.faultsFile, { ...fault }),
    });
  },
  onPollerError: (className, error, phase) =>
    line(config.logFile, { level: 'poller', className, phase, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }),
});
process.stdout.write('READY\n');

process.once('SIGTERM', () => {
  void runtime.stop().finally(() => process.exit(0));
});
