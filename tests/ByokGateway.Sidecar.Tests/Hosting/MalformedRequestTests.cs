using System.Text;
using System.Text.Json.Nodes;
using ByokGateway.Tests.Infrastructure;
using Serilog.Events;

namespace ByokGateway.Tests.Hosting;

/// <summary>
/// Requests the client got wrong, on every route of the gateway, written byte by byte: each gets
/// a 4xx (problem details whenever the answer has a body), never a 5xx; nothing is logged as an
/// error; nothing reaches a provider (at most the head of a streamed request whose body then
/// breaks) and nothing is stored. The stack is this class's own, so its log and the provider's
/// record hold only these requests.
/// </summary>
public sealed class MalformedRequestTests(MalformedRequestTests.Gateway gateway) : IClassFixture<MalformedRequestTests.Gateway>
{
    private const string Key = "sk-user-valid-openai-0001";

    /// <summary>Every route of the gateway: the management API (gateway keys included), proxy routes of two providers, the operational endpoints.</summary>
    private static readonly Route[] Routes =
    [
        new("GET", "api/v1/byok/providers", RouteKind.Api),
        new("GET", "api/v1/byok/keys", RouteKind.Api),
        new("POST", "api/v1/byok/keys/add", RouteKind.Api, ReadsBody: true),
        new("DELETE", "api/v1/byok/keys/openai", RouteKind.Api),
        new("POST", "api/v1/byok/keys/test/openai", RouteKind.Api),
        new("GET", "api/v1/byok/stats", RouteKind.Api),
        new("POST", "api/v1/byok/tokens", RouteKind.Api, ReadsBody: true),
        new("GET", "api/v1/byok/tokens", RouteKind.Api),
        new("DELETE", "api/v1/byok/tokens/0123456789abcdef", RouteKind.Api),
        new("POST", "openai/v1/chat/completions", RouteKind.Proxy, ReadsBody: true),
        new("GET", "openai/v1/models", RouteKind.Proxy),
        new("POST", "anthropic/v1/messages", RouteKind.Proxy, ReadsBody: true),
        new("GET", "healthz", RouteKind.Open),
        new("GET", "readyz", RouteKind.Open),
        new("GET", "metrics", RouteKind.Open),
        new("GET", "openapi/v1.json", RouteKind.Open),
    ];

    /// <summary>What is wrong with a request, whatever the route: the method, the framing, the size of the head.</summary>
    private static readonly Dictionary<string, Func<Route, RequestParts, string>> ProtocolCases = new()
    {
        ["CONNECT to a path"] = (route, p) => p.Head("CONNECT", route.Path),
        ["TRACE"] = (route, p) => p.Head("TRACE", route.Path),
        ["unknown method"] = (route, p) => p.Head("BREW", route.Path),
        ["header of 40 KB"] = (route, p) => p.Head(route.Method, route.Path, "X-Padding: " + new string('a', 40_000)),
        ["200 headers"] = (route, p) => p.Head(route.Method, route.Path, [.. Enumerable.Range(0, 200).Select(i => $"X-Header-{i}: {i}")]),
        ["request target of 10 KB"] = (route, p) => p.Head(route.Method, route.Path + "?pad=" + new string('a', 10_000)),
        ["NUL in a header"] = (route, p) => p.Head(route.Method, route.Path, "X-Note: a\u0000b"),
        ["Content-Length not a number"] = (route, p) => p.Head(route.Method, route.Path, "Content-Length: ten") + "0123456789",
        ["two different Content-Lengths"] = (route, p) => p.Head(route.Method, route.Path, "Content-Length: 2", "Content-Length: 3") + "{}",
        ["no Host header"] = (route, p) => p.Head(route.Method, route.Path).Replace($"Host: {p.Server.Authority}\r\n", "", StringComparison.Ordinal),
    };

