using System.Net;
using System.Text;
using FakeProvider.Tests.Support;

namespace FakeProvider.Tests.Recording;

public sealed class RequestRecordingMiddlewareTests(FakeProviderServer server) : IClassFixture<FakeProviderServer>
{
    [Fact]
    public async Task Requests_AfterProviderCall_RecordMethodPathQueryHeadersBodyKeyAndOutcome()
    {
        var ct = TestContext.Current.CancellationToken;
        var marker = Guid.NewGuid().ToString();
        var json = FakeProviderServer.ChatBody("fake-model", "record me");
        using var request = FakeProviderServer.Request(HttpMethod.Post, "/v1/chat/completions?trace=1", json: json);
        request.Headers.Add(FakeProviderServer.MarkerHeader, marker);
        request.Headers.Add("X-Custom-Header", ["one", "two"]);

        using var response = await server.Client.SendAsync(request, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var recorded = await server.WaitForRecordedAsync(marker, r => r["completed"]!.GetValue<bool>(), ct);
        Assert.True(recorded["id"]!.GetValue<long>() > 0);
        Assert.Equal("POST", recorded["method"]!.GetValue<string>());
        Assert.Equal("/v1/chat/completions", recorded["path"]!.GetValue<string>());
        Assert.Equal("?trace=1", recorded["query"]!.GetValue<string>());
        Assert.Equal(json, recorded["body"]!.GetValue<string>());
        Assert.Equal(FakeProviderServer.ValidKey, recorded["key"]!.GetValue<string>());
        Assert.Equal("authorization", recorded["keyHeader"]!.GetValue<string>());
        Assert.Equal($"Bearer {FakeProviderServer.ValidKey}", recorded["headers"]!["authorization"]![0]!.GetValue<string>());
        var custom = recorded["headers"]!["x-custom-header"]!.AsArray().Select(v => v!.GetValue<string>());
        Assert.Equal("one, two", string.Join(", ", custom));
        Assert.False(recorded["aborted"]!.GetValue<bool>());
        Assert.Equal(200, recorded["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task Requests_UnauthorizedCall_RecordExtractedKeyAndStatus401()
    {
        var ct = TestContext.Current.CancellationToken;
        var marker = Guid.NewGuid().ToString();
        using var request = FakeProviderServer.Request(HttpMethod.Get, "/v1/models", key: "sk-ant-wrong-key", keyHeader: "x-api-key");
        request.Headers.Add(FakeProviderServer.MarkerHeader, marker);

        using var response = await server.Client.SendAsync(request, ct);

        var recorded = await server.WaitForRecordedAsync(marker, r => r["completed"]!.GetValue<bool>(), ct);
        Assert.Equal("sk-ant-wrong-key", recorded["key"]!.GetValue<string>());
        Assert.Equal("x-api-key", recorded["keyHeader"]!.GetValue<string>());
        Assert.Equal(401, recorded["status"]!.GetValue<int>());
        Assert.Null(recorded["body"]);
    }

    [Fact]
    public async Task Requests_NoKey_RecordKeyAndKeyHeaderAsNull()
    {
        var ct = TestContext.Current.CancellationToken;
        var marker = Guid.NewGuid().ToString();
        using var request = FakeProviderServer.Request(HttpMethod.Get, "/v1/models", key: null);
        request.Headers.Add(FakeProviderServer.MarkerHeader, marker);

        using var response = await server.Client.SendAsync(request, ct);

        var recorded = await server.WaitForRecordedAsync(marker, r => r["completed"]!.GetValue<bool>(), ct);
        Assert.True(recorded.ContainsKey("key"));
        Assert.Null(recorded["key"]);
        Assert.Null(recorded["keyHeader"]);
    }

    [Fact]
    public async Task Requests_SeveralCalls_ListedOldestFirstWithoutControlCalls()
    {
        var ct = TestContext.Current.CancellationToken;
        var first = Guid.NewGuid().ToString();
        var second = Guid.NewGuid().ToString();
        foreach (var marker in new[] { first, second })
        {
            using var request = FakeProviderServer.Request(HttpMethod.Get, "/v1/models");
            request.Headers.Add(FakeProviderServer.MarkerHeader, marker);
            using var response = await server.Client.SendAsync(request, ct);
            using var health = await server.Client.GetAsync(new Uri("/_fake/health", UriKind.Relative), ct);
        }

        var requests = await server.RequestsAsync(ct);

        var markers = requests.Select(r => r!["headers"]![FakeProviderServer.MarkerHeader]?[0]?.GetValue<string>()).ToList();
        Assert.True(markers.IndexOf(first) < markers.IndexOf(second));
        Assert.DoesNotContain(requests, r => r!["path"]!.GetValue<string>().StartsWith("/_fake", StringComparison.Ordinal));
        var ids = requests.Select(r => r!["id"]!.GetValue<long>()).ToList();
        Assert.Equal(ids.Order(), ids);
    }

    [Fact]
    public async Task Requests_Delete_ClearsLog()
    {
        var ct = TestContext.Current.CancellationToken;
        using (var call = FakeProviderServer.Request(HttpMethod.Get, "/v1/models"))
        {
            using var response = await server.Client.SendAsync(call, ct);
        }

        Assert.NotEmpty(await server.RequestsAsync(ct));

        using var delete = await server.Client.DeleteAsync(new Uri("/_fake/requests", UriKind.Relative), ct);

        Assert.True(delete.IsSuccessStatusCode);
        Assert.Empty(await server.RequestsAsync(ct));
    }

    [Theory]
    [InlineData("/v1/chat/completions")]
    [InlineData("/v1/messages")]
    public async Task Requests_ClientAbandonsSlowStream_RecordedAsAborted(string path)
    {
        var ct = TestContext.Current.CancellationToken;
        var marker = Guid.NewGuid().ToString();
        using var request = FakeProviderServer.Request(HttpMethod.Post, path, json: FakeProviderServer.ChatBody("fake-slow", "hi", stream: true));
        request.Headers.Add(FakeProviderServer.MarkerHeader, marker);
        using var read = CancellationTokenSource.CreateLinkedTokenSource(ct);

        var response = await server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        var reader = new SseReader(await response.Content.ReadAsStreamAsync(ct));
        Assert.NotNull(await reader.ReadAsync(ct));
        var pending = reader.ReadToEndAsync(read.Token);
        await read.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        reader.Dispose();
        response.Dispose();

        var recorded = await server.WaitForRecordedAsync(marker, r => r["aborted"]!.GetValue<bool>(), ct);
        Assert.False(recorded["completed"]!.GetValue<bool>());
        Assert.Equal(200, recorded["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task Requests_ClientCancelsHangingCall_RecordedAsAbortedWithoutStatus()
    {
        var ct = TestContext.Current.CancellationToken;
        var marker = Guid.NewGuid().ToString();
        using var request = FakeProviderServer.Request(HttpMethod.Post, "/v1/chat/completions", json: FakeProviderServer.ChatBody("fake-hang", "hi"));
        request.Headers.Add(FakeProviderServer.MarkerHeader, marker);
        using var client = CancellationTokenSource.CreateLinkedTokenSource(ct);

        var call = server.Client.SendAsync(request, client.Token);
        var pending = await server.WaitForRecordedAsync(marker, _ => true, ct);
        Assert.False(pending["completed"]!.GetValue<bool>());
        Assert.False(call.IsCompleted);
        await client.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

        var recorded = await server.WaitForRecordedAsync(marker, r => r["aborted"]!.GetValue<bool>(), ct);
        Assert.False(recorded["completed"]!.GetValue<bool>());
        Assert.Equal(0, recorded["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task Requests_BinaryLikeBody_RecordedAsUtf8Text()
    {
        var ct = TestContext.Current.CancellationToken;
        var marker = Guid.NewGuid().ToString();
        using var request = FakeProviderServer.Request(HttpMethod.Post, "/v1/check-api-key");
        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes("héllo ✓"));
        request.Headers.Add(FakeProviderServer.MarkerHeader, marker);

        using var response = await server.Client.SendAsync(request, ct);

        var recorded = await server.WaitForRecordedAsync(marker, r => r["completed"]!.GetValue<bool>(), ct);
        Assert.Equal("héllo ✓", recorded["body"]!.GetValue<string>());
    }
}
