import { Pagination } from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useEffect, useMemo, useState } from "react";
import type { UsageRow } from "../api/types";
import { formatCount, formatDay, keySourceLabel } from "../usage/usageFormat";
import { sortUsageRows } from "../usage/usageSeries";

type UsageTableProps = {
  rows: readonly UsageRow[];
  providerName: (provider: string) => string;
  locale?: string;
};

const PER_PAGE = 10;

/**
 * The usage rows as the API sends them, newest day first: the accessible form of the chart. Thirty
 * days of several models make many rows (on a phone each row is a block), so they come in pages.
 */
export const UsageTable = ({ rows, providerName, locale }: UsageTableProps) => {
  const sorted = useMemo(() => sortUsageRows(rows), [rows]);
  const [page, setPage] = useState(1);
  const [perPage, setPerPage] = useState(PER_PAGE);
  const pages = Math.max(1, Math.ceil(sorted.length / perPage));
  // Fewer rows after a refresh: stay on a page that exists.
  useEffect(() => setPage((current) => Math.min(current, pages)), [pages]);
  const shown = sorted.slice((Math.min(page, pages) - 1) * perPage, Math.min(page, pages) * perPage);
  const pagination = (variant: "top" | "bottom") =>
    sorted.length > PER_PAGE && (
      <Pagination
        itemCount={sorted.length}
        page={Math.min(page, pages)}
        perPage={perPage}
        perPageOptions={[10, 30, 100].map((n) => ({ title: String(n), value: n }))}
        onSetPage={(_event, next) => setPage(next)}
        onPerPageSelect={(_event, next) => {
          setPerPage(next);
          setPage(1);
        }}
        variant={variant}
        isCompact={variant === "top"}
        titles={{ paginationAriaLabel: `Usage rows, ${variant === "top" ? "top" : "bottom"} pagination` }}
        data-testid={`usage-pagination-${variant}`}
      />
    );

  return (
    <>
      {pagination("top")}
      <UsageRowsTable rows={shown} providerName={providerName} locale={locale} />
      {pagination("bottom")}
    </>
  );
};

const UsageRowsTable = ({ rows, providerName, locale }: UsageTableProps) => (
  // role "table", not PatternFly's default "grid": nothing in it is interactive, it is the chart in text form.
  <Table
    aria-label="Usage by day, provider, model and key source"
    role="table"
    variant="compact"
    data-testid="usage-table"
    className="byok-table"
  >
    <Thead>
      <Tr>
        <Th>Date (UTC)</Th>
        <Th>Provider</Th>
        <Th>Model</Th>
        <Th>Key</Th>
        <Th className="byok-number">Requests</Th>
        <Th className="byok-number">Input tokens</Th>
        <Th className="byok-number">Output tokens</Th>
      </Tr>
    </Thead>
    <Tbody>
      {rows.map((row) => (
        <Tr
          key={`${row.date}|${row.provider}|${row.model ?? ""}|${row.key_source}`}
          data-date={row.date}
          data-provider={row.provider}
          data-model={row.model ?? ""}
          data-key-source={row.key_source}
        >
          <Td dataLabel="Date (UTC)" modifier="nowrap">
            {formatDay(row.date, locale)}
          </Td>
          <Td dataLabel="Provider">{providerName(row.provider)}</Td>
          <Td dataLabel="Model" modifier="breakWord">
            {row.model ?? "Unknown"}
          </Td>
          <Td dataLabel="Key" modifier="nowrap">
            {keySourceLabel(row.key_source)}
          </Td>
          <Td dataLabel="Requests" className="byok-number" data-column="requests">
            {formatCount(row.requests, locale)}
          </Td>
          <Td dataLabel="Input tokens" className="byok-number" data-column="input_tokens">
            {formatCount(row.input_tokens, locale)}
          </Td>
          <Td dataLabel="Output tokens" className="byok-number" data-column="output_tokens">
            {formatCount(row.output_tokens, locale)}
          </Td>
        </Tr>
      ))}
    </Tbody>
  </Table>
);
