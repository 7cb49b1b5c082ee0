/** "Run now" on the Schedules page: one tick sent as `sqs-jobs schedules run` sends it. */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { InvalidOptionError } from '../shared/errors.ts';
import { pipelineSettings } from '../shared/pipeline-settings.ts';
import { queueLocationFor, type PipelineConfig } from '../shared/pipeline-config.ts';
import type { Schedule } from '../shared/schedules/schedule-catalog.ts';
import { sendTick } from '../local/scheduler.ts';
import type { TickRunResult } from './api-types.ts';

export async function runScheduleNow(
  sqs: SQSClient,
  config: PipelineConfig,
  schedules: readonly Schedule[],
  name: string,
): Promise<TickRunResult> {
  const schedule = schedules.find((s) => s.name === name);
  if (!schedule) throw new InvalidOptionError(`unknown schedule "${name}"`);
  // The schedule group as the CLI derives it: the table name without `-jobs`.
  const group = /^(.+)-jobs$/.exec(config.tableName)?.[1] ?? pipelineSettings.namePrefix;
  const sent = await sendTick({
    sqs,
    queueUrl: queueLocationFor(config, schedule.class).queueUrl,
    schedule,
    group,
    scheduledTime: new Date(Math.floor(Date.now() / 1000) * 1000),
  });
  return { schedule: schedule.name, jobId: sent.jobId, scheduledTime: sent.scheduledTime.toISOString(), class: schedule.class };
}
