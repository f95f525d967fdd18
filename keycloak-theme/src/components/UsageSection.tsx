import {
  Bullseye,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  EmptyState,
  EmptyStateBody,
  EmptyStateHeader,
  Spinner,
  Stack,
  StackItem,
} from "@patternfly/react-core";
import { useMemo } from "react";
import { ByokApiError } from "../api/errors";
import { USAGE_DAYS, type Provider, type UsageReport } from "../api/types";
import type { Resource } from "../hooks/useResource";
import { formatCount, formatDay } from "../usage/usageFormat";
import { tokensPerDayByProvider } from "../usage/usageSeries";
import { ErrorAlert } from "./ErrorAlert";
import { UsageChart } from "./UsageChart";
import { UsageTable } from "./UsageTable";

type UsageSectionProps = {
  usage: Resource<UsageReport>;
  /** The catalogue, for provider names; ids are shown until it has loaded. */
  providers?: Provider[];
  /** The page already shows a load error for everything (service down, session expired). */
  hideLoadError?: boolean;
  onSignIn?: () => void;
  locale?: string;
};

/** The user's usage of the last 30 days: totals, tokens per day by provider, and every row as a table. */
export const UsageSection = ({ usage, providers, hideLoadError, onSignIn, locale }: UsageSectionProps) => {
  const report = usage.data;
  const names = useMemo(() => new Map((providers ?? []).map((p) => [p.id, p.name])), [providers]);
  const providerName = (id: string) => names.get(id) ?? id;
  const daily = useMemo(() => (report ? tokensPerDayByProvider(report) : undefined), [report]);

  const loadError =
    usage.error?.kind === "not-found"
      ? // A sidecar from before the usage ledger has no such route.
        new ByokApiError("not-found", "This gateway does not record usage yet.", 404)
      : usage.error;

  return (
    <Stack hasGutter data-testid="usage" aria-busy={usage.loading}>
      {loadError && !hideLoadError && (
        <StackItem>
          <ErrorAlert
            title="Could not load your usage"
            error={loadError}
            onRetry={usage.reload}
            onSignIn={onSignIn}
            data-testid="usage-error"
          />
        </StackItem>
      )}
      {report === undefined && !usage.error && (
        <StackItem>
          <Bullseye>
            <Spinner size="lg" aria-label="Loading your usage" />
          </Bullseye>
        </StackItem>
      )}
      {report !== undefined && (
        <StackItem>
          <p className="byok-usage__range" data-testid="usage-range">
            {formatDay(report.from, locale)} to {formatDay(report.to, locale)}, in UTC days. Calls show up here shortly
            after they end.
          </p>
        </StackItem>
      )}
      {report !== undefined && report.rows.length === 0 && (
        <StackItem>
          <EmptyState variant="xs" data-testid="no-usage">
            <EmptyStateHeader titleText={`No usage in the last ${USAGE_DAYS} days`} headingLevel="h3" />
            <EmptyStateBody>
              Calls you make through the gateway, with your own keys or the operator's, are counted here.
            </EmptyStateBody>
          </EmptyState>
        </StackItem>
      )}
      {report !== undefined && daily !== undefined && report.rows.length > 0 && (
        <>
          <StackItem>
            <DescriptionList
              isCompact
              columnModifier={{ default: "3Col" }}
              aria-label={`Totals of the last ${USAGE_DAYS} days`}
              data-testid="usage-totals"
            >
              <DescriptionListGroup>
                <DescriptionListTerm>Requests</DescriptionListTerm>
                <DescriptionListDescription className="byok-usage__total" data-testid="usage-total-requests">
                  {formatCount(report.total.requests, locale)}
                </DescriptionListDescription>
              </DescriptionListGroup>
              <DescriptionListGroup>
                <DescriptionListTerm>Input tokens</DescriptionListTerm>
                <DescriptionListDescription className="byok-usage__total" data-testid="usage-total-input">
                  {formatCount(report.total.input_tokens, locale)}
                </DescriptionListDescription>
              </DescriptionListGroup>
              <DescriptionListGroup>
                <DescriptionListTerm>Output tokens</DescriptionListTerm>
                <DescriptionListDescription className="byok-usage__total" data-testid="usage-total-output">
                  {formatCount(report.total.output_tokens, locale)}
                </DescriptionListDescription>
              </DescriptionListGroup>
            </DescriptionList>
          </StackItem>
          <StackItem>
            <h3 className="byok-subheading">Tokens per day (input plus output), by provider</h3>
            <UsageChart daily={daily} providerName={providerName} locale={locale} />
          </StackItem>
          <StackItem>
            <h3 className="byok-subheading">By day, provider, model and key</h3>
            <UsageTable rows={report.rows} providerName={providerName} locale={locale} />
          </StackItem>
        </>
      )}
    </Stack>
  );
};
