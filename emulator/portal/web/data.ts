/**
 * Loading API data into a component: the value, the error, and a refresh; optionally polled
 * while `poll` says the data is still changing (a running job).
 */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { get } from "./client";

/** What {@link useApi} gives a component. */
export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: Error | undefined;
  readonly reload: () => void;
}

/** Poll interval of live views. */
export const POLL_MS = 500;

/**
 * Loads `GET /portal/api/{path}`; polls every {@link POLL_MS} while `poll(data)` is true.
 * @param path - the API path
 * @param poll - whether the data may still change
 */
export function useApi<T>(path: string, poll?: (data: T) => boolean): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [tick, setTick] = useState(0);
  const pollRef = useRef(poll);
  pollRef.current = poll;
  const reload = useCallback(() => setTick((t) => t + 1), []);
  useEffect(() => {
    // Another item: forget the previous one's data rather than show it under the new title.
    setData(undefined);
    setError(undefined);
  }, [path]);
  useEffect(() => {
    let cancelled = false;
    let timer: number | undefined;
    const load = async (): Promise<void> => {
      try {
        const value = await get<T>(path);
        if (cancelled) return;
        setData(value);
        setError(undefined);
        if (pollRef.current?.(value)) timer = window.setTimeout(() => void load(), POLL_MS);
      } catch (e) {
        if (!cancelled) setError(e as Error);
      }
    };
    void load();
    return () => {
      cancelled = true;
      if (timer !== undefined) window.clearTimeout(timer);
    };
  }, [path, tick]);
  return { data, error, reload };
}
