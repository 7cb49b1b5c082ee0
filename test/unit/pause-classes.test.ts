/** The AWS side of pause/resume: the mappings found by the queue's ARN, each switched. */
import { ListEventSourceMappingsCommand, UpdateEventSourceMappingCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { lambdaEventSources } from '../../shared/admin/pause-classes.ts';
import { cachedPauseCheck } from '../../shared/status-store/class-pause.ts';

const arn = 'arn:aws:sqs:eu-west-1:123456789012:p-reports';

function fakes(pages: string[][]) {
  const updates: unknown[] = [];
  const lists: unknown[] = [];
  const sqs = {
    send: async (command: unknown) => {
      expect(command).toBeInstanceOf(GetQueueAttributesCommand);
      return { Attributes: { QueueArn: arn } };
    },
  } as unknown as SQSClient;
  const lambda = {
    send: async (command: unknown) => {
      if (command instanceof ListEventSourceMappingsCommand) {
        lists.push(command.input);
        const index = Number(command.input.Marker ?? 0);
        return {
          EventSourceMappings: (pages[index] ?? []).map((UUID) => ({ UUID })),
          ...(index + 1 < pages.length ? { NextMarker: String(index + 1) } : {}),
        };
      }
      if (command instanceof UpdateEventSourceMappingCommand) return updates.push(command.input);
      throw new Error('unexpected command');
    },
  } as unknown as LambdaClient;
  return { sqs, lambda, updates, lists };
}

describe('lambdaEventSources', () => {
  it('switches every mapping that reads the queue, across pages', async () => {
    const { sqs, lambda, updates, lists } = fakes([['a'], ['b']]);
    expect(await lambdaEventSources(lambda, sqs).setEnabled('http://q', false)).toEqual(['a', 'b']);
    expect(lists.every((input) => (input as { EventSourceArn: string }).EventSourceArn === arn)).toBe(true);
    expect(updates).toEqual([{ UUID: 'a', Enabled: false }, { UUID: 'b', Enabled: false }]);
  });

  it('says so when no mapping reads the queue', async () => {
    const { sqs, lambda } = fakes([[]]);
    await expect(lambdaEventSources(lambda, sqs).setEnabled('http://q', true)).rejects.toThrow(/no Lambda event source mapping reads/);
  });
});

describe('cachedPauseCheck', () => {
  it('reads at most once per period, keeps the last answer when a read fails', async () => {
    let clock = 0;
    let reads = 0;
    let answer: boolean | Error = true;
    const check = cachedPauseCheck(async () => {
      reads++;
      if (answer instanceof Error) throw answer;
      return answer;
    }, 1000, () => clock);
    expect(await check.isPaused()).toBe(true);
    answer = false;
    clock = 500;
    expect(await check.isPaused()).toBe(true);
    expect(reads).toBe(1);
    expect(await check.fresh()).toBe(false);
    answer = new Error('table unreachable');
    clock = 5000;
    expect(await check.isPaused()).toBe(false);
    expect(reads).toBe(3);
  });
});
