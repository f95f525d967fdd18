import { unexpectedResponseError } from "./errors";
import type { UsageReport, UsageRow, UsageTotal } from "./types";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Checks that a `GET /usage` answer has the shape DESIGN.md section 12 promises, so the chart and
 * the table never draw half a report. Anything else is "a response this page does not understand".
 */
export function readUsageReport(body: unknown, status = 200): UsageReport {
  if (!isObject(body) || !isDay(body.from) || !isDay(body.to) || !Array.isArray(body.rows)) {
    throw unexpectedResponseError(status);
  }
  const total = readTotal(body.total);
  const rows = body.rows.map(readRow);
  if (total === undefined || rows.some((row) => row === undefined)) {
    throw unexpectedResponseError(status);
  }
  return { from: body.from, to: body.to, total, rows: rows as UsageRow[] };
}

function readTotal(value: unknown): UsageTotal | undefined {
  if (!isObject(value)) return undefined;
  const { requests, input_tokens, output_tokens } = value;
  if (!isCount(requests) || !isCount(input_tokens) || !isCount(output_tokens)) return undefined;
  return { requests, input_tokens, output_tokens };
}

function readRow(value: unknown): UsageRow | undefined {
  if (!isObject(value)) return undefined;
  const { date, provider, model, key_source } = value;
  const total = readTotal(value);
  if (!isDay(date) || !isText(provider) || !isText(key_source) || total === undefined) return undefined;
  if (model !== null && model !== undefined && typeof model !== "string") return undefined;
  return { date, provider, model: model || null, key_source, ...total };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);
const isDay = (value: unknown): value is string => typeof value === "string" && DAY.test(value);
const isText = (value: unknown): value is string => typeof value === "string" && value.length > 0;
const isCount = (value: unknown): value is number =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
