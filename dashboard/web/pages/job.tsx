/** One job: where it is now, its timeline, attempts, result, error history, payload; retry or forget when failed. */
import { useState } from 'preact/hooks';
import type { JobActionResult, JobDetail, JobRecord } from '../../api-types.ts';
import { get, post } from '../api.ts';
import { ActionResults, Pending } from '../components/action-results.tsx';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { PayloadEditor } from '../components/payload-editor.tsx';
import { time } from '../format.ts';
import { usePoll } from '../hooks.ts';

/** The record keeps timestamps, not a log: the history is rebuilt from them, oldest first. */
function timeline(job: JobRecord): { at: string; what: string }[] {
  const events = [{ at: job.enqueuedAt, what: 'enqueued' }];
  if (job.dueAt) events.push({ at: new Date(job.dueAt).toISOString(), what: 'due' });
  for (const e of job.errors ?? []) events.push({ at: e.at, what: `attempt ${e.attempt} failed` });
  if (job.requeuedAt) events.push({ at: job.requeuedAt, what: 'retried by an operator' });
  if (job.startedAt) events.push({ at: job.startedAt, what: `attempt ${job.attempts} started` });
  if (job.finishedAt) events.push({ at: job.finishedAt, what: `finished (${job.status})` });
  events.push({ at: job.statusAt, what: `status ${job.status} since` });
  return events.sort((a, b) => a.at.localeCompare(b.at));
}

export function JobPage({ id, edit }: { id: string; edit: boolean }) {
  const { data, error, reload } = usePoll(() => get<JobDetail>(`/api/jobs/${encodeURIComponent(id)}`), 3000, [id]);
  const [results, setResults] = useState<{ verb: string; results: JobActionResult[] }>();
  // Once a retry went through the job is no longer failed; keep the editor to show what happened.
  const [edited, setEdited] = useState(false);
  if (!data) return <Pending error={error} />;
  const { job } = data;
  const act = (verb: string, path: string) => async () => {
    setResults({ verb, results: await post<JobActionResult[]>(path, { ids: [id] }) });
    reload();
  };
  const newest = job.errors?.at(-1);
  const rows: [string, unknown][] = [
    ['job', job.name],
    ['class', job.class],
    ['attempts', `${job.attempts}/${job.maxAttempts}`],
    ['releases', `${job.releases ?? 0}/${data.maxReleases}`],
    ['generation', job.gen],
    ['enqueued', time(job.enqueuedAt)],
    ['started', time(job.startedAt)],
    ['finished', time(job.finishedAt)],
    ['next attempt', time(job.nextAttemptAt)],
    ['progress', job.progress === undefined ? '-' : `${job.progress}%`],
    ['result', job.result === undefined ? '-' : JSON.stringify(job.result)],
  ];
  return (
    <section>
      <h1>
        Job <code>{job.id}</code> <span class={`status ${job.status}`} data-testid="job-status">{job.status}</span>
      </h1>
      <p class="where" data-testid="where-now">{data.whereNow}</p>
      {job.status === 'failed' && (
        <p class="actions">
          <ConfirmButton label="Retry" question="Retry this job with its payload?" onConfirm={act('retried', '/api/retry')} />
          <ConfirmButton label="Forget" danger question="Remove this failed job and its DLQ copies?" onConfirm={act('forgotten', '/api/forget')} />
        </p>
      )}
      {results && <ActionResults verb={results.verb} results={results.results} />}
      <div class="columns">
        <table class="facts">
          <tbody>
            {job.progress !== undefined && (
              <tr><th>progress</th><td><progress max={100} value={job.progress} /></td></tr>
            )}
            {rows.map(([k, v]) => <tr key={k}><th>{k}</th><td>{String(v)}</td></tr>)}
          </tbody>
        </table>
        <div>
          <h2>History</h2>
          <ol class="timeline">
            {timeline(job).map((e, i) => <li key={i}><time>{time(e.at)}</time> {e.what}</li>)}
          </ol>
        </div>
      </div>
      <h2>Errors</h2>
      {!job.errors?.length ? <p class="muted">none</p> : (
        <table data-testid="errors">
          <thead><tr><th>attempt</th><th>at</th><th>message</th></tr></thead>
          <tbody>
            {job.errors.map((e, i) => <tr key={i}><td>{e.attempt}</td><td>{time(e.at)}</td><td>{e.message}</td></tr>)}
          </tbody>
        </table>
      )}
      {newest?.stack && <details open><summary>Newest stack</summary><pre>{newest.stack}</pre></details>}
      <h2>Payload</h2>
      {data.payload === undefined ? (
        <p class="muted">Not on the record: a live job's payload travels in its SQS message; a failed job's is kept up to 350 KB.</p>
      ) : (
        <pre data-testid="payload">{JSON.stringify(data.payload, null, 2)}</pre>
      )}
      {(job.status === 'failed' || edited) && (edit ? (
        <PayloadEditor id={job.id} payload={data.payload} onDone={() => (setEdited(true), reload())} />
      ) : (
        <p><a href={`#/jobs/${encodeURIComponent(job.id)}?edit=1`}>Edit the payload and retry…</a></p>
      ))}
    </section>
  );
}
