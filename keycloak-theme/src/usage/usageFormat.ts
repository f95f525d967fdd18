// How the usage section writes days, counts and key sources for people.
import type { IsoDay } from "../api/types";

const dayParts = (day: IsoDay) => {
  const [year, month, date] = day.split("-").map(Number);
  return new Date(Date.UTC(year!, month! - 1, date!));
};

function format(options: Intl.DateTimeFormatOptions, day: IsoDay, locale?: string): string {
  try {
    return new Intl.DateTimeFormat(locale, { ...options, timeZone: "UTC" }).format(dayParts(day));
  } catch {
    return day;
  }
}

/** "2 Dec 2026" (a UTC day, never shifted into the day before). */
export const formatDay = (day: IsoDay, locale?: string) => format({ dateStyle: "medium" }, day, locale);

/** "2 Dec", for the chart's axis. */
export const formatShortDay = (day: IsoDay, locale?: string) => format({ day: "numeric", month: "short" }, day, locale);

/** 12,345 */
export function formatCount(value: number, locale?: string): string {
  try {
    return new Intl.NumberFormat(locale).format(value);
  } catch {
    return String(value);
  }
}

/** 12K, 3.4M: for the chart's axis. */
export function formatCompact(value: number, locale?: string): string {
  try {
    return new Intl.NumberFormat(locale, { notation: "compact", maximumFractionDigits: 1 }).format(value);
  } catch {
    return String(value);
  }
}

/** Whose key paid for the calls. */
export function keySourceLabel(source: string): string {
  if (source === "byok") return "Your key";
  if (source === "system") return "Operator's key";
  return source;
}
