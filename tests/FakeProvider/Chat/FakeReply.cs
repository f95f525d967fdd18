using System.Globalization;

namespace FakeProvider.Chat;

/// <summary>
/// The deterministic reply: <c>"fake: " + last user message</c>, cut into at least three pieces
/// so streaming always has several content chunks.
/// </summary>
internal sealed record FakeReply(IReadOnlyList<string> Pieces, int PromptTokens)
{
    public const string Prefix = "fake: ";
    public const int MinimumPieces = 3;
    public const int SlowPieces = 50;

    public string Text => string.Concat(Pieces);

    public int CompletionTokens => CountTokens(Text);

    public static FakeReply For(ChatRequest request, ModelSwitch behaviour) => new(
        behaviour.Kind == ModelSwitchKind.Slow
            ? [.. Enumerable.Range(1, SlowPieces).Select(i => string.Create(CultureInfo.InvariantCulture, $"{i} "))]
            : Split(Prefix + request.LastUserText),
        request.PromptTokens);

    /// <summary>Words (each keeping its trailing space), then the longest piece halved until there are enough.</summary>
    public static IReadOnlyList<string> Split(string text)
    {
        var pieces = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == ' ' && (i + 1 == text.Length || text[i + 1] != ' '))
            {
                pieces.Add(text[start..(i + 1)]);
                start = i + 1;
            }
        }

        if (start < text.Length)
        {
            pieces.Add(text[start..]);
        }

        while (pieces.Count < MinimumPieces)
        {
            var longest = pieces.IndexOf(pieces.MaxBy(p => p.Length)!);
            var piece = pieces[longest];
            pieces[longest] = piece[..(piece.Length / 2)];
            pieces.Insert(longest + 1, piece[(piece.Length / 2)..]);
        }

        return pieces;
    }

    /// <summary>A stand-in tokenizer: whitespace-separated words, at least one.</summary>
    public static int CountTokens(string text) =>
        Math.Max(1, text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length);
}
