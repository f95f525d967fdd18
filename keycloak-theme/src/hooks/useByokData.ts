import { USAGE_DAYS, type ByokStats, type GatewayKey, type Provider, type StoredKey, type UsageReport } from "../api/types";
import { lastDays } from "../usage/usageSeries";
import { useResource, type Resource } from "./useResource";

/** The provider catalogue with each provider's configured state. */
export const useProviders = (): Resource<Provider[]> =>
  useResource((client, signal) => client.listProviders({ signal }));

/** The user's stored keys, masked. */
export const useKeys = (): Resource<StoredKey[]> => useResource((client, signal) => client.listKeys({ signal }));

/** Counts and the user's tier, including whether the tier allows storing keys. */
export const useStats = (): Resource<ByokStats> => useResource((client, signal) => client.getStats({ signal }));

/** The user's gateway keys (previews only). */
export const useGatewayKeys = (): Resource<GatewayKey[]> =>
  useResource((client, signal) => client.listGatewayKeys({ signal }));

/** The user's usage of the last USAGE_DAYS UTC days, today included (the range is taken at each load). */
export const useUsage = (): Resource<UsageReport> =>
  useResource((client, signal) => client.getUsage(lastDays(USAGE_DAYS, new Date()), { signal }));
