/**
 * The suite's judgement, pure: from the records, the handlers' effects, the consumers' logs and
 * the DLQ contents, what went wrong and the figures.
 */
import type { JobRecord } from '../../shared/status-store/job-record.ts';
import type { EffectLine } from './fault-jobs.ts';
import { expectedOutcome } from './fault-jobs.ts';

export interface LogLine {
  readonly pid: number;
  readonly at: number;
  readonly level: string;
  readonly message: string;
  readonly jobId?: string;
  readonly attempt?: number;
  readonly [key: string]: unknown;
}

export interface DeadLetter {
  readonly jobId: string | undefined;
  readonly reason: string | undefined;
}

export interface VerdictInput {
  /** Ids the producer got back, with the job name. */
  readonly accepted: ReadonlyMap<string, string>;
  /** Every record in the table. */
  readonly records: readonly JobRecord[];
  readonly effects: readonly EffectLine[];
  readonly logs: readonly LogLine[];
  /** Per class DLQ. */
  readonly deadLetters: readonly DeadLetter[];
  /** Pids of consumer processes killed with SIGKILL. */
  readonly killedPids: ReadonlySet<number>;
  /** Messages still in each work queue (visible, in flight, delayed). */
  readonly leftInQueues: Readonly<Record<string, number>>;
}

