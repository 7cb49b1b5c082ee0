/** Jobs: filtered by status, class, job name and time; newest first, a page at a time. */
import type { DashboardMeta, JobPage } from '../../api-types.ts';
import { get } from '../api.ts';
import { Pending } from '../components/action-results.tsx';
import { hashFor, time } from '../format.ts';
import { usePoll } from '../hooks.ts';

/** Filters live in the URL (`#/jobs?status=failed&cursors=a,b`), so back and reload keep them. */
export function JobsPage({ meta, query }: { meta: DashboardMeta; query: URLSearchParams }) {
  const filters = {
    status: query.get('status') ?? undefined,
    class: query.get('class') ?? undefined,
    job: query.get('job') ?? undefined,
    since: query.get('since') ?? undefined,
  };
  // The cursors of the pages before this one: "previous" pops one.
  const cursors = (query.get('cursors') ?? '').split(' ').filter(Boolean);
  const cursor = cursors.at(-1);
  const { data, error } = usePoll(
    () => get<JobPage>('/api/jobs', { ...filters, ...(cursor ? { cursor } : {}), limit: '25' }),
    cursor ? undefined : 5000,
    [query.toString()],
  );
  const go = (changes: Record<string, string | undefined>) => {
    location.hash = hashFor('jobs', { ...filters, ...changes });
  };
  const select = (name: keyof typeof filters, options: readonly string[]) => (
    <label>
      {name}{' '}
      <select name={name} value={filters[name] ?? ''} onChange={(e) => go({ [name]: e.currentTarget.value || undefined, cursors: undefined })}>
        <option value="">any</option>
        {options.map((o) => <option key={o} value={o}>{o}</option>)}
      </select>
    </label>
  );
  return (
    <section>
      <h1>Jobs</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        {select('status', meta.statuses)}
        {select('class', meta.classes)}
        {select('job', meta.jobs.map((j) => j.name))}
        <label>
          since{' '}
          <input
            type="datetime-local"
            name="since"
            value={filters.since ? filters.since.slice(0, 16) : ''}
            onChange={(e) => go({ since: e.currentTarget.value ? new Date(`${e.currentTarget.value}Z`).toISOString() : undefined, cursors: undefined })}
          />{' '}
          UTC
        </label>
      </form>
      {!data ? (
        <Pending error={error} />
      ) : (
        <>
          <table data-testid="jobs">
            <thead>
              <tr><th>id</th><th>job</th><th>class</th><th>status</th><th>attempts</th><th>enqueued</th><th>since</th></tr>
            </thead>
            <tbody>
              {data.jobs.length === 0 && <tr><td colSpan={7}>(none)</td></tr>}
              {data.jobs.map((job) => (
                <tr key={job.id}>
                  <td><a href={hashFor(`jobs/${job.id}`)}>{job.id}</a></td>
                  <td>{job.name}</td>
                  <td>{job.class}</td>
                  <td><span class={`status ${job.status}`}>{job.status}</span></td>
                  <td>{job.attempts}/{job.maxAttempts}</td>
                  <td>{time(job.enqueuedAt)}</td>
                  <td>{time(job.statusAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="pager">
            <button disabled={cursors.length === 0} onClick={() => go({ cursors: cursors.slice(0, -1).join(' ') || undefined })}>
              ← Newer
            </button>
            <button disabled={!data.cursor} onClick={() => go({ cursors: [...cursors, data.cursor!].join(' ') })}>
              Older →
            </button>
          </p>
        </>
      )}
    </section>
  );
}
