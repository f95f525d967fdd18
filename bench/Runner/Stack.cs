using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace ByokGateway.Bench;

/// <summary>
/// The processes under test: the upstream (nginx with a fixed answer), nginx as a reverse proxy,
/// the Keycloak emulator and the sidecar (Release builds), wired on loopback ports.
/// </summary>
internal sealed class Stack : IAsyncDisposable
{
    /// <summary>The provider key: 51 characters, like an OpenAI project key. The upstream accepts only this one.</summary>
    public const string ProviderKey = "sk-bench-0123456789abcdefghijklmnopqrstuvwxyzABCDEF";

    /// <summary>The demo user of the realm export (tier starter) whose stored key the measured requests use.</summary>
    public const string BenchUser = "bob";

    // ~300 bytes, the shape of a non-streaming OpenAI chat completion.
    private const string Response =
        """{"id":"chatcmpl-bench0001","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help you today?"},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":9,"total_tokens":21}}""";

    private readonly List<ChildProcess> _processes = [];
    private readonly string _clientSecret = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    private string? _adminToken;

    private Stack(string work, HttpClient http)
    {
        Work = work;
        Http = http;
    }

    public string Work { get; }

    public HttpClient Http { get; }

    public Uri Upstream { get; private set; } = null!;

    public Uri NginxProxy { get; private set; } = null!;

    public Uri NginxNoLogProxy { get; private set; } = null!;

    public Uri Keycloak { get; private set; } = null!;

    public Uri Sidecar { get; private set; } = null!;

    public ChildProcess UpstreamProcess { get; private set; } = null!;

    public ChildProcess NginxProcess { get; private set; } = null!;

    public ChildProcess NginxNoLogProcess { get; private set; } = null!;

    /// <summary>
    /// Streaming only: what a sidecar's environment can point at instead of the plain upstream
    /// (<c>{{TLS_H2}}</c>, <c>{{TLS_H1}}</c>, <c>{{TLS_CA}}</c> in <c>--sidecar-env</c> / <c>--sidecar-b-env</c> values):
    /// nginx as an HTTPS front of the same upstream (bench/nginx/tls-front.conf), offering HTTP/2 or only HTTP/1.1,
    /// and the file of the test CA that signed its certificate (for <c>SSL_CERT_FILE</c>); started only when a value names one, empty otherwise.
    /// </summary>
    public IReadOnlyDictionary<string, string> TlsFront { get; private set; } = new Dictionary<string, string>();

    /// <summary>The access log of the "nginx" configuration (one line per request).</summary>
    public string NginxAccessLog => Path.Combine(Work, "nginx-access.log");

    public ChildProcess SidecarProcess { get; private set; } = null!;

    public ChildProcess KeycloakProcess { get; private set; } = null!;

    /// <summary>The second sidecar of an A/B run (streaming benchmark with <c>--sidecar-b-env</c>), else null.</summary>
    public ChildProcess? SidecarBProcess { get; private set; }

    public Uri? SidecarB { get; private set; }

    /// <summary>The cache duration the sidecar runs with: longer than any run, so the measured user's record never expires mid-run.</summary>
    public static TimeSpan CacheDuration => TimeSpan.FromHours(2);

    /// <summary>
    /// Whether this stack serves the streaming benchmark: the upstream is bench/sse/upstream.c (SSE
    /// streams and large-body draining) and nginx is configured with <c>proxy_buffering off</c>.
    /// </summary>
    public bool Streaming { get; private init; }

