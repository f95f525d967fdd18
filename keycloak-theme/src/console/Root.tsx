import { useEnvironment } from "@keycloak/keycloak-account-ui";
import { KeycloakMasthead } from "@keycloak/keycloak-ui-shared";
import { Button, Page, Spinner } from "@patternfly/react-core";
import { ExternalLinkSquareAltIcon } from "@patternfly/react-icons";
import { Suspense } from "react";
import { useTranslation } from "react-i18next";
import { Outlet, useHref } from "react-router-dom";
import { joinPath, type ByokAccountEnvironment } from "./environment";
import { PageNav } from "./PageNav";

const ReferrerLink = () => {
  const { t } = useTranslation();
  const { environment } = useEnvironment<ByokAccountEnvironment>();
  if (!environment.referrerUrl) {
    return null;
  }
  // Keycloak passes client names as "${messageKey}" when they are localised.
  const name = environment.referrerName ?? "";
  const app = name.startsWith("${") && name.endsWith("}") ? t(name.slice(2, -1)) : name || environment.referrerUrl;
  return (
    <Button
      component="a"
      href={environment.referrerUrl.replace("_hash_", "#")}
      variant="link"
      icon={<ExternalLinkSquareAltIcon />}
      iconPosition="right"
      isInline
      data-testid="referrer-link"
    >
      {t("backTo", { app, defaultValue: `Back to ${app}` })}
    </Button>
  );
};

/**
 * The console's frame. It is built from our own PatternFly copy (masthead from
 * @keycloak/keycloak-ui-shared) rather than the account-ui package's Header/PageNav: that
 * package bundles its own PatternFly, whose page context would not reach our Page, and the
 * sidebar toggle would do nothing.
 */
export const Root = () => {
  const { t } = useTranslation();
  const { environment, keycloak } = useEnvironment<ByokAccountEnvironment>();
  const logoUrl = environment.logoUrl || "/";
  const internalLogoHref = useHref(logoUrl);
  // As in the stock console: a logo URL starting with "/" stays inside the console.
  const brandHref = logoUrl.startsWith("/") ? internalLogoHref : logoUrl;

  return (
    <Page
      header={
        <KeycloakMasthead
          data-testid="page-header"
          keycloak={keycloak}
          features={{ hasManageAccount: false }}
          brand={{
            href: brandHref,
            src: joinPath(environment.resourceUrl, environment.logo || "logo.svg"),
            alt: t("logo", "Logo"),
            className: "byok-brand",
          }}
          toolbarItems={[<ReferrerLink key="referrer" />]}
        />
      }
      sidebar={<PageNav />}
      isManagedSidebar
    >
      <Suspense fallback={<Spinner />}>
        <Outlet />
      </Suspense>
    </Page>
  );
};
