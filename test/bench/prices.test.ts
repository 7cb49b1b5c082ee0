import { describe, expect, it } from 'vitest';
import { costPerMillionJobs, gbSeconds, listPrices } from '../../bench/prices.ts';

describe('price math', () => {
  it('uses the list prices the report states', () => {
    expect(listPrices.sqsRequest.usd * 1e6).toBeCloseTo(0.4, 10);
    expect(listPrices.dynamoWriteRequestUnit.usd * 1e6).toBeCloseTo(0.625, 10);
    expect(listPrices.dynamoReadRequestUnit.usd * 1e6).toBeCloseTo(0.125, 10);
    expect(listPrices.lambdaRequest.usd * 1e6).toBeCloseTo(0.2, 10);
    expect(listPrices.lambdaArmGbSecond.usd).toBe(0.0000133334);
    for (const price of [listPrices.sqsRequest, listPrices.dynamoWriteRequestUnit, listPrices.dynamoReadRequestUnit, listPrices.lambdaRequest, listPrices.lambdaArmGbSecond]) {
      expect(price.sources.length).toBeGreaterThan(0);
      expect(price.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('turns units per job into dollars per million jobs, per service', () => {
    const cost = costPerMillionJobs({ sqsRequests: 1.2, writeRequestUnits: 9, readRequestUnits: 2, lambdaInvocations: 0.1, lambdaGbSeconds: 0.001 });
    expect(cost.sqs).toBeCloseTo(0.48, 10);
    expect(cost.dynamoWrites).toBeCloseTo(5.625, 10);
    expect(cost.dynamoReads).toBeCloseTo(0.25, 10);
    expect(cost.lambdaRequests).toBeCloseTo(0.02, 10);
    expect(cost.lambdaDuration).toBeCloseTo(0.0133334, 10);
    expect(cost.total).toBeCloseTo(0.48 + 5.625 + 0.25 + 0.02 + 0.0133334, 10);
  });

  it('bills Lambda duration rounded up to the millisecond, times memory', () => {
    expect(gbSeconds(999.2, 512)).toBeCloseTo(0.5, 10);
    expect(gbSeconds(1.0001, 1024)).toBeCloseTo(0.002, 10);
    expect(gbSeconds(100, 128)).toBeCloseTo(0.0125, 10);
  });
});
