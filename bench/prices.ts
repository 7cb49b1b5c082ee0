/**
 * List prices (us-east-1, on-demand, before free tiers and volume tiers) and the arithmetic
 * that turns billable units per job into dollars per million jobs. Pure.
 *
 * Each price carries where it was checked and when. AWS's own pricing pages render their rate
 * tables client-side, so the stored copies of those pages carry no numbers; the figures were
 * cross-read from the sources named (see docs/benchmarks.md, "Prices").
 */

export interface Price {
  readonly usd: number;
  readonly unit: string;
  readonly sources: readonly string[];
  /** ISO date the sources were read. */
  readonly checked: string;
  readonly note?: string;
}

export interface PriceTable {
  readonly region: string;
  readonly sqsRequest: Price;
  readonly dynamoWriteRequestUnit: Price;
  readonly dynamoReadRequestUnit: Price;
  readonly lambdaRequest: Price;
  readonly lambdaArmGbSecond: Price;
}

const CHECKED = '2026-11-25';

export const listPrices: PriceTable = {
  region: 'us-east-1',
  sqsRequest: {
    usd: 0.4 / 1e6,
    unit: 'request (standard queue; each started 64 KB of payload is one request)',
    sources: [
      'https://aws.amazon.com/sqs/pricing/ (official; rate table rendered client-side)',
      'https://cloudburn.io/blog/amazon-sqs-pricing (March 2026: standard $0.40/M for the first 100 B requests a month)',
      'https://unanswered.io/guide/aws-sqs-pricing-and-cost-optimization ($0.40/M; 64 KB chunk rule; empty receives billed)',
    ],
    checked: CHECKED,
    note: 'first 1 M requests a month free; $0.30/M above 100 B and $0.24/M above 200 B requests a month',
  },
  dynamoWriteRequestUnit: {
    usd: 0.625 / 1e6,
    unit: 'write request unit (on-demand, Standard table class)',
    sources: [
      'https://aws.amazon.com/dynamodb/pricing/on-demand/ (official; unit definitions; rate table rendered client-side)',
      'https://airbyte.com/data-engineering-resources/dynamodb-pricing (after the November 2024 50 % cut: $0.625/M WRU, $0.125/M RRU, US East)',
    ],
    checked: CHECKED,
    note: 'halved on 2024-11-01 from $1.25/M',
  },
  dynamoReadRequestUnit: {
    usd: 0.125 / 1e6,
    unit: 'read request unit (on-demand; one strongly consistent read of up to 4 KB)',
    sources: [
      'https://aws.amazon.com/dynamodb/pricing/on-demand/ (official; unit definitions)',
      'https://airbyte.com/data-engineering-resources/dynamodb-pricing ($0.125/M RRU after the November 2024 cut)',
    ],
    checked: CHECKED,
    note: 'halved on 2024-11-01 from $0.25/M',
  },
  lambdaRequest: {
    usd: 0.2 / 1e6,
    unit: 'invocation',
    sources: [
      'https://docs.aws.amazon.com/whitepapers/latest/how-aws-pricing-works/lambda.html (official: $0.20 per 1 million requests)',
      'https://aws.amazon.com/lambda/pricing/ (official; rate table rendered client-side)',
    ],
    checked: CHECKED,
    note: 'first 1 M requests a month free',
  },
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    unit: 'GB-second on arm64 (first 7.5 B GB-s a month)',
    sources: [
      'https://cloudchipr.com/blog/aws-lambda-pricing (Arm: $0.0000133334 per GB-s for the first 7.5 B GB-s a month)',
      'artillery@2.0.28 lib/platform/aws-lambda/prices.js (arm64 base rate 1333340e-11 $/GB-s, citing aws.amazon.com/lambda/pricing)',
    ],
    checked: CHECKED,
    note: 'x86_64 is $0.0000166667; since 2025-08-01 the INIT phase (cold start) of ZIP functions on managed runtimes is billed as duration too',
  },
};

/** Billable units per job, as the capacity meter counts them. */
export interface UnitsPerJob {
  readonly sqsRequests: number;
  readonly writeRequestUnits: number;
  readonly readRequestUnits: number;
  readonly lambdaInvocations: number;
  /** An estimate: configured memory × measured handler duration. */
  readonly lambdaGbSeconds: number;
}

export interface CostPerMillionJobs {
  readonly sqs: number;
  readonly dynamoWrites: number;
  readonly dynamoReads: number;
  readonly lambdaRequests: number;
  readonly lambdaDuration: number;
  readonly total: number;
}

/** Dollars per million jobs at list prices, per service and in total. */
export function costPerMillionJobs(units: UnitsPerJob, prices: PriceTable = listPrices): CostPerMillionJobs {
  const perMillion = (unitsPerJob: number, price: Price) => unitsPerJob * price.usd * 1e6;
  const sqs = perMillion(units.sqsRequests, prices.sqsRequest);
  const dynamoWrites = perMillion(units.writeRequestUnits, prices.dynamoWriteRequestUnit);
  const dynamoReads = perMillion(units.readRequestUnits, prices.dynamoReadRequestUnit);
  const lambdaRequests = perMillion(units.lambdaInvocations, prices.lambdaRequest);
  const lambdaDuration = perMillion(units.lambdaGbSeconds, prices.lambdaArmGbSecond);
  return { sqs, dynamoWrites, dynamoReads, lambdaRequests, lambdaDuration, total: sqs + dynamoWrites + dynamoReads + lambdaRequests + lambdaDuration };
}

/** GB-seconds Lambda bills for one invocation: duration rounded up to the millisecond × memory. */
export function gbSeconds(durationMs: number, memoryMb: number): number {
  return (Math.ceil(durationMs) / 1000) * (memoryMb / 1024);
}
