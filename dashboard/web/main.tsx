/** The dashboard app: a header with the pages and health, and the page the URL's hash names. */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { DashboardMeta } from '../api-types.ts';
import { get } from './api.ts';
import { Pending } from './components/action-results.tsx';
import { HealthBar } from './components/health-bar.tsx';
import { parseHash } from './format.ts';
import { usePoll } from './hooks.ts';
import { DeadLettersPage } from './pages/dead-letters.tsx';
import { FailedPage } from './pages/failed.tsx';
import { JobPage } from './pages/job.tsx';
import { JobsPage } from './pages/jobs.tsx';
import { OverviewPage } from './pages/overview.tsx';
import { SchedulesPage } from './pages/schedules.tsx';
import './app.css';

const PAGES = [
  ['', 'Overview'],
  ['jobs', 'Jobs'],
  ['failed', 'Failed'],
  ['dlq', 'Dead-letter queues'],
  ['schedules', 'Schedules'],
] as const;

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const update = () => setHash(location.hash);
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return hash;
}

function App() {
  const { path, query } = parseHash(useHash());
  const meta = usePoll(() => get<DashboardMeta>('/api/meta'), undefined, []);
  const [page = '', id] = path;
  let content;
  if (!meta.data) content = <Pending error={meta.error} />;
  else if (page === 'jobs' && id) content = <JobPage id={id} edit={query.get('edit') === '1'} />;
  else if (page === 'jobs') content = <JobsPage meta={meta.data} query={query} />;
  else if (page === 'failed') content = <FailedPage meta={meta.data} query={query} />;
  else if (page === 'dlq') content = <DeadLettersPage />;
  else if (page === 'schedules') content = <SchedulesPage />;
  else content = <OverviewPage />;
  return (
    <>
      <header>
        <strong class="brand">sqs-jobs</strong>
        <nav>
          {PAGES.map(([slug, label]) => (
            <a key={slug} href={`#/${slug}`} class={page === slug ? 'active' : ''}>
              {label}
            </a>
          ))}
        </nav>
        {meta.data && <span class="muted">{meta.data.table}</span>}
        <HealthBar />
      </header>
      <main>{content}</main>
    </>
  );
}

render(<App />, document.getElementById('root')!);
