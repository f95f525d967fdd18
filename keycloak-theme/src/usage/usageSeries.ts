// Pure helpers of the usage section: the date range it asks for and the chart's series.
import type { IsoDay, UsageRange, UsageReport, UsageRow } from "../api/types";

const DAY_MS = 86_400_000;
/** A report never spans more than this many days; a longer range is cut, not looped over. */
const MAX_DAYS = 366;

/** The UTC day of an instant, `YYYY-MM-DD`. */
export const utcDay = (instant: Date): IsoDay => instant.toISOString().slice(0, 10);

/** The last `count` UTC days up to and including the day of `now` (the ledger counts UTC days). */
export function lastDays(count: number, now: Date): UsageRange {
  const to = utcDay(now);
  const from = utcDay(new Date(Date.parse(`${to}T00:00:00Z`) - (count - 1) * DAY_MS));
  return { from, to };
}

/** Every day from `from` to `to`, both included; empty when `to` is before `from`. */
export function daysBetween(from: IsoDay, to: IsoDay): IsoDay[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  const days: IsoDay[] = [];
  for (let t = start; t <= end && days.length < MAX_DAYS; t += DAY_MS) {
    days.push(utcDay(new Date(t)));
  }
  return days;
}

export type ProviderSeries = {
  provider: string;
  /** Input plus output tokens of each day of the range, in order; 0 on days without calls. */
  tokens: number[];
  total: number;
};

export type DailyTokens = {
  days: IsoDay[];
  /** Largest total first, so the biggest provider sits at the bottom of each stacked bar. */
  series: ProviderSeries[];
};

/** Tokens (input + output) per day and provider over the report's whole range, days without use as 0. */
export function tokensPerDayByProvider(report: UsageReport): DailyTokens {
  const days = daysBetween(report.from, report.to);
  const index = new Map(days.map((day, i) => [day, i]));
  const byProvider = new Map<string, ProviderSeries>();
  for (const row of report.rows) {
    const i = index.get(row.date);
    if (i === undefined) continue;
    let series = byProvider.get(row.provider);
    if (!series) {
      series = { provider: row.provider, tokens: days.map(() => 0), total: 0 };
      byProvider.set(row.provider, series);
    }
    const tokens = row.input_tokens + row.output_tokens;
    series.tokens[i] = (series.tokens[i] ?? 0) + tokens;
    series.total += tokens;
  }
  const series = [...byProvider.values()].sort(
    (a, b) => b.total - a.total || a.provider.localeCompare(b.provider),
  );
  return { days, series };
}

/** Newest day first; within a day by provider, model and key source. */
export function sortUsageRows(rows: readonly UsageRow[]): UsageRow[] {
  return [...rows].sort(
    (a, b) =>
      b.date.localeCompare(a.date) ||
      a.provider.localeCompare(b.provider) ||
      (a.model ?? "").localeCompare(b.model ?? "") ||
      a.key_source.localeCompare(b.key_source),
  );
}
