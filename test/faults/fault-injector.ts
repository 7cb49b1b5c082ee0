/**
 * SDK middleware that injects faults into a share of SQS and DynamoDB requests, per attempt
 * (it sits in the finalizeRequest step, inside the SDK's retry loop, so the SDK's own retry
 * applies to what it injects):
 *
 * - `throttle`: ThrottlingException (SQS) / ProvisionedThroughputExceededException (DynamoDB),
 *   status 400, `$retryable: { throttling: true }`; the request is not sent.
 * - `server`: a 500 InternalServerError; the request is not sent.
 * - `timeout`: the request does not answer for `timeoutMs`, then fails with a TimeoutError, as
 *   the SDK's request handler does when its request timeout passes. Half of them are sent first
 *   (`timeout-after`: the service did the work and the answer was lost), half never leave.
 *
 * The clients the local runtime builds from endpoint variables have no request timeout, so a
 * request that really never answered would hang for good; the timeout is therefore simulated.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';

export type FaultKind = 'throttle' | 'server' | 'timeout-before' | 'timeout-after';
export const FAULT_KINDS: readonly FaultKind[] = ['throttle', 'server', 'timeout-before', 'timeout-after'];

export interface InjectedFault {
  readonly service: 'sqs' | 'dynamodb';
  readonly operation: string;
  readonly kind: FaultKind;
}

export interface FaultPlan {
  /** Share of requests (attempts) that get a fault, 0–1. */
  readonly rate: number;
  /** How long a timed-out request hangs before it fails. */
  readonly timeoutMs: number;
  /** Relative weights of the kinds. @defaultValue throttle 4, server 3, timeout 3 (half before, half after) */
  readonly weights?: Partial<Record<FaultKind, number>>;
  /** Faults only while this says so (the suite may switch them off). @defaultValue always */
  readonly enabled?: () => boolean;
  readonly onFault: (fault: InjectedFault) => void;
}

const DEFAULT_WEIGHTS: Record<FaultKind, number> = { throttle: 4, server: 3, 'timeout-before': 1.5, 'timeout-after': 1.5 };

type Handler = (args: unknown) => Promise<unknown>;

export function injectFaults(clients: { readonly sqs: SQSClient; readonly dynamodb: DynamoDBClient }, plan: FaultPlan): void {
  add(clients.sqs, 'sqs', plan);
  add(clients.dynamodb, 'dynamodb', plan);
}

function add(client: SQSClient | DynamoDBClient, service: InjectedFault['service'], plan: FaultPlan): void {
  const weights = { ...DEFAULT_WEIGHTS, ...plan.weights };
  const total = FAULT_KINDS.reduce((sum, kind) => sum + weights[kind], 0);
  const pick = (): FaultKind => {
    let r = Math.random() * total;
    for (const kind of FAULT_KINDS) {
      r -= weights[kind];
      if (r < 0) return kind;
    }
    return 'throttle';
  };
  // The two clients' stacks have different types; the middleware itself is the same.
  (client.middlewareStack as unknown as { add: (mw: unknown, options: unknown) => void }).add(
    (next: Handler, context: { commandName?: string }) => async (args: unknown) => {
      if (!(plan.enabled?.() ?? true) || Math.random() >= plan.rate) return next(args);
      const kind = pick();
      const operation = (context.commandName ?? 'unknown').replace(/Command$/, '');
      plan.onFault({ service, operation, kind });
      switch (kind) {
        case 'throttle':
          throw awsError(service === 'sqs' ? 'ThrottlingException' : 'ProvisionedThroughputExceededException', 400, {
            $fault: 'client',
            $retryable: { throttling: true },
          });
        case 'server':
          throw awsError('InternalServerError', 500, { $fault: 'server' });
        case 'timeout-before':
          await delay(plan.timeoutMs);
          throw timeoutError(plan.timeoutMs);
        case 'timeout-after': {
          const started = Date.now();
          await next(args).catch(() => undefined);
          await delay(Math.max(0, plan.timeoutMs - (Date.now() - started)));
          throw timeoutError(plan.timeoutMs);
        }
      }
    },
    { step: 'finalizeRequest', name: 'faultInjection', tags: ['FAULTS'] },
  );
}

function awsError(name: string, status: number, extra: Record<string, unknown>): Error {
  const error = new Error(`injected fault: ${name}`);
  return Object.assign(error, { name, $metadata: { httpStatusCode: status }, ...extra });
}

/** What @smithy/node-http-handler throws when its request timeout passes. */
function timeoutError(ms: number): Error {
  const error = new Error(`injected fault: request timed out after ${ms} ms`);
  return Object.assign(error, { name: 'TimeoutError' });
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Counts of injected faults: side → service.kind → n. */
export type FaultCounts = Record<string, Record<string, number>>;

export function countFault(counts: FaultCounts, side: string, fault: InjectedFault): void {
  const bySide = (counts[side] ??= {});
  const key = `${fault.service}.${fault.kind}`;
  bySide[key] = (bySide[key] ?? 0) + 1;
}
