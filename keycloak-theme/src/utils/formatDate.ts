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

const DAY_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A date for people, in their locale; the raw value if it cannot be parsed; a dash if absent. */
export function formatApiDate(value: string | null | undefined, locale?: string): string {
  if (!value) {
    return "—";
  }
  const day = DAY_ONLY.exec(value.trim());
  if (day) {
    // A calendar day (a gateway key's last_used): no time, and no shift into the previous day.
    const date = new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])));
    try {
      return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(date);
    } catch {
      return value;
    }
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

/** Only the day of an API timestamp (gateway key dates), in the user's time zone. */
export function formatApiDay(value: string | null | undefined, locale?: string): string {
  if (!value) {
    return "—";
  }
  if (DAY_ONLY.test(value.trim())) {
    return formatApiDate(value, locale);
  }
  const date = parseApiDate(value);
  if (!date) {
    return value;
  }
  try {
    return new Intl.DateTimeFormat(locale, { dateStyle: "medium" }).format(date);
  } catch {
    return date.toISOString().slice(0, 10);
  }
}

/** Whether an API timestamp lies in the past (an expired gateway key); false when unparsable. */
export function isPast(value: string | null | undefined, now: Date = new Date()): boolean {
  const date = value ? parseApiDate(value) : undefined;
  return date !== undefined && date.getTime() <= now.getTime();
}