    public static async Task<Stack> StartAsync(BenchOptions options, bool streaming = false)
    {
        var work = Directory.CreateTempSubdirectory("byok-bench-").FullName;
        Directory.CreateDirectory(Path.Combine(work, "tmp"));
        var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 1024 }) { Timeout = TimeSpan.FromSeconds(60) };
        var stack = new Stack(work, http) { Streaming = streaming };
        try
        {
            await stack.StartProcessesAsync(options);
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    private async Task StartProcessesAsync(BenchOptions options)
    {
        var upstreamPort = FreePort();
        var placeholders = new Dictionary<string, string>
        {
            ["WORK"] = Work,
            ["UPSTREAM_PORT"] = upstreamPort.ToString(CultureInfo.InvariantCulture),
            ["PROVIDER_KEY"] = ProviderKey,
            ["RESPONSE"] = Response,
        };

        if (Streaming)
        {
            var sse = Path.Combine(options.Repo, "bench", "sse", "bin", "sse-upstream");
            if (!File.Exists(sse))
            {
                throw new FileNotFoundException($"{sse} is missing: bench/run.sh compiles it with gcc.");
            }

            UpstreamProcess = ChildProcess.Start("sse-upstream", sse, [upstreamPort.ToString(CultureInfo.InvariantCulture), ProviderKey], new Dictionary<string, string>(), Path.Combine(Work, "sse-upstream.log"));
            _processes.Add(UpstreamProcess);
        }
        else
        {
            UpstreamProcess = StartNginx("upstream", Path.Combine(options.Repo, "bench", "nginx", "upstream.conf"), placeholders);
        }

        await UpstreamProcess.WaitForPortAsync(upstreamPort, TimeSpan.FromSeconds(20));
        Upstream = new Uri($"http://127.0.0.1:{upstreamPort}/");

        if (Streaming)
        {
            (NginxProcess, NginxProxy) = await StartNginxProxyAsync("nginx", NginxAccessLog, Path.Combine(options.Repo, "bench", "nginx", "stream-proxy.conf"), placeholders);
            // Only when a sidecar is pointed at it: an idle extra nginx has no place in the other runs.
            if (options.SidecarEnvironment.Concat(options.SidecarBEnvironment).Any(e => e.Value.Contains("{{TLS_", StringComparison.Ordinal)))
            {
                TlsFront = await StartTlsFrontAsync(options, placeholders);
            }
        }
        else
        {
            var proxyTemplate = Path.Combine(options.Repo, "bench", "nginx", "proxy.conf");
            (NginxProcess, NginxProxy) = await StartNginxProxyAsync("nginx", NginxAccessLog, proxyTemplate, placeholders);
            (NginxNoLogProcess, NginxNoLogProxy) = await StartNginxProxyAsync("nginx-nolog", "off", proxyTemplate, placeholders);
        }

        var bin = (string project, string dll) => Path.Combine(options.Repo, project, "bin", options.Configuration, "net10.0", dll);
        KeycloakProcess = StartDotnet("Keycloak emulator", bin("tests/KeycloakEmulator", "KeycloakEmulator.dll"), new Dictionary<string, string>
        {
            ["BYOK_SIDECAR_SECRET"] = _clientSecret,
        });
        Keycloak = await KeycloakProcess.WaitForListeningAsync(TimeSpan.FromSeconds(60));

        var environment = new Dictionary<string, string>
        {
            ["ENCRYPTION_KEY"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).Replace('+', '-').Replace('/', '_'),
            ["Keycloak__Url"] = Keycloak.ToString().TrimEnd('/'),
            ["Keycloak__ClientSecret"] = _clientSecret,
            ["Providers__openai__BaseUrl"] = Upstream.ToString().TrimEnd('/'),
            // Users without a stored key (the cold-path users) get the operator's key, which the upstream also accepts.
            ["OPENAI_API_KEY"] = ProviderKey,
            ["Cache__Duration"] = CacheDuration.ToString("c", CultureInfo.InvariantCulture),
            ["Cache__FailSafeMaxDuration"] = (CacheDuration * 2).ToString("c", CultureInfo.InvariantCulture),
        };
        foreach (var (name, value) in options.SidecarEnvironment)
        {
            environment[name] = Fill(value);
        }

        SidecarProcess = StartDotnet("sidecar", bin("sidecar", "byok-sidecar.dll"), environment);
        Sidecar = await SidecarProcess.WaitForListeningAsync(TimeSpan.FromSeconds(60));
        if (Streaming && options.SidecarBEnvironment.Count > 0)
        {
            // The same gateway (same encryption key, emulator and upstream) with the B settings.
            var environmentB = new Dictionary<string, string>(environment);
            foreach (var (name, value) in options.SidecarEnvironment)
            {
                environmentB.Remove(name);
            }

            foreach (var (name, value) in options.SidecarBEnvironment)
            {
                environmentB[name] = Fill(value);
            }

            SidecarBProcess = StartDotnet("sidecar-b", bin("sidecar", "byok-sidecar.dll"), environmentB, "byok-sidecar-b.log");
            SidecarB = await SidecarBProcess.WaitForListeningAsync(TimeSpan.FromSeconds(60));
        }
    }

    /// <summary>A long-lived access token of a realm user, minted by the emulator's test control (the realm's own lifespan is 5 minutes).</summary>
    public async Task<string> MintTokenAsync(string username, TimeSpan lifetime)
    {
        using var response = await Http.PostAsJsonAsync(new Uri(Keycloak, "_emulator/realms/byok/tokens"), new JsonObject
        {
            ["username"] = username,
            ["clientId"] = "byok-cli",
            ["lifetimeSeconds"] = (int)lifetime.TotalSeconds,
        });
        await EnsureAsync(response, "minting a token");
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        return body?["access_token"]?.GetValue<string>() ?? throw new InvalidOperationException("The emulator minted no token.");
    }

    /// <summary>Stores the provider key for the user through the sidecar's own API, as the Account Console would.</summary>
    public async Task StoreKeyAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Sidecar, "api/v1/byok/keys/add"))
        {
            Content = JsonContent.Create(new JsonObject { ["provider"] = "openai", ["key"] = ProviderKey, ["label"] = "bench" }),
        };
        request.Headers.Authorization = new("Bearer", token);
        using var response = await Http.SendAsync(request);
        await EnsureAsync(response, "storing the user's key through the sidecar");
    }

    /// <summary>Creates a gateway key for the user through the sidecar's API (with the user's token) and returns it.</summary>
    public async Task<string> CreateGatewayKeyAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Sidecar, "api/v1/byok/tokens"))
        {
            Content = JsonContent.Create(new JsonObject { ["name"] = "bench", ["expires_in_days"] = 1 }),
        };
        request.Headers.Authorization = new("Bearer", token);
        using var response = await Http.SendAsync(request);
        await EnsureAsync(response, "creating a gateway key through the sidecar");
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        return body?["token"]?.GetValue<string>() ?? throw new InvalidOperationException("The sidecar returned no gateway key.");
    }

    /// <summary>One chat completion through <paramref name="baseUrl"/>; returns status and X-Byok-Key-Source.</summary>
    public async Task<(HttpStatusCode Status, string? KeySource)> ChatAsync(Uri url, string authorization, string model = "gpt-4o-mini")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent($$"""{"model":"{{model}}","messages":[{"role":"user","content":"Say hello."}],"max_tokens":16}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await Http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return (response.StatusCode, response.Headers.TryGetValues("X-Byok-Key-Source", out var values) ? values.FirstOrDefault() : null);
    }

    /// <summary>Creates an enabled realm user with a tier through the Admin API (as the sidecar's service account) and returns its id.</summary>
    public async Task<string> CreateUserAsync(string username, string tier)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Keycloak, "admin/realms/byok/users"))
        {
            Content = JsonContent.Create(new JsonObject
            {
                ["username"] = username,
                ["enabled"] = true,
                ["email"] = username + "@bench.example",
                ["emailVerified"] = true,
                ["firstName"] = "Bench",
                ["lastName"] = "User",
                ["attributes"] = new JsonObject { ["subscription_tier"] = new JsonArray(tier) },
            }),
        };
        request.Headers.Authorization = new("Bearer", await AdminTokenAsync());
        using var response = await Http.SendAsync(request);
        await EnsureAsync(response, "creating a user");
        return response.Headers.Location?.ToString().Split('/')[^1] ?? throw new InvalidOperationException("No Location for the created user.");
    }

    public async Task<JsonObject> CountersAsync() =>
        await Http.GetFromJsonAsync<JsonObject>(new Uri(Keycloak, "_emulator/counters")) ?? throw new InvalidOperationException("No counters.");

    public async Task ResetCountersAsync()
    {
        using var response = await Http.PostAsync(new Uri(Keycloak, "_emulator/counters/reset"), null);
        await EnsureAsync(response, "resetting the emulator's counters");
    }

    /// <summary>Delays every Admin API answer of the emulator (0 = none).</summary>
    public async Task SetAdminDelayAsync(int milliseconds)
    {
        using var response = await Http.PutAsJsonAsync(new Uri(Keycloak, "_emulator/faults"), new JsonObject { ["adminApi"] = "none", ["adminApiDelayMs"] = milliseconds });
        await EnsureAsync(response, "setting the emulator's Admin API delay");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            process.Dispose();
        }

        Http.Dispose();

        // Configurations, logs and nginx temp files of this run; nothing in them is needed afterwards.
        try
        {
            Directory.Delete(Work, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        await Task.CompletedTask;
    }

    private async Task<string> AdminTokenAsync()
    {
        if (_adminToken is not null)
        {
            return _adminToken;
        }

        using var response = await Http.PostAsync(new Uri(Keycloak, "realms/byok/protocol/openid-connect/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = "byok-sidecar",
            ["client_secret"] = _clientSecret,
        }));
        await EnsureAsync(response, "getting the service account's token");
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        return _adminToken = body?["access_token"]?.GetValue<string>() ?? throw new InvalidOperationException("No service account token.");
    }

    private async Task<(ChildProcess Process, Uri Url)> StartNginxProxyAsync(string name, string accessLog, string template, Dictionary<string, string> placeholders)
    {
        var port = FreePort();
        var process = StartNginx(name, template, new Dictionary<string, string>(placeholders)
        {
            ["NAME"] = name,
            ["PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["ACCESS_LOG"] = accessLog,
        });
        await process.WaitForPortAsync(port, TimeSpan.FromSeconds(20));
        return (process, new Uri($"http://127.0.0.1:{port}/"));
    }

    /// <summary>Replaces the <see cref="TlsFront"/> placeholders in a sidecar environment value.</summary>
    private string Fill(string value)
    {
        foreach (var (key, url) in TlsFront)
        {
            value = value.Replace("{{" + key + "}}", url, StringComparison.Ordinal);
        }

        if (value.Contains("{{", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Unknown placeholder in the sidecar environment value '{value}' (known in a streams run: {string.Join(", ", TlsFront.Keys)}).");
        }

        return value;
    }

    /// <summary>
    /// The HTTPS front (<see cref="TlsFront"/>): a test CA and a certificate for 127.0.0.1 signed by
    /// it (ECDSA P-256, as hosted providers serve), written as PEM for nginx, and nginx started on two ports.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, string>> StartTlsFrontAsync(BenchOptions options, Dictionary<string, string> placeholders)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=byok bench test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(16));

        var caFile = Path.Combine(Work, "tls-ca.pem");
        var certificateFile = Path.Combine(Work, "tls-front.pem");
        var keyFile = Path.Combine(Work, "tls-front.key");
        await File.WriteAllTextAsync(caFile, ca.ExportCertificatePem() + "\n");
        await File.WriteAllTextAsync(certificateFile, certificate.ExportCertificatePem() + "\n");
        await File.WriteAllTextAsync(keyFile, key.ExportPkcs8PrivateKeyPem() + "\n");

        int port = FreePort(), portH1 = FreePort();
        var process = StartNginx("tls-front", Path.Combine(options.Repo, "bench", "nginx", "tls-front.conf"), new Dictionary<string, string>(placeholders)
        {
            ["NAME"] = "tls-front",
            ["PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["PORT_H1"] = portH1.ToString(CultureInfo.InvariantCulture),
            ["CERT"] = certificateFile,
            ["KEY"] = keyFile,
        });
        await process.WaitForPortAsync(port, TimeSpan.FromSeconds(20));
        return new Dictionary<string, string>
        {
            ["TLS_H2"] = $"https://127.0.0.1:{port}",
            ["TLS_H1"] = $"https://127.0.0.1:{portH1}",
            ["TLS_CA"] = caFile,
        };
    }

    /// <summary>The TLS front's requests so far by protocol ("HTTP/2.0 12, HTTP/1.1 3"), or null before any.</summary>
    public string? TlsFrontProtocols()
    {
        var log = Path.Combine(Work, "tls-front-access.log");
        if (!File.Exists(log))
        {
            return null;
        }

        using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            var protocol = line.Split(' ') is [_, var p, ..] ? p : "?";
            counts[protocol] = counts.GetValueOrDefault(protocol) + 1;
        }

        return counts.Count == 0 ? null : string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"));
    }

    private ChildProcess StartNginx(string name, string template, Dictionary<string, string> placeholders)
    {
        var text = File.ReadAllText(template);
        foreach (var (key, value) in placeholders)
        {
            text = text.Replace("{{" + key + "}}", value, StringComparison.Ordinal);
        }

        var config = Path.Combine(Work, name + ".conf");
        File.WriteAllText(config, text);
        var process = ChildProcess.Start(name, "nginx", ["-p", Work, "-c", config], new Dictionary<string, string>(), Path.Combine(Work, name + ".log"));
        _processes.Add(process);
        return process;
    }

    private ChildProcess StartDotnet(string name, string dll, Dictionary<string, string> environment, string? logName = null)
    {
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} is missing: build the Release configuration first (bench/run.sh does).");
        }

        environment["DOTNET_NOLOGO"] = "1";
        var process = ChildProcess.Start(name, "dotnet", [dll, "--urls", "http://127.0.0.1:0"], environment,
            Path.Combine(Work, logName ?? Path.GetFileNameWithoutExtension(dll) + ".log"));
        _processes.Add(process);
        return process;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync();
            throw new InvalidOperationException($"{what} failed: {(int)response.StatusCode} {body[..Math.Min(body.Length, 300)]}");
        }
    }
}
