namespace FakeProvider.Chat;

/// <summary>One chat request and everything decided about its reply.</summary>
internal sealed record ChatTurn(ChatRequest Request, ModelSwitch Behaviour, FakeReply Reply, string Gate, UsageFault Usage)
{
    public const string GateHeader = "x-fake-gate";
    public const string DefaultGate = "default";

    public static ChatTurn Start(ChatRequest request, HttpRequest http)
    {
        var behaviour = ModelSwitch.Parse(request.Model);
        var gate = http.Headers[GateHeader].ToString();
        return new ChatTurn(request, behaviour, FakeReply.For(request, behaviour), string.IsNullOrWhiteSpace(gate) ? DefaultGate : gate, UsageFaults.Parse(http));
    }
}
