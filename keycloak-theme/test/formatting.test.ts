import { describe, expect, it } from "vitest";
import { joinPath, resolveSidecarUrl } from "../src/console/environment";
import { isVisible, navItems } from "../src/console/nav";
import { formatApiDate, formatApiDay, isPast, parseApiDate } from "../src/utils/formatDate";

describe("parseApiDate", () => {
  it("reads the legacy zone-less form with microseconds as UTC", () => {
    expect(parseApiDate("2025-10-10T22:00:00.000000")?.toISOString()).toBe("2025-10-10T22:00:00.000Z");
  });

  it("keeps explicit zones", () => {
    expect(parseApiDate("2025-10-10T22:00:00Z")?.toISOString()).toBe("2025-10-10T22:00:00.000Z");
    expect(parseApiDate("2025-10-10T22:00:00.123456+02:00")?.toISOString()).toBe("2025-10-10T20:00:00.123Z");
  });

  it("formats for people, with a dash for missing values and the raw text for garbage", () => {
    expect(formatApiDate(null)).toBe("—");
    expect(formatApiDate("not a date")).toBe("not a date");
    expect(formatApiDate("2025-10-10T22:00:00Z", "en-GB")).toMatch(/10 Oct 2025/);
  });
});

describe("formatApiDay and isPast", () => {
  it("shows a calendar day (last_used) as that day, whatever the time zone", () => {
    expect(formatApiDate("2025-10-20", "en-GB")).toBe("20 Oct 2025");
    expect(formatApiDay("2025-10-20", "en-GB")).toBe("20 Oct 2025");
  });

  it("shows only the day of a timestamp, a dash when absent, the raw text for garbage", () => {
    expect(formatApiDay("2025-10-10T12:00:00Z", "en-GB")).toBe("10 Oct 2025");
    expect(formatApiDay(null)).toBe("—");
    expect(formatApiDay("soon")).toBe("soon");
  });

  it("tells expired from valid timestamps and never calls garbage expired", () => {
    const now = new Date("2025-11-01T00:00:00Z");
    expect(isPast("2025-10-31T23:59:59Z", now)).toBe(true);
    expect(isPast("2025-11-01T00:00:01Z", now)).toBe(false);
    expect(isPast("not a date", now)).toBe(false);
    expect(isPast(null, now)).toBe(false);
  });
});

describe("resolveSidecarUrl", () => {
  it("accepts absolute http(s) URLs and drops trailing slashes", () => {
    expect(resolveSidecarUrl("https://gw.example.com/", "http://kc")).toBe("https://gw.example.com");
  });

  it("resolves a relative value against Keycloak's origin", () => {
    expect(resolveSidecarUrl("/gateway", "https://id.example.com")).toBe("https://id.example.com/gateway");
  });

  it.each([undefined, "", "   ", "${env.BYOK_API_URL}", "javascript:alert(1)"])("rejects %j", (value) => {
    expect(resolveSidecarUrl(value, "http://kc")).toBeUndefined();
  });
});

describe("joinPath", () => {
  it("joins URL parts with single slashes", () => {
    expect(joinPath("http://kc:8080/", "/resources/byok/account/", "logo.svg")).toBe(
      "http://kc:8080/resources/byok/account/logo.svg",
    );
  });
});

describe("navigation", () => {
  it("adds API keys to the stock entries and hides entries only when the server says false", () => {
    const labels = navItems.map((item) => item.label);
    expect(labels).toEqual(expect.arrayContaining(["personalInfo", "accountSecurity", "applications", "groups", "resources", "apiKeys"]));
    const groups = navItems.find((item) => item.label === "groups")!;
    expect(isVisible(groups, { isViewGroupsEnabled: false })).toBe(false);
    expect(isVisible(groups, {})).toBe(true);
    expect(isVisible(navItems.find((item) => item.label === "apiKeys")!, {})).toBe(true);
  });
});