    /// <summary>What is wrong with the body's framing or size, on the routes that read a body.</summary>
    private static readonly Dictionary<string, Func<Route, RequestParts, string>> BodyCases = new()
    {
        ["chunk size not hexadecimal"] = (route, p) => p.Head(route.Method, route.Path, "Content-Type: application/json", "Transfer-Encoding: chunked") + "zz\r\n{}\r\n0\r\n\r\n",
        ["chunk longer than announced"] = (route, p) => p.Head(route.Method, route.Path, "Content-Type: application/json", "Transfer-Encoding: chunked") + "2\r\n{\"a\":1}\r\n0\r\n\r\n",
        ["Content-Length over the limit"] = (route, p) =>
            p.Head(route.Method, route.Path, "Content-Type: application/json", $"Content-Length: {(route.Kind == RouteKind.Api ? 1_000_000 : 100_000_000)}"),
    };

    /// <summary>Bodies of <c>POST /keys/add</c> that are not a valid request: the status, and the field a 422 names.</summary>
    private static readonly Dictionary<string, (byte[] Body, string ContentType, int Status, string? Field)> AddKeyBodies = new()
    {
        ["invalid JSON"] = (Ascii("{\"provider\":"), "application/json", 400, null),
        ["JSON nested 1000 deep"] = (Ascii(new string('[', 1000) + new string(']', 1000)), "application/json", 400, null),
        ["lone high surrogate in provider"] = (Ascii("{\"provider\":\"\\ud800\",\"key\":\"" + Key + "\"}"), "application/json", 422, "provider"),
        ["lone high surrogate in key"] = (Ascii("{\"provider\":\"openai\",\"key\":\"sk-\\ud800-user-valid-0001\"}"), "application/json", 422, "key"),
        ["lone low surrogate in label"] = (Ascii("{\"provider\":\"openai\",\"key\":\"" + Key + "\",\"label\":\"laptop \\udc00\"}"), "application/json", 422, "label"),
        ["lone surrogate in endpoint"] = (Ascii("{\"provider\":\"custom\",\"key\":\"custom-user-valid-0001\",\"endpoint\":\"https://llm.example.com/\\ud83d\"}"), "application/json", 422, "endpoint"),
        ["invalid UTF-8 in provider"] = (Utf8("{\"provider\":\"open", [0xFF, 0xFE], "ai\",\"key\":\"" + Key + "\"}"), "application/json", 422, "provider"),
        ["invalid UTF-8 in key"] = (Utf8("{\"provider\":\"openai\",\"key\":\"sk-", [0xC0, 0xAF], "user-valid-0001\"}"), "application/json", 422, "key"),
        ["truncated UTF-8 in label"] = (Utf8("{\"provider\":\"openai\",\"key\":\"" + Key + "\",\"label\":\"caf", [0xC3], "\"}"), "application/json", 422, "label"),
        ["invalid UTF-8 in endpoint"] = (Utf8("{\"provider\":\"custom\",\"key\":\"custom-user-valid-0001\",\"endpoint\":\"https://", [0xED, 0xA0, 0x80], ".example.com\"}"), "application/json", 422, "endpoint"),
        ["invalid UTF-8 outside strings"] = (Utf8("{\"provider\":\"openai\",", [0xFF], "}"), "application/json", 400, null),
        ["Content-Type text/plain"] = (Ascii("{\"provider\":\"openai\",\"key\":\"" + Key + "\"}"), "text/plain", 415, null),
        ["Content-Type form"] = (Ascii("provider=openai&key=" + Key), "application/x-www-form-urlencoded", 415, null),
        ["body of 70 KB"] = (Ascii("{\"provider\":\"openai\",\"key\":\"" + Key + "\",\"label\":\"" + new string('a', 70_000) + "\"}"), "application/json", 413, null),
    };

    public static TheoryData<string, string> ProtocolRows() =>
        [.. Routes.SelectMany(r => ProtocolCases.Keys.Select(c => (r.Name, c)))];

