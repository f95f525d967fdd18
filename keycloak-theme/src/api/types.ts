// Shapes of the sidecar's BYOK management API (DESIGN.md section 5). Field names are a
// contract with the sidecar and with the Python service it replaces, so they stay snake_case.

/** One entry of the provider catalogue (`GET /providers`). */
export type Provider = {
  id: string;
  name: string;
  /** Expected key prefix (for example `sk-`), or null when the provider has none. */
  key_format: string | null;
  configured: boolean;
};

export type TestStatus = "valid" | "invalid" | "error";

/** A stored key as the API shows it: masked, never the key itself (`GET /keys`). */
export type StoredKey = {
  provider: string;
  provider_name: string;
  key_preview: string;
  label: string | null;
  added_date: string | null;
  last_tested: string | null;
  test_status: TestStatus | null;
};

/** Body of `POST /keys/add`. `endpoint` is only sent for providers that take one (`custom`). */
export type AddKeyRequest = {
  provider: string;
  key: string;
  label?: string;
  endpoint?: string;
};

export type AddKeyResponse = {
  message: string;
  provider: string;
  provider_name: string;
};

export type DeleteKeyResponse = {
  message: string;
  provider: string;
};

/** Result of `POST /keys/test/{provider}`. */
export type KeyTestResult = {
  provider: string;
  status: TestStatus;
  message: string;
  details: unknown;
};

/** `GET /stats`. `byok_allowed` and `required_tier` extend DESIGN.md section 5. */
export type ByokStats = {
  total_providers: number;
  configured_providers: number;
  tested_providers: number;
  valid_providers: number;
  user_tier: string;
  byok_allowed?: boolean;
  required_tier?: string;
};

/** RFC 9457 problem details, as every API error is returned. */
export type ProblemDetails = {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  /** On 422: messages per request field, for example `{ "key": ["..."] }`. */
  errors?: Record<string, string[]>;
};

/**
 * A gateway key as the list shows it (`GET /tokens`, DESIGN.md section 10): a preview only, never
 * the key. `last_used` is a day, updated at most once a day; null until the first use.
 */
export type GatewayKey = {
  id: string;
  name: string;
  token_preview: string;
  created: string;
  expires: string;
  last_used: string | null;
};

/** Body of `POST /tokens`. The API's default expiry is 90 days. */
export type CreateGatewayKeyRequest = {
  name: string;
  expires_in_days?: number;
};

/** Answer to `POST /tokens`: the only time the key itself (`token`) is ever sent. */
export type CreatedGatewayKey = {
  id: string;
  name: string;
  token: string;
  created: string;
  expires: string;
};

export type RevokeGatewayKeyResponse = {
  message: string;
  id: string;
};

/** The provider whose keys go to a user-supplied base URL; the only one that takes `endpoint`. */
export const CUSTOM_PROVIDER_ID = "custom";

export const LABEL_MAX_LENGTH = 100;

/** Gateway key names: 1 to 100 printable characters (DESIGN.md section 10). */
export const GATEWAY_KEY_NAME_MAX_LENGTH = 100;
export const GATEWAY_KEY_MAX_DAYS = 365;
export const GATEWAY_KEY_DEFAULT_DAYS = 90;

/** A day, `YYYY-MM-DD` (a UTC day, as the ledger counts them). */
export type IsoDay = string;

/** The caller's calls on one day to one model with one kind of key (`GET /usage`, DESIGN.md section 12). */
export type UsageRow = {
  date: IsoDay;
  provider: string;
  /** As the provider named it; null when the gateway could not tell. */
  model: string | null;
  /** `byok` (the user's own key) or `system` (the operator's key). */
  key_source: string;
  requests: number;
  input_tokens: number;
  output_tokens: number;
};

export type UsageTotal = {
  requests: number;
  input_tokens: number;
  output_tokens: number;
};

/** `GET /usage?from=&to=`: both days included. */
export type UsageReport = {
  from: IsoDay;
  to: IsoDay;
  total: UsageTotal;
  rows: UsageRow[];
};

/** Query of `GET /usage`, both days included. */
export type UsageRange = {
  from: IsoDay;
  to: IsoDay;
};

/** How many days the usage section shows, today included. */
export const USAGE_DAYS = 30;
