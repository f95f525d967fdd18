import { useCallback, useEffect, useRef, useState } from "react";
import type { ByokClient } from "../api/byokClient";
import { isAbortError, toByokError, type ByokApiError } from "../api/errors";
import { useByokClient } from "./ByokClientContext";

export type Resource<T> = {
  /** The last successfully loaded value; kept while a reload runs so lists do not flicker. */
  data: T | undefined;
  error: ByokApiError | undefined;
  loading: boolean;
  reload: () => void;
};

/** Loads one API resource when mounted and again on each `reload()`; cancels on unmount. */
export function useResource<T>(load: (client: ByokClient, signal: AbortSignal) => Promise<T>): Resource<T> {
  const client = useByokClient();
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ByokApiError>();
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    loadRef
      .current(client, controller.signal)
      .then((value) => {
        if (!controller.signal.aborted) {
          setData(value);
          setError(undefined);
        }
      })
      .catch((reason: unknown) => {
        if (!controller.signal.aborted && !isAbortError(reason)) {
          setError(toByokError(reason));
        }
      })
      .finally(() => {
        if (!controller.signal.aborted) {
          setLoading(false);
        }
      });
    return () => controller.abort();
  }, [client, version]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { data, error, loading, reload };
}
