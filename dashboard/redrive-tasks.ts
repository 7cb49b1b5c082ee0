/**
 * Redrives run in the background (a move task can take minutes); the page starts one with a POST
 * and polls its progress by id. Finished tasks are kept for a while so a late poll still sees
 * the outcome.
 */
import { randomUUID } from 'node:crypto';
import type { Admin } from '../shared/admin/admin.ts';
import { errorMessage } from '../shared/errors.ts';
import type { RedriveTask } from './api-types.ts';

const KEEP_MS = 10 * 60_000;

export function redriveTasks(admin: Pick<Admin, 'redrive'>) {
  const tasks = new Map<string, RedriveTask & { finishedAt?: number }>();
  const prune = () => {
    for (const [id, task] of tasks) if (task.finishedAt !== undefined && Date.now() - task.finishedAt > KEEP_MS) tasks.delete(id);
  };
  return {
    start(className: string | undefined): RedriveTask {
      prune();
      const id = randomUUID();
      const progress: RedriveTask['progress'] = {};
      tasks.set(id, { id, ...(className ? { class: className } : {}), done: false, progress });
      admin
        .redrive({
          ...(className ? { class: className } : {}),
          onProgress: (p) => {
            progress[p.class] = { moved: p.moved, ...(p.total !== undefined ? { total: p.total } : {}) };
          },
        })
        .then(
          (results) => tasks.set(id, { ...tasks.get(id)!, done: true, results, finishedAt: Date.now() }),
          (error: unknown) => tasks.set(id, { ...tasks.get(id)!, done: true, error: errorMessage(error), finishedAt: Date.now() }),
        );
      return tasks.get(id)!;
    },
    get(id: string): RedriveTask | undefined {
      const task = tasks.get(id);
      if (!task) return undefined;
      const { finishedAt: _, ...rest } = task;
      return rest;
    },
  };
}