    public static TheoryData<string, string> BodyRows() =>
        [.. Routes.Where(r => r.ReadsBody).SelectMany(r => BodyCases.Keys.Select(c => (r.Name, c)))];

    public static TheoryData<string, bool> AddKeyRows() =>
        [.. AddKeyBodies.Keys.SelectMany(c => new[] { (c, false), (c, true) })];

    [Theory]
    [MemberData(nameof(ProtocolRows))]
    public async Task Request_MalformedHeadOrMethod_Returns4xxAndForwardsNothing(string route, string malformation)
    {
        var target = Routes.Single(r => r.Name == route);
        await AssertRefusedAsync(p => Latin1(ProtocolCases[malformation](target, p)));
    }

    [Theory]
    [MemberData(nameof(BodyRows))]
    public async Task Request_MalformedBody_Returns4xxAndForwardsNothing(string route, string malformation)
    {
        var target = Routes.Single(r => r.Name == route);
        await AssertRefusedAsync(p => Latin1(BodyCases[malformation](target, p)), headMayReachProvider: malformation.StartsWith("chunk", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Connect_AuthorityForm_Returns4xxAndForwardsNothing() =>
        await AssertRefusedAsync(p => Latin1($"CONNECT api.openai.com:443 HTTP/1.1\r\nHost: api.openai.com:443\r\nAuthorization: Bearer {p.Token}\r\nConnection: close\r\n\r\n"));

    [Theory]
    [InlineData("PUT", "api/v1/byok/keys/add", 405)]
    [InlineData("GET", "api/v1/byok/keys/add", 405)]
    [InlineData("PATCH", "api/v1/byok/stats", 405)]
    [InlineData("POST", "api/v1/byok/providers", 405)]
    [InlineData("GET", "no/such/thing", 404)]
    [InlineData("POST", "nosuchprovider/v1/chat/completions", 404)]
    public async Task Request_NoEndpointForMethodOrPath_Returns4xxProblemSayingWhatToDo(string method, string path, int status)
    {
        var problem = await AssertRefusedAsync(p => Latin1(p.Head(method, path, "Content-Length: 0")));

        Assert.Equal(status, problem!["status"]!.GetValue<int>());
    }

    [Theory]
    [MemberData(nameof(AddKeyRows))]
    public async Task AddKey_MalformedBody_Returns4xxNamingTheFieldAndStoresNothing(string malformation, bool chunked)
    {
        var (body, contentType, status, field) = AddKeyBodies[malformation];

        var problem = await AssertRefusedAsync(p =>
        {
            var framing = chunked ? "Transfer-Encoding: chunked" : $"Content-Length: {body.Length}";
            byte[] framed = chunked ? [.. Latin1($"{body.Length:x}\r\n"), .. body, .. Latin1("\r\n0\r\n\r\n")] : body;
            return [.. Latin1(p.Head("POST", "api/v1/byok/keys/add", $"Content-Type: {contentType}", framing)), .. framed];
        });

        Assert.Equal(status, problem!["status"]!.GetValue<int>());
        if (field is not null)
        {
            Assert.NotEmpty(problem.FieldErrors(field));
        }

        var stored = (await gateway.UserAsync())["attributes"]?.AsObject().Select(a => a.Key).Where(a => a.StartsWith("byok_", StringComparison.Ordinal)) ?? [];
        Assert.Empty(stored);
    }

    /// <summary>Sends the request; asserts a 4xx with problem details (if it has a body), what the provider saw and the log. Returns the problem.</summary>
    private async Task<JsonObject?> AssertRefusedAsync(Func<RequestParts, byte[]> build, bool headMayReachProvider = false)
    {
        var stack = await gateway.StackAsync();
        var parts = new RequestParts(stack.Sidecar.Url, await gateway.TokenAsync());
        var logged = stack.Sidecar.Logs.Events.Count;
        var forwarded = (await stack.Provider.RequestsAsync()).Count;

        var response = await RawHttp.SendAsync(stack.Sidecar.Url, build(parts), TestContext.Current.CancellationToken);

        Assert.True(response.Status is >= 400 and < 500, $"Expected a 4xx but got {response.Status}: {response.Body}");
        JsonObject? problem = null;
        if (response.Body.Length > 0)
        {
            Assert.Equal("application/problem+json", response.ContentType?.Split(';')[0]);
            problem = JsonNode.Parse(response.Body)!.AsObject();
            Assert.Equal(response.Status, problem["status"]!.GetValue<int>());
            Assert.False(string.IsNullOrWhiteSpace(problem["detail"]?.GetValue<string>()), "problem details must say what to do: " + response.Body);
        }

        // The gateway streams request bodies, so the provider may see the head of a request whose
        // body then turns out broken, but never the body; anything else never reaches it.
        var upstream = (await stack.Provider.RequestsAsync()).Skip(forwarded).Select(r => r!.AsObject()).ToList();
        var received = string.Join("; ", upstream.Select(r => $"{r["method"]} {r["path"]} body={r["body"] is not null}"));
        if (headMayReachProvider)
        {
            Assert.True(upstream.All(r => r["body"] is null), "The provider received a body: " + received);
        }
        else
        {
            Assert.True(upstream.Count == 0, "The provider received: " + received);
        }

        var errors = stack.Sidecar.Logs.Events.Skip(logged)
            .Where(e => e.Level >= LogEventLevel.Error)
            .Select(e => $"{e.Level} {e.Properties.GetValueOrDefault("SourceContext")}: {e.RenderMessage()} {e.Exception?.GetType().Name}")
            .ToList();
        Assert.True(errors.Count == 0, "Logged as errors: " + string.Join("; ", errors));
        return problem;
    }

    private static byte[] Latin1(string text) => Encoding.Latin1.GetBytes(text);

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static byte[] Utf8(string before, byte[] invalid, string after) => [.. Encoding.UTF8.GetBytes(before), .. invalid, .. Encoding.UTF8.GetBytes(after)];

    public enum RouteKind
    {
        Api,
        Proxy,
        Open,
    }

    private sealed record Route(string Method, string Path, RouteKind Kind, bool ReadsBody = false)
    {
        public string Name => $"{Method} /{Path}";
    }

    /// <summary>What every malformed request is made of: the server and a valid token (the caller is a real user).</summary>
    private sealed record RequestParts(Uri Server, string Token)
    {
        public string Head(string method, string path, params string[] headers)
        {
            var head = new StringBuilder()
                .Append(method).Append(" /").Append(path).Append(" HTTP/1.1\r\n")
                .Append("Host: ").Append(Server.Authority).Append("\r\n")
                .Append("Authorization: Bearer ").Append(Token).Append("\r\n");
            foreach (var header in headers)
            {
                head.Append(header).Append("\r\n");
            }

            return head.Append("Connection: close\r\n\r\n").ToString();
        }
    }

    /// <summary>One gateway for the whole table, with a starter user whose token every request carries.</summary>
    public sealed class Gateway : IAsyncDisposable
    {
        private readonly SemaphoreSlim _start = new(1, 1);
        private TestGateway? _stack;
        private TestUser? _user;
        private string? _token;

        public async Task<TestGateway> StackAsync()
        {
            await _start.WaitAsync();
            try
            {
                return _stack ??= await TestGateway.StartAsync();
            }
            finally
            {
                _start.Release();
            }
        }

        public async Task<string> TokenAsync()
        {
            var stack = await StackAsync();
            _user ??= await stack.Keycloak.CreateUserAsync("starter");
            return _token ??= await _user.TokenAsync();
        }

        public async Task<JsonObject> UserAsync()
        {
            await TokenAsync();
            return await _stack!.Keycloak.GetUserAsync(_user!.Id);
        }

        public async ValueTask DisposeAsync()
        {
            if (_stack is not null)
            {
                await _stack.DisposeAsync();
            }

            _start.Dispose();
        }
    }
}
