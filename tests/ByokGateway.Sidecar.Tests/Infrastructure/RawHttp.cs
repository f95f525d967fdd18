using System.Net.Sockets;
using System.Text;

namespace ByokGateway.Tests.Infrastructure;

/// <summary>
/// HTTP/1.1 written byte by byte over TCP, for requests HttpClient refuses to send: broken chunked
/// bodies, <c>CONNECT</c> in authority form, oversized or invalid headers.
/// </summary>
public static class RawHttp
{
    /// <summary>Sends <paramref name="request"/> as is and reads one response (the server may close the connection after it).</summary>
    public static async Task<RawResponse> SendAsync(Uri server, byte[] request, CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port, cancellationToken);
        var stream = tcp.GetStream();
        try
        {
            await stream.WriteAsync(request, cancellationToken);
        }
        catch (IOException)
        {
            // The server may answer and close before it read everything (431, 413); the answer is what counts.
        }

        return await ReadResponseAsync(stream, cancellationToken);
    }

    public static Task<RawResponse> SendAsync(Uri server, string request, CancellationToken cancellationToken) =>
        SendAsync(server, Encoding.Latin1.GetBytes(request), cancellationToken);

    private static async Task<RawResponse> ReadResponseAsync(Stream stream, CancellationToken cancellationToken)
    {
        var reader = new BufferedReader(stream);
        var statusLine = await reader.ReadLineAsync(cancellationToken)
            ?? throw new IOException("The server closed the connection without answering.");
        var parts = statusLine.Split(' ', 3);
        var status = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (await reader.ReadLineAsync(cancellationToken) is { Length: > 0 } line)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            headers[name] = headers.TryGetValue(name, out var existing) ? existing + ", " + value : value;
        }

        byte[] body;
        if (headers.TryGetValue("Content-Length", out var length))
        {
            body = await reader.ReadExactlyAsync(int.Parse(length, System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
        }
        else if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            using var decoded = new MemoryStream();
            while (true)
            {
                var size = Convert.ToInt32((await reader.ReadLineAsync(cancellationToken))!.Split(';')[0].Trim(), 16);
                if (size == 0)
                {
                    break;
                }

                decoded.Write(await reader.ReadExactlyAsync(size, cancellationToken));
                await reader.ReadLineAsync(cancellationToken);
            }

            body = decoded.ToArray();
        }
        else
        {
            body = await reader.ReadToEndAsync(cancellationToken);
        }

        return new RawResponse(status, headers, Encoding.UTF8.GetString(body));
    }

    /// <summary>Lines and byte counts from one stream, without reading past what was asked for.</summary>
    private sealed class BufferedReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[16 * 1024];
        private int _start;
        private int _end;

        public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
        {
            var line = new List<byte>();
            while (true)
            {
                if (_start == _end && !await FillAsync(cancellationToken))
                {
                    return line.Count == 0 ? null : Encoding.Latin1.GetString([.. line]);
                }

                var b = _buffer[_start++];
                if (b == '\n')
                {
                    return Encoding.Latin1.GetString([.. line]).TrimEnd('\r');
                }

                line.Add(b);
            }
        }

        public async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
        {
            var result = new byte[count];
            var read = 0;
            while (read < count)
            {
                if (_start == _end && !await FillAsync(cancellationToken))
                {
                    throw new IOException($"The connection closed after {read} of {count} body bytes.");
                }

                var n = Math.Min(count - read, _end - _start);
                Array.Copy(_buffer, _start, result, read, n);
                _start += n;
                read += n;
            }

            return result;
        }

        public async Task<byte[]> ReadToEndAsync(CancellationToken cancellationToken)
        {
            using var all = new MemoryStream();
            all.Write(_buffer, _start, _end - _start);
            _start = _end;
            try
            {
                await stream.CopyToAsync(all, cancellationToken);
            }
            catch (IOException)
            {
                // A reset after the response is how some refusals end.
            }

            return all.ToArray();
        }

        private async Task<bool> FillAsync(CancellationToken cancellationToken)
        {
            try
            {
                _start = 0;
                _end = await stream.ReadAsync(_buffer, cancellationToken);
                return _end > 0;
            }
            catch (IOException)
            {
                _end = 0;
                return false;
            }
        }
    }
}
