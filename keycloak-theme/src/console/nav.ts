import type { Feature } from "@keycloak/keycloak-account-ui";

export type NavEntry = {
  /** Message key in the account theme's messages; `fallback` when the server has none. */
  label: string;
  fallback: string;
  /** Route path below the console's base URL ("" is Personal info). */
  path: string;
  isVisible?: keyof Feature;
};

export type NavGroup = {
  label: string;
  fallback: string;
  children: NavEntry[];
  isVisible?: keyof Feature;
};

export type MenuEntry = NavEntry | NavGroup;

export const API_KEYS_PATH = "api-keys";

/**
 * The stock console's menu (keycloak.v3's content.json for the routes of
 * @keycloak/keycloak-account-ui 26.7) plus "API keys". Paths must match the package's routes.
 */
export const navItems: MenuEntry[] = [
  { label: "personalInfo", fallback: "Personal info", path: "" },
  {
    label: "accountSecurity",
    fallback: "Account security",
    children: [
      { label: "signingIn", fallback: "Signing in", path: "account-security/signing-in" },
      { label: "deviceActivity", fallback: "Device activity", path: "account-security/device-activity" },
      {
        label: "linkedAccounts",
        fallback: "Linked accounts",
        path: "account-security/linked-accounts",
        isVisible: "isLinkedAccountsEnabled",
      },
    ],
  },
  { label: "applications", fallback: "Applications", path: "applications", isVisible: "isViewApplicationsEnabled" },
  { label: "groups", fallback: "Groups", path: "groups", isVisible: "isViewGroupsEnabled" },
  { label: "organizations", fallback: "Organizations", path: "organizations", isVisible: "isViewOrganizationsEnabled" },
  { label: "resources", fallback: "Resources", path: "resources", isVisible: "isMyResourcesEnabled" },
  {
    label: "verifiableCredentials",
    fallback: "Verifiable credentials",
    path: "verifiable-credentials",
    isVisible: "isOid4VciEnabled",
  },
  { label: "apiKeys", fallback: "API keys", path: API_KEYS_PATH },
];

/**
 * A feature flag hides an entry only when the server says false: an older Keycloak whose
 * index.ftl lacks a flag keeps the entry, as its stock console would.
 */
export function isVisible(item: MenuEntry, features: Partial<Record<keyof Feature, boolean>>): boolean {
  return item.isVisible === undefined || features[item.isVisible] !== false;
}
