import freemarker.core.HTMLOutputFormat;
import freemarker.template.*;
import com.fasterxml.jackson.databind.*;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.*;
import java.net.*;
import java.nio.file.*;
import java.util.*;

/**
 * Optional check of the packaged theme with the same libraries Keycloak uses, for machines
 * without a Keycloak server: renders index.ftl with FreeMarker in HTML output format (as
 * Keycloak does) for an older and a 26.7-style data model, parses the Vite manifest with
 * Jackson into a record shaped like Keycloak's Chunk (unknown fields fail), and loads the
 * theme files from the jar through a class loader. The data model is our reading of
 * Keycloak's AccountConsole, not Keycloak itself.
 */
public class VerifyTheme {
    public static class Realm {
        public String getName() { return "byok"; }
        public boolean isRegistrationEmailAsUsername() { return false; }
        public boolean isEditUsernameAllowed() { return true; }
        public boolean isInternationalizationEnabled() { return false; }
        public boolean isIdentityFederationEnabled() { return true; }
        public boolean isUserManagedAccessAllowed() { return false; }
    }
    public record Chunk(String file, String src, String name, Boolean isEntry, Boolean isDynamicEntry,
        String[] imports, String[] dynamicImports, String[] assets, String[] css) {}

    static String render(Path dir, Map<String, Object> model) throws Exception {
        Configuration cfg = new Configuration();
        cfg.setOutputFormat(HTMLOutputFormat.INSTANCE);
        cfg.setDirectoryForTemplateLoading(dir.toFile());
        Template t = cfg.getTemplate("index.ftl", "UTF-8");
        StringWriter out = new StringWriter();
        t.process(model, out);
        return out.toString();
    }

    static JsonNode env(String html) throws Exception {
        int start = html.indexOf("<script id=\"environment\" type=\"application/json\">");
        int from = html.indexOf('>', start) + 1;
        int end = html.indexOf("</script>", from);
        return new ObjectMapper().readTree(html.substring(from, end));
    }

    public static void main(String[] args) throws Exception {
        Path themeDir = Paths.get(args[0]);
        Path jar = Paths.get(args[1]);
        ObjectMapper mapper = new ObjectMapper();

        // 1. Manifest parses like Keycloak's Chunk record (unknown fields fail).
        Map<String, Chunk> manifest = mapper.readValue(themeDir.resolve("resources/.vite/manifest.json").toFile(),
            new TypeReference<HashMap<String, Chunk>>() {});
        Chunk entry = manifest.values().stream().filter(c -> Boolean.TRUE.equals(c.isEntry())).findFirst().orElseThrow();
        System.out.println("manifest entry: " + entry.file() + " css=" + Arrays.toString(entry.css()));

        // 2. Template renders for a minimal (older 26.x) and a full (26.7) model.
        Properties props = new Properties();
        try (var in = Files.newInputStream(themeDir.resolve("theme.properties"))) { props.load(in); }
        System.out.println("raw byokApiUrl property: " + props.getProperty("byokApiUrl"));
        System.out.println("raw byokGatewayUrl property: " + props.getProperty("byokGatewayUrl"));
        props.setProperty("byokApiUrl", "https://gw.example.com/a?b=1&c=\"d\"</script>");
        props.setProperty("byokGatewayUrl", "https://llm.example.com/x?'y'&z=</script>");

        Map<String, Object> base = new HashMap<>();
        base.put("locale", "en");
        base.put("resourceUrl", "/resources/abc/account/byok");
        base.put("resourceCommonUrl", "/resources/abc/common/keycloak");
        base.put("properties", props);
        base.put("realm", new Realm());
        base.put("serverBaseUrl", "http://kc:8080");
        base.put("authUrl", "http://kc:8080/");
        base.put("authServerUrl", "http://kc:8080/");
        base.put("baseUrl", "http://kc:8080/realms/byok/account/");
        base.put("clientId", "account-console");
        base.put("isAuthorizationEnabled", true);
        base.put("deleteAccountAllowed", false);
        base.put("updateEmailFeatureEnabled", false);
        base.put("updateEmailActionEnabled", false);
        base.put("isViewGroupsEnabled", true);
        base.put("entryStyles", entry.css());
        base.put("entryScript", entry.file());
        base.put("entryImports", entry.imports() == null ? new String[0] : entry.imports());

        String minimal = render(themeDir, new HashMap<>(base));
        JsonNode e1 = env(minimal);
        System.out.println("minimal: byokApiUrl=" + e1.get("byokApiUrl").asText() + " features=" + e1.get("features"));
        if (!e1.get("byokApiUrl").asText().equals(props.getProperty("byokApiUrl"))) throw new RuntimeException("byokApiUrl did not round-trip");
        if (!e1.get("byokGatewayUrl").asText().equals(props.getProperty("byokGatewayUrl"))) throw new RuntimeException("byokGatewayUrl did not round-trip");
        if (!minimal.contains("<script type=\"module\" src=\"/resources/abc/account/byok/" + entry.file() + "\">")) throw new RuntimeException("entry script tag missing");

        Map<String, Object> full = new HashMap<>(base);
        full.put("darkMode", true);
        full.put("isSecureContext", false);
        full.put("isLinkedAccountsEnabled", false);
        full.put("isViewOrganizationsEnabled", true);
        full.put("isViewApplicationsEnabled", false);
        full.put("isOid4VciEnabled", true);
        full.put("referrerName", "My \"App\"");
        full.put("scope", "openid byok");
        String fullHtml = render(themeDir, full);
        JsonNode e2 = env(fullHtml);
        System.out.println("full: darkMode=" + e2.get("darkMode") + " features=" + e2.get("features") + " scope=" + e2.get("scope"));
        if (!fullHtml.contains("web-crypto-shim")) throw new RuntimeException("shim missing");
        if (!fullHtml.contains("pf-v5-theme-dark")) throw new RuntimeException("dark mode script missing");

        // 3. The jar works as a class-path resource root, the way Keycloak loads theme jars.
        try (URLClassLoader cl = new URLClassLoader(new URL[] { jar.toUri().toURL() }, null)) {
            for (String name : List.of("META-INF/keycloak-themes.json", "theme/byok/account/theme.properties",
                    "theme/byok/account/index.ftl", "theme/byok/account/resources/.vite/manifest.json",
                    "theme/byok/account/resources/" + entry.file())) {
                if (cl.getResource(name) == null) throw new RuntimeException("not on class path: " + name);
            }
            System.out.println("jar descriptor: " + new String(cl.getResourceAsStream("META-INF/keycloak-themes.json").readAllBytes()).replaceAll("\\s+", ""));
        }
        System.out.println("OK");
    }
}
