import { useEnvironment } from "@keycloak/keycloak-account-ui";
import { Nav, NavExpandable, NavItem, NavList, PageSidebar, PageSidebarBody } from "@patternfly/react-core";
import type { MouseEvent as ReactMouseEvent, PropsWithChildren } from "react";
import { useTranslation } from "react-i18next";
import { matchPath, useHref, useLinkClickHandler, useLocation } from "react-router-dom";
import type { ByokAccountEnvironment } from "./environment";
import { isVisible, navItems, type MenuEntry, type NavEntry } from "./nav";

const fullPath = (path: string, baseUrl: string) => `${new URL(baseUrl).pathname}${path}`;

const isActive = (item: MenuEntry, pathname: string, baseUrl: string): boolean =>
  "path" in item
    ? matchPath({ path: fullPath(item.path, baseUrl), end: true }, pathname) !== null
    : item.children.some((child) => isActive(child, pathname, baseUrl));

/** The console's side menu: the stock entries plus "API keys". */
export const PageNav = () => {
  const { environment } = useEnvironment<ByokAccountEnvironment>();
  const features = environment.features ?? {};
  return (
    <PageSidebar>
      <PageSidebarBody>
        <Nav aria-label="Account">
          <NavList>
            {navItems
              .filter((item) => isVisible(item, features))
              .map((item) => (
                <MenuItem key={item.label} item={item} />
              ))}
          </NavList>
        </Nav>
      </PageSidebarBody>
    </PageSidebar>
  );
};

const MenuItem = ({ item }: { item: MenuEntry }) => {
  const { t } = useTranslation();
  const { environment } = useEnvironment<ByokAccountEnvironment>();
  const { pathname } = useLocation();
  const active = isActive(item, pathname, environment.baseUrl);
  const features = environment.features ?? {};

  if ("path" in item) {
    return (
      <NavLink entry={item} isActive={active}>
        {t(item.label, item.fallback)}
      </NavLink>
    );
  }
  return (
    <NavExpandable title={t(item.label, item.fallback)} isActive={active} isExpanded={active} data-testid={item.label}>
      {item.children
        .filter((child) => isVisible(child, features))
        .map((child) => (
          <MenuItem key={child.label} item={child} />
        ))}
    </NavExpandable>
  );
};

const NavLink = ({ entry, isActive: active, children }: PropsWithChildren<{ entry: NavEntry; isActive: boolean }>) => {
  const { environment } = useEnvironment<ByokAccountEnvironment>();
  const target = fullPath(entry.path, environment.baseUrl) + location.search;
  const href = useHref(target);
  const handleClick = useLinkClickHandler(target);
  return (
    <NavItem
      to={href}
      isActive={active}
      data-testid={entry.path || "personal-info"}
      // PatternFly types the event for both anchors and buttons; the item renders an anchor.
      onClick={(event) => handleClick(event as unknown as ReactMouseEvent<HTMLAnchorElement, MouseEvent>)}
    >
      {children}
    </NavItem>
  );
};
