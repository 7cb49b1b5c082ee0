/**
 * The heartbeat: one job, typically scheduled every few minutes, whose completions prove that
 * the whole path works (Scheduler or producer → queue → consumer → table → metrics). The
 * pipeline alarms when it has not completed within a window; the job's class is found from its
 * schedule or its definition.
 *
 * @example
 * // jobs module: { name: 'heartbeat', expression: 'rate(5 minutes)', job: 'demo.sleep', … }
 * new JobPipeline(this, 'Jobs', { jobs: { entry: 'src/jobs.ts' }, heartbeat: { job: 'demo.sleep', withinMinutes: 15 } });
 */
import type { Schedule as CatalogSchedule } from '../shared/schedules/schedule-catalog.ts';

export interface HeartbeatProps {
  /** Name of the job whose completions are the heartbeat. */
  readonly job: string;
  /**
   * Whole minutes (2–1440) in which it must complete at least once. Leave room for a missed
   * tick: three times the schedule's interval is a good start.
   */
  readonly withinMinutes: number;
  /**
   * Class whose consumer runs it.
   * @default the class of the job's schedule, else of its definition in the jobs module
   */
  readonly class?: string;
}

/** The least and most minutes: one minute leaves no room for a late metric; CloudWatch evaluates at most a day. */
export const HEARTBEAT_WINDOW_MINUTES = { min: 2, max: 1440 } as const;

/** Where the heartbeat's class may come from, besides the prop itself. */
export interface HeartbeatSources {
  readonly schedules: readonly CatalogSchedule[];
  /** The jobs module's jobs. @default [] */
  readonly jobs?: readonly { readonly name: string; readonly class: string }[];
}

/** The class that runs the heartbeat job, or undefined when nothing names one. */
export function heartbeatClass(heartbeat: HeartbeatProps, sources: HeartbeatSources): string | undefined {
  return (
    heartbeat.class ??
    sources.schedules.find((schedule) => schedule.job === heartbeat.job)?.class ??
    sources.jobs?.find((job) => job.name === heartbeat.job)?.class
  );
}

/** Problems with the heartbeat prop, worded for the caller; empty when valid. */
export function heartbeatProblems(
  heartbeat: HeartbeatProps,
  sources: HeartbeatSources,
  classNames: readonly string[],
): string[] {
  const problems: string[] = [];
  const { min, max } = HEARTBEAT_WINDOW_MINUTES;
  if (!(Number.isInteger(heartbeat.withinMinutes) && heartbeat.withinMinutes >= min && heartbeat.withinMinutes <= max)) {
    problems.push(`heartbeat.withinMinutes must be an integer in ${min}–${max} (got ${heartbeat.withinMinutes})`);
  }
  const known = sources.jobs?.some((job) => job.name === heartbeat.job) ?? false;
  const scheduled = sources.schedules.some((schedule) => schedule.job === heartbeat.job);
  if (sources.jobs !== undefined && !known) {
    problems.push(`heartbeat.job "${heartbeat.job}" is not a job of the jobs module`);
  }
  const className = heartbeatClass(heartbeat, sources);
  if (className === undefined) {
    if (sources.jobs === undefined && !scheduled) {
      problems.push(`heartbeat.job "${heartbeat.job}" has no schedule here: name its class with heartbeat.class`);
    }
  } else if (!classNames.includes(className)) {
    problems.push(`heartbeat: class "${className}" is not a class of this pipeline (known: ${classNames.join(', ')})`);
  }
  return problems;
}
