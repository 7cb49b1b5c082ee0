/** Loading data and keeping it fresh: `usePoll` re-reads every `ms` while the page is open. */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: string | undefined;
  readonly reload: () => void;
}

export function usePoll<T>(load: () => Promise<T>, ms: number | undefined, deps: readonly unknown[]): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const generation = useRef(0);
  const run = useCallback(() => {
    const mine = ++generation.current;
    load().then(
      (value) => {
        if (mine !== generation.current) return; // a newer request (other filters) won
        setData(value);
        setError(undefined);
      },
      (e: unknown) => mine === generation.current && setError(e instanceof Error ? e.message : String(e)),
    );
  }, deps);
  useEffect(() => {
    setData(undefined);
    run();
    if (ms === undefined) return;
    const timer = setInterval(run, ms);
    return () => clearInterval(timer);
  }, [run]);
  return { data, error, reload: run };
}