export interface Verdict {
  readonly problems: string[];
  readonly figures: {
    readonly byStatus: Record<string, number>;
    /** Accepted jobs that did not end terminal, or completed without an effect. */
    readonly lost: number;
    /** Extra effects of completed jobs from a run killed between its effect and its completion write. */
    readonly duplicatesKillWindow: number;
    /** Extra effects after a completion write that failed for good (faults): at-least-once too. */
    readonly duplicatesCompletionWrite: number;
    readonly duplicatesUnexplained: number;
    readonly messageLost: number;
    readonly outcomeMismatches: number;
    readonly rejectedEnqueueRecords: Record<string, number>;
  };
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

export function judge(input: VerdictInput): Verdict {
  const problems: string[] = [];
  const byId = new Map(input.records.map((r) => [r.id, r]));
  const done = groupBy(input.effects.filter((e) => e.outcome === 'done'), (e) => e.jobId);
  const completedLogged = new Set<string>();
  const completionFailed = new Set<string>();
  for (const log of input.logs) {
    if (!log.jobId || log.attempt === undefined) continue;
    if (log.message === 'job completed') completedLogged.add(`${log.jobId}#${log.attempt}#${log.pid}`);
    if (log.message.startsWith('job ran but its completion could not be recorded')) completionFailed.add(`${log.jobId}#${log.attempt}#${log.pid}`);
  }
  const dlqByJob = groupBy(input.deadLetters, (d) => d.jobId ?? '(none)');

  const byStatus: Record<string, number> = {};
  let lost = 0;
  let duplicatesKillWindow = 0;
  let duplicatesCompletionWrite = 0;
  let duplicatesUnexplained = 0;
  let messageLost = 0;
  let outcomeMismatches = 0;
  const explain = (e: EffectLine): 'kill' | 'write' | undefined => {
    const key = `${e.jobId}#${e.attempt}#${e.pid}`;
    if (completionFailed.has(key)) return 'write';
    if (input.killedPids.has(e.pid) && !completedLogged.has(key)) return 'kill';
    return undefined;
  };

  for (const [id, name] of input.accepted) {
    const record = byId.get(id);
    const status = record?.status ?? '(no record)';
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    if (!record || !TERMINAL.has(record.status)) {
      lost++;
      problems.push(`job ${id} (${name}) is ${status}${record ? ` (attempts ${record.attempts}/${record.maxAttempts})` : ''} at the end`);
      continue;
    }
    const effects = done.get(id) ?? [];
    const reason = record.lastError ?? '';
    if (record.status === 'failed' && reason.startsWith('message lost')) {
      messageLost++;
      problems.push(`job ${id} (${name}) was accepted but failed as ${reason.slice(0, 100)}; ${effects.length} effect(s), ${record.attempts} attempt(s)`);
    }

    const expected = expectedOutcome[name];
    if (expected && !reason.startsWith('message lost') && (record.status !== expected.status || (expected.reason && !expected.reason.test(reason)))) {
      outcomeMismatches++;
      problems.push(`job ${id} (${name}) ended ${record.status}${reason ? ` (${reason.slice(0, 160)})` : ''}, expected ${expected.status}; ${effects.length} effect(s)`);
    }

    if (record.status === 'completed') {
      const completing = effects.filter((e) => e.attempt === record.attempts);
      if (completing.length === 0) {
        lost++;
        problems.push(`job ${id} (${name}) completed at attempt ${record.attempts} without an effect of that attempt (effects: ${effects.map((e) => e.attempt).join(',') || 'none'})`);
      }
      if (completing.length > 1) problems.push(`job ${id} (${name}): attempt ${record.attempts} ran to its effect ${completing.length} times`);
      for (const extra of effects.filter((e) => e.attempt !== record.attempts)) {
        const why = explain(extra);
        if (why === 'kill') duplicatesKillWindow++;
        else if (why === 'write') duplicatesCompletionWrite++;
        else {
          duplicatesUnexplained++;
          problems.push(`job ${id} (${name}): unexplained duplicate effect of attempt ${extra.attempt} (pid ${extra.pid}); completed at attempt ${record.attempts}`);
        }
      }
    } else {
      for (const extra of effects) {
        const why = explain(extra);
        if (why === 'kill') duplicatesKillWindow++;
        else if (why === 'write') duplicatesCompletionWrite++;
        else {
          duplicatesUnexplained++;
          problems.push(`job ${id} (${name}) is ${record.status} but attempt ${extra.attempt} (pid ${extra.pid}) ran to its effect`);
        }
      }
    }

    if (record.status === 'failed' && !reason.startsWith('message lost')) {
      const copies = dlqByJob.get(id) ?? [];
      if (copies.length === 0) problems.push(`failed job ${id} (${name}, ${reason.slice(0, 120)}) has no copy in its DLQ`);
      else if (!copies.some((c) => c.reason)) problems.push(`failed job ${id} (${name}): DLQ copy without the sqsjobs.reason attribute`);
    }
  }

  // Records nobody was given an id for: enqueues that rejected.
  const rejectedEnqueueRecords: Record<string, number> = {};
  for (const record of input.records) {
    if (input.accepted.has(record.id) || !record.name?.startsWith('faults.')) continue;
    const reason = record.lastError ?? '';
    const kind = record.status === 'failed' && reason.startsWith('message lost') ? 'failed (message lost)' : record.status;
    rejectedEnqueueRecords[kind] = (rejectedEnqueueRecords[kind] ?? 0) + 1;
    const runs = done.get(record.id)?.length ?? 0;
    if (!TERMINAL.has(record.status)) problems.push(`rejected enqueue left record ${record.id} (${record.name}) ${record.status}`);
    else if (kind !== 'failed (message lost)') {
      problems.push(`rejected enqueue of ${record.id} (${record.name}) ran anyway: ${record.status}, ${runs} effect(s)`);
    }
  }
  // Effects of jobs with no record at all (a rejected enqueue's message that ran).
  for (const [jobId, effects] of done) {
    if (!byId.has(jobId)) problems.push(`job ${jobId} has ${effects.length} effect(s) but no record`);
  }

  for (const [queue, left] of Object.entries(input.leftInQueues)) {
    if (left > 0) problems.push(`${left} message(s) left in work queue ${queue}`);
  }

  return {
    problems,
    figures: {
      byStatus,
      lost,
      duplicatesKillWindow,
      duplicatesCompletionWrite,
      duplicatesUnexplained,
      messageLost,
      outcomeMismatches,
      rejectedEnqueueRecords,
    },
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}
