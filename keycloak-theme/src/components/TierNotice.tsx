import { Alert, Text, TextContent } from "@patternfly/react-core";
import type { ByokStats } from "../api/types";

/** Tier used when the API does not say which one is required (DESIGN.md section 3 default). */
const DEFAULT_REQUIRED_TIER = "starter";

/** False only when the API says so; an older sidecar without the field enforces it with 403. */
export const byokAllowed = (stats: ByokStats | undefined): boolean => stats?.byok_allowed !== false;

/** The user's plan and counts, or why the plan does not allow storing keys. */
export const TierNotice = ({ stats, hasStoredKeys }: { stats: ByokStats; hasStoredKeys: boolean }) => {
  const tier = stats.user_tier || "free";
  if (!byokAllowed(stats)) {
    const required = stats.required_tier || DEFAULT_REQUIRED_TIER;
    return (
      <Alert isInline variant="info" title="Your own API keys are not part of your plan" data-testid="tier-notice">
        <p>
          Your plan ({tier}) does not include your own API keys; {required} or higher is required. Ask your
          administrator to upgrade your plan.
        </p>
        {hasStoredKeys && (
          <p>
            Keys you stored earlier are kept, but the gateway does not use them until your plan allows it again. You
            can still delete them.
          </p>
        )}
      </Alert>
    );
  }
  return (
    <TextContent data-testid="tier-summary">
      <Text>
        Your plan: <strong>{tier}</strong>. {stats.configured_providers} of {stats.total_providers} providers have a
        key; {stats.tested_providers} tested, {stats.valid_providers} valid.
      </Text>
    </TextContent>
  );
};
