/**
 * Parses the API's ISO-8601 timestamps. Keys stored by the Python service carry the legacy
 * form without a zone and with microseconds (`2025-10-10T22:00:00.000000`), which means UTC
 * (DESIGN.md section 3); `Date` would read a zone-less value as local time.
 */
export function parseApiDate(value: string): Date | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(value.trim());
  if (!match) {
    const fallback = new Date(value);
    return Number.isNaN(fallback.getTime()) ? undefined : fallback;
  }
  const [, base, fraction = "", zone] = match;
  const millis = fraction ? `.${fraction.slice(1, 4).padEnd(3, "0")}` : "";
  const date = new Date(`${base}${millis}${zone ?? "Z"}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** A date for people, in their locale; the raw value if it cannot be parsed; a dash if absent. */
export function formatApiDate(value: string | null | undefined, locale?: string): string {
  if (!value) {
    return "—";
  }
  const date = parseApiDate(value);
  if (!date) {
    return value;
  }
  try {
    return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(date);
  } catch {
    return date.toISOString();
  }
}
