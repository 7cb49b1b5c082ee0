import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { readAppContext } from '../../cdk/app-context.ts';

const contextOf = (context: Record<string, unknown>) => readAppContext(new App({ context }).node);

describe('readAppContext', () => {
  it('defaults to stage dev without e-mail', () => {
    expect(contextOf({})).toEqual({ stageName: 'dev' });
  });

  it('reads stage and alarmEmail, ignoring empty strings', () => {
    expect(contextOf({ stage: 'prod', alarmEmail: 'ops@example.com' })).toEqual({ stageName: 'prod', alarmEmail: 'ops@example.com' });
    expect(contextOf({ stage: '', alarmEmail: '' })).toEqual({ stageName: 'dev' });
  });

  it('reads warningEmail beside alarmEmail', () => {
    expect(contextOf({ alarmEmail: 'ops@example.com', warningEmail: 'team@example.com' })).toEqual({
      stageName: 'dev',
      alarmEmail: 'ops@example.com',
      warningEmail: 'team@example.com',
    });
  });

  it('reads the dispatcher reservation: a whole number, or none', () => {
    expect(contextOf({ dispatcherReservedConcurrency: '2' }).dispatcherReservedConcurrency).toBe(2);
    expect(contextOf({ dispatcherReservedConcurrency: 'none' }).dispatcherReservedConcurrency).toBeNull();
    expect(() => contextOf({ dispatcherReservedConcurrency: '0' })).toThrow(/must be a whole number ≥ 1 or "none"/);
  });

  it('rejects a non-string value', () => {
    expect(() => contextOf({ stage: 3 })).toThrow('context "stage" must be a string, got 3');
  });
});
