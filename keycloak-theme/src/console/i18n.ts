import { createInstance, type LanguageDetectorModule } from "i18next";
import FetchBackend from "i18next-fetch-backend";
import { initReactI18next } from "react-i18next";
import { joinPath, type ByokAccountEnvironment } from "./environment";

type KeyValue = { key: string; value: string };

/**
 * The stock pages translate through react-i18next with the realm's account theme messages,
 * which Keycloak serves as JSON (our messages_*.properties merged over keycloak.v3's).
 */
export function createI18n(environment: ByokAccountEnvironment) {
  const detector: LanguageDetectorModule = {
    type: "languageDetector",
    detect: () => environment.locale,
  };

  const i18n = createInstance({
    fallbackLng: "en",
    showSupportNotice: false,
    nsSeparator: false,
    interpolation: { escapeValue: false },
    backend: {
      loadPath: joinPath(environment.serverBaseUrl, `resources/${environment.realm}/account/{{lng}}`),
      parse: (data: string) => {
        const messages = JSON.parse(data) as KeyValue[];
        return Object.fromEntries(messages.map(({ key, value }) => [key, value]));
      },
    },
  });

  i18n.use(FetchBackend);
  i18n.use(detector);
  i18n.use(initReactI18next);
  return i18n;
}
