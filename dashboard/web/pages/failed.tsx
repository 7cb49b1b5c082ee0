/**
 * Failed jobs, grouped by job and by reason as `failed --stats` groups them; retry one, the
 * selected or all matching, forget the selected. Every action lists per job what it did.
 */
import { useState } from 'preact/hooks';
import type { DashboardMeta, FailureStats, JobActionResult, JobPage } from '../../api-types.ts';
import { get, post } from '../api.ts';
import { ActionResults, ErrorLine, Pending } from '../components/action-results.tsx';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { hashFor, time, truncate } from '../format.ts';
import { usePoll } from '../hooks.ts';

export function FailedPage({ meta, query }: { meta: DashboardMeta; query: URLSearchParams }) {
  const filter = { class: query.get('class') ?? undefined, job: query.get('job') ?? undefined };
  const cursors = (query.get('cursors') ?? '').split(' ').filter(Boolean);
  const cursor = cursors.at(-1);
  const key = query.toString();
  const stats = usePoll(() => get<FailureStats>('/api/failed/stats', filter), 10_000, [key]);
  const page = usePoll(() => get<JobPage>('/api/failed', { ...filter, ...(cursor ? { cursor } : {}), limit: '25' }), 10_000, [key]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [outcome, setOutcome] = useState<{ verb: string; results: JobActionResult[] }>();
  const [error, setError] = useState<string>();

  const go = (changes: Record<string, string | undefined>) => {
    setSelected(new Set());
    location.hash = hashFor('failed', { ...filter, ...changes });
  };
  const act = (verb: string, path: string, body: unknown) => async () => {
    setError(undefined);
    try {
      setOutcome({ verb, results: await post<JobActionResult[]>(path, body) });
      setSelected(new Set());
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
    stats.reload();
    page.reload();
  };
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (!next.delete(id)) next.add(id);
    setSelected(next);
  };
  const ids = [...selected];
  const scope = [filter.class && `class ${filter.class}`, filter.job && `job ${filter.job}`].filter(Boolean).join(', ') || 'every class';

  return (
    <section>
      <h1>Failed jobs</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          class{' '}
          <select name="class" value={filter.class ?? ''} onChange={(e) => go({ class: e.currentTarget.value || undefined })}>
            <option value="">any</option>
            {meta.classes.map((c) => <option key={c}>{c}</option>)}
          </select>
        </label>
        <label>
          job{' '}
          <select name="job" value={filter.job ?? ''} onChange={(e) => go({ job: e.currentTarget.value || undefined })}>
            <option value="">any</option>
            {meta.jobs.map((j) => <option key={j.name}>{j.name}</option>)}
          </select>
        </label>
      </form>
      {stats.data && (
        <div class="columns" data-testid="failure-stats">
          <table>
            <thead><tr><th>job</th><th>failed</th></tr></thead>
            <tbody>
              {stats.data.byJob.map((r) => (
                <tr key={r.job}><td><a href={hashFor('failed', { ...filter, job: r.job })}>{r.job}</a></td><td>{r.count}</td></tr>
              ))}
            </tbody>
          </table>
          <table>
            <thead><tr><th>reason</th><th>failed</th><th>example</th></tr></thead>
            <tbody>
              {stats.data.byReason.map((r) => (
                <tr key={r.reason}><td>{r.reason}</td><td>{r.count}</td><td title={r.example}>{truncate(r.example, 80)}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p class="actions">
        <ConfirmButton
          label={`Retry selected (${ids.length})`}
          disabled={ids.length === 0}
          question={`Retry ${ids.length} job(s) with fresh attempts?`}
          onConfirm={act('retried', '/api/retry', { ids })}
        />
        <ConfirmButton
          label={`Retry all matching (${stats.data?.total ?? '…'})`}
          disabled={!stats.data?.total}
          question={`Retry all ${stats.data?.total ?? ''} failed job(s) of ${scope}?`}
          onConfirm={act('retried', '/api/retry-all', filter)}
        />
        <ConfirmButton
          label={`Forget selected (${ids.length})`}
          danger
          disabled={ids.length === 0}
          question={`Remove ${ids.length} failed job(s) and their DLQ copies?`}
          onConfirm={act('forgotten', '/api/forget', { ids })}
        />
      </p>
      <ErrorLine error={error} />
      {outcome && <ActionResults verb={outcome.verb} results={outcome.results} />}
      {!page.data ? <Pending error={page.error} /> : (
        <>
          <table data-testid="failed-jobs">
            <thead>
              <tr><th /><th>id</th><th>job</th><th>class</th><th>attempts</th><th>failed</th><th>reason</th><th /></tr>
            </thead>
            <tbody>
              {page.data.jobs.length === 0 && <tr><td colSpan={8}>(none)</td></tr>}
              {page.data.jobs.map((job) => (
                <tr key={job.id} data-job-id={job.id}>
                  <td><input type="checkbox" aria-label={`select ${job.id}`} checked={selected.has(job.id)} onChange={() => toggle(job.id)} /></td>
                  <td><a href={hashFor(`jobs/${job.id}`)}>{job.id}</a></td>
                  <td>{job.name}</td>
                  <td>{job.class}</td>
                  <td>{job.attempts}/{job.maxAttempts}</td>
                  <td>{time(job.finishedAt ?? job.statusAt)}</td>
                  <td class="reason" title={job.lastError}>{truncate(job.lastError, 160)}</td>
                  <td class="row-actions">
                    <ConfirmButton label="Retry" question="Retry?" onConfirm={act('retried', '/api/retry', { ids: [job.id] })} />
                    <a href={`#/jobs/${encodeURIComponent(job.id)}?edit=1`}>Edit payload</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="pager">
            <button disabled={cursors.length === 0} onClick={() => go({ cursors: cursors.slice(0, -1).join(' ') || undefined })}>← Newer</button>
            <button disabled={!page.data.cursor} onClick={() => go({ cursors: [...cursors, page.data!.cursor!].join(' ') })}>Older →</button>
          </p>
        </>
      )}
    </section>
  );
}
