import { useCallback, useRef, useState } from "react";
import { toByokError, type ByokApiError } from "../api/errors";

export type Action<A extends unknown[], R> = {
  /**
   * Runs the call unless one is already in flight; then it returns undefined without calling
   * the API, so a double click sends one request. Errors are kept in `error`, not thrown.
   */
  run: (...args: A) => Promise<R | undefined>;
  /** Runs the last call again with the same arguments; only after a retryable error. */
  retry: () => Promise<R | undefined>;
  /** Clears the error and forgets the last arguments. */
  reset: () => void;
  pending: boolean;
  error: ByokApiError | undefined;
};

/** A state-changing API call (add, delete, test) with an in-flight guard. */
export function useAction<A extends unknown[], R>(perform: (...args: A) => Promise<R>): Action<A, R> {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ByokApiError>();
  // A ref, not state: two clicks in the same frame both see the state from before the first.
  const inFlight = useRef(false);
  const lastArgs = useRef<A>();
  const performRef = useRef(perform);
  performRef.current = perform;

  const run = useCallback(async (...args: A): Promise<R | undefined> => {
    if (inFlight.current) {
      return undefined;
    }
    inFlight.current = true;
    lastArgs.current = args;
    setPending(true);
    setError(undefined);
    try {
      const result = await performRef.current(...args);
      lastArgs.current = undefined;
      return result;
    } catch (reason) {
      const failure = toByokError(reason);
      if (!failure.retryable) {
        // Nothing to retry, so do not keep the arguments (an add request holds the key).
        lastArgs.current = undefined;
      }
      setError(failure);
      return undefined;
    } finally {
      inFlight.current = false;
      setPending(false);
    }
  }, []);

  const retry = useCallback(async (): Promise<R | undefined> => {
    const args = lastArgs.current;
    return args ? run(...args) : undefined;
  }, [run]);

  const reset = useCallback(() => {
    lastArgs.current = undefined;
    setError(undefined);
  }, []);

  return { run, retry, reset, pending, error };
}
