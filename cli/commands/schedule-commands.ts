/**
 * `schedules`: the app's schedule catalog with each entry's next fire times (computed here, no
 * AWS call); `schedules run <name>`: send one tick now, the message EventBridge Scheduler
 * would send, straight to the class's queue of the connected pipeline.
 */
import type { Command } from 'commander';
import { createAwsClients } from '../../shared/aws-clients.ts';
import { InvalidOptionError } from '../../shared/errors.ts';
import { pipelineSettings } from '../../shared/pipeline-settings.ts';
import { queueLocationFor, type PipelineConfig } from '../../shared/pipeline-config.ts';
import type { Schedule } from '../../shared/schedules/schedule-catalog.ts';
import { nextFireTimes } from '../../shared/schedules/schedule-expression.ts';
import { localScheduleArn } from '../../shared/schedules/tick-template.ts';
import { sendTick } from '../../local/scheduler.ts';
import type { CommandContext } from '../command-context.ts';
import { parseCount, printJson, shortTime, table } from '../output.ts';

export interface ScheduleListing {
  readonly name: string;
  readonly expression: string;
  readonly timezone: string;
  readonly job: string;
  readonly class: string;
  readonly overlap: string;
  readonly enabled: boolean;
  readonly description?: string;
  /** ISO times, soonest first; none when disabled or the schedule has ended. */
  readonly next: string[];
  /** Set when the next times could not be computed. */
  readonly error?: string;
}

export interface TickRun {
  readonly schedule: string;
  readonly scheduleArn: string;
  readonly jobId: string;
  readonly scheduledTime: string;
  readonly class: string;
}

export function registerScheduleCommands(program: Command, cli: CommandContext): void {
  const group = program
    .command('schedules')
    .description('the schedule catalog with the next fire times (rate schedules counted from now); `schedules run <name>` fires one now')
    .option('--count <n>', 'fire times to show per schedule', '3')
    .action(async (options: { count: string }, command: Command) => {
      const { schedules } = await cli.app(command);
      // Whole seconds, as rate schedules count (and ticks carry times).
      const now = new Date(Math.floor(Date.now() / 1000) * 1000);
      const listing = listSchedules(schedules, now, parseCount(options.count, '--count'));
      if (cli.json(command)) return printJson(listing);
      console.log(
        table(
          listing.map((s) => ({
            name: s.name,
            expression: s.expression,
            timezone: s.timezone,
            job: s.job,
            class: s.class,
            overlap: s.overlap,
            enabled: s.enabled ? 'yes' : 'no',
            'next (UTC)': s.error ? `error: ${s.error}` : s.enabled ? s.next.map(shortTime).join(', ') || 'none (ended)' : 'disabled',
          })),
          ['name', 'expression', 'timezone', 'job', 'class', 'overlap', 'enabled', 'next (UTC)'],
        ),
      );
      if (listing.some((s) => s.expression.startsWith('rate('))) {
        console.log('\nrate schedules are counted from now here; on AWS from when the schedule was created');
      }
    });

  group
    .command('run <name>')
    .description("fire a schedule now: send its tick (EventBridge Scheduler's message) to its class's queue")
    .option('--group <group>', "schedule group in the tick's ARN, and so its job id (default: the table name without -jobs, as the local runtime and the stack name it)")
    .action(async (name: string, options: { group?: string }, command: Command) => {
      const schedule = findSchedule((await cli.app(command)).schedules, name);
      const { config } = await cli.connect(command);
      const queueUrl = queueLocationFor(config, schedule.class).queueUrl;
      const scheduleGroup = options.group ?? defaultGroup(config);
      const { sqs } = createAwsClients();
      try {
        const sent = await sendTick({
          sqs,
          queueUrl,
          schedule,
          group: scheduleGroup,
          scheduledTime: new Date(Math.floor(Date.now() / 1000) * 1000),
        });
        const run: TickRun = {
          schedule: schedule.name,
          scheduleArn: localScheduleArn(scheduleGroup, schedule.name),
          jobId: sent.jobId,
          scheduledTime: sent.scheduledTime.toISOString(),
          class: schedule.class,
        };
        if (cli.json(command)) return printJson(run);
        console.log(`${run.jobId} sent to ${run.class}${schedule.enabled ? '' : ' (the schedule itself is disabled)'}`);
      } finally {
        sqs.destroy();
      }
    });
}

export function listSchedules(catalog: readonly Schedule[], now: Date, count: number): ScheduleListing[] {
  return catalog.map((schedule) => {
    let next: string[] = [];
    let error: string | undefined;
    if (schedule.enabled) {
      try {
        next = nextFireTimes(schedule.expression, { timezone: schedule.timezone, from: now, count }).map((d) => d.toISOString());
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
    }
    return {
      name: schedule.name,
      expression: schedule.expression,
      timezone: schedule.timezone,
      job: schedule.job,
      class: schedule.class,
      overlap: schedule.overlap,
      enabled: schedule.enabled,
      ...(schedule.description ? { description: schedule.description } : {}),
      next,
      ...(error ? { error } : {}),
    };
  });
}

function findSchedule(schedules: readonly Schedule[], name: string): Schedule {
  const schedule = schedules.find((s) => s.name === name);
  if (!schedule) {
    throw new InvalidOptionError(`unknown schedule "${name}" (known: ${schedules.map((s) => s.name).join(', ') || 'none'})`);
  }
  return schedule;
}

/**
 * The schedule group of the pipeline: the local runtime names it after its prefix and the stack
 * `<namePrefix>-<stage>`; both name the table that followed by `-jobs`.
 */
function defaultGroup(config: PipelineConfig): string {
  return /^(.+)-jobs$/.exec(config.tableName)?.[1] ?? pipelineSettings.namePrefix;
}
