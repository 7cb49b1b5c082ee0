/** Small helpers of the local event source poller. */

/** Counting semaphore whose waiters give up (resolve false) when `signal` aborts. */
export class Semaphore {
  private available: number;
  private readonly waiters: ((granted: boolean) => void)[] = [];

  constructor(size: number) {
    this.available = size;
  }

  acquire(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (this.available > 0) {
      this.available--;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const onAbort = () => {
        const index = this.waiters.indexOf(grant);
        if (index >= 0) this.waiters.splice(index, 1);
        resolve(false);
      };
      const grant = (granted: boolean) => {
        signal.removeEventListener('abort', onAbort);
        resolve(granted);
      };
      this.waiters.push(grant);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next(true);
    else this.available++;
  }
}

export function delay(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** `arn:aws:sqs:<region>:<account>:<name>` */
export function arnRegion(arn: string): string | undefined {
  return arn.split(':')[3] || undefined;
}

export function arnAccount(arn: string): string | undefined {
  return arn.split(':')[4] || undefined;
}
