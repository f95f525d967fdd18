import { createContext, useContext, type PropsWithChildren } from "react";
import type { ByokClient } from "../api/byokClient";

const ByokClientContext = createContext<ByokClient | undefined>(undefined);

/** Makes the sidecar client available to the hooks below it. */
export const ByokClientProvider = ({ client, children }: PropsWithChildren<{ client: ByokClient }>) => (
  <ByokClientContext.Provider value={client}>{children}</ByokClientContext.Provider>
);

export function useByokClient(): ByokClient {
  const client = useContext(ByokClientContext);
  if (!client) {
    throw new Error("useByokClient must be used inside a ByokClientProvider.");
  }
  return client;
}
