using System.Buffers;
using ByokGateway.Hosting;

namespace ByokGateway.Usage;

/// <summary>
/// The request body of an OpenAI-dialect chat call whose tokens matter, as the provider gets it:
/// when the client streams (<c>"stream": true</c>) without <c>stream_options</c>, the gateway adds
/// <c>"stream_options":{"include_usage":true}</c> before the closing brace, so the stream ends
/// with its usage (and <see cref="StreamUsageHider"/> keeps that chunk from the client, which did
/// not ask for it). The body streams through as it arrives: one pass over its bytes finds the
/// top-level <c>stream</c> and <c>stream_options</c> members (string contents are skipped with a
/// vectorised search), and only the closing brace and what follows it wait for the end. Whether
/// to add the option is known only then, but <c>Content-Length</c> went out before: so the body
/// always grows by <see cref="Extra"/> bytes, the option or as many spaces after the JSON (which
/// JSON ignores). A client that sends <c>stream_options</c> itself gets exactly what it asked for.
/// </summary>
internal sealed class StreamUsageRequest(Stream inner) : ReadOnlyStream
{
    private const int MaxHeld = 1024;
    private const int KeyCapacity = 16;

    private static ReadOnlySpan<byte> Option => ",\"stream_options\":{\"include_usage\":true}"u8;
    private static ReadOnlySpan<byte> StreamKey => "stream"u8;
    private static ReadOnlySpan<byte> OptionsKey => "stream_options"u8;

    private readonly byte[] _key = new byte[KeyCapacity];
    private byte[] _held = [];
    private int _heldLength;
    private byte[]? _out;
    private int _outStart;
    private int _outEnd;
    private bool _ended;

    // The scanner's state between reads.
    private int _depth;
    private bool _inString;
    private bool _escape;
    private bool _expectKey;
    private bool _capturing;
    private int _keyLength;
    private Member _member;
    private bool _afterColon;
    private bool _closed;
    private bool _broken;
    private bool _started;
    private bool _stream;
    private bool _hasOptions;

    /// <summary>How many bytes longer the forwarded body is than the client's.</summary>
    public static int Extra => Option.Length;

    /// <summary>The option was added (known once the body was read to its end).</summary>
    public bool Injected { get; private set; }

    private enum Member
    {
        Other,
        Stream,
        StreamOptions,
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            // A zero-byte read (YARP waits for data this way before renting a buffer): it returns
            // 0 when data is there, which is not the end of the body.
            return _out is not null || _ended ? 0 : await inner.ReadAsync(buffer, cancellationToken);
        }

        while (true)
        {
            if (TryCopyOut(buffer.Span, out var copied))
            {
                return copied;
            }

            var read = await inner.ReadAsync(buffer, cancellationToken);
            var kept = Consume(buffer.Span, read);
            if (kept > 0)
            {
                return kept;
            }
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return _out is not null || _ended ? 0 : inner.Read(buffer);
        }

        while (true)
        {
            if (TryCopyOut(buffer, out var copied))
            {
                return copied;
            }

            var kept = Consume(buffer, inner.Read(buffer));
            if (kept > 0)
            {
                return kept;
            }
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    // Bytes queued for the caller (released held bytes, or the end); false when there are none.
    private bool TryCopyOut(Span<byte> buffer, out int copied)
    {
        copied = 0;
        if (_out is null)
        {
            return _ended && _out is null;
        }

        copied = Math.Min(buffer.Length, _outEnd - _outStart);
        _out.AsSpan(_outStart, copied).CopyTo(buffer);
        _outStart += copied;
        if (_outStart == _outEnd)
        {
            _out = null;
        }

        return true;
    }

    // Scans what was just read into the caller's buffer; returns how many of those bytes go out now.
    private int Consume(Span<byte> buffer, int read)
    {
        if (read == 0)
        {
            End();
            return 0;
        }

        var data = buffer[..read];
        if (_closed)
        {
            Hold(data);
            return 0;
        }

        var close = _broken ? -1 : Scan(data);
        if (close < 0)
        {
            return read;
        }

        Hold(data[close..]);
        return close;
    }

    private void End()
    {
        _ended = true;
        Injected = _closed && !_broken && _stream && !_hasOptions;
        var end = new byte[Extra + _heldLength];
        if (Injected)
        {
            Option.CopyTo(end);
            _held.AsSpan(0, _heldLength).CopyTo(end.AsSpan(Extra));
        }
        else
        {
            _held.AsSpan(0, _heldLength).CopyTo(end);
            end.AsSpan(_heldLength).Fill((byte)' ');
        }

        Queue(end);
    }

    // After the closing brace only whitespace may follow; anything else is not one JSON object:
    // give up on the option and let the bytes go.
    private void Hold(ReadOnlySpan<byte> data)
    {
        if (_heldLength + data.Length > MaxHeld || (_heldLength > 0 ? data : data[1..]).IndexOfAnyExcept(" \t\r\n"u8) >= 0)
        {
            _broken = true;
            _closed = false;
            var released = new byte[_heldLength + data.Length];
            _held.AsSpan(0, _heldLength).CopyTo(released);
            data.CopyTo(released.AsSpan(_heldLength));
            _heldLength = 0;
            Queue(released);
            return;
        }

        if (_held.Length < _heldLength + data.Length)
        {
            Array.Resize(ref _held, MaxHeld);
        }

        data.CopyTo(_held.AsSpan(_heldLength));
        _heldLength += data.Length;
    }

    private void Queue(byte[] bytes)
    {
        _out = bytes;
        _outStart = 0;
        _outEnd = bytes.Length;
    }

    // The index of the brace closing the top-level object, or -1 when it is not in data.
    private int Scan(ReadOnlySpan<byte> data)
    {
        var i = 0;
        while (i < data.Length)
        {
            if (_inString)
            {
                if (_escape)
                {
                    _escape = false;
                    _keyLength = KeyCapacity + 1; // an escaped name is none of ours
                    i++;
                    continue;
                }

                var stop = data[i..].IndexOfAny((byte)'"', (byte)'\\');
                var run = stop < 0 ? data.Length - i : stop;
                if (_capturing)
                {
                    if (_keyLength + run <= KeyCapacity)
                    {
                        data.Slice(i, run).CopyTo(_key.AsSpan(_keyLength));
                    }

                    _keyLength += run;
                }

                if (stop < 0)
                {
                    return -1;
                }

                i += run;
                if (data[i] == (byte)'\\')
                {
                    _escape = true;
                }
                else
                {
                    _inString = false;
                    if (_capturing)
                    {
                        _capturing = false;
                        var key = _keyLength <= KeyCapacity ? _key.AsSpan(0, _keyLength) : [];
                        _member = key.SequenceEqual(StreamKey) ? Member.Stream : key.SequenceEqual(OptionsKey) ? Member.StreamOptions : Member.Other;
                    }
                }

                i++;
                continue;
            }

            var b = data[i];
            switch (b)
            {
                case (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n':
                    break;
                case (byte)'{' or (byte)'[':
                    if (!_started)
                    {
                        _started = true;
                        if (b != (byte)'{')
                        {
                            _broken = true;
                            return -1;
                        }

                        _depth = 1;
                        _expectKey = true;
                        break;
                    }

                    Value();
                    _depth++;
                    break;
                case (byte)'}' or (byte)']':
                    _depth--;
                    if (_depth == 0)
                    {
                        _closed = true;
                        return i;
                    }

                    break;
                case (byte)'"':
                    _inString = true;
                    if (_depth == 1 && _expectKey)
                    {
                        _capturing = true;
                        _keyLength = 0;
                        _expectKey = false;
                    }
                    else
                    {
                        Value();
                    }

                    break;
                case (byte)':' when _depth == 1:
                    _afterColon = true;
                    break;
                case (byte)',' when _depth == 1:
                    _expectKey = true;
                    _member = Member.Other;
                    break;
                default:
                    if (!_started)
                    {
                        _broken = true;
                        return -1;
                    }

                    if (_depth == 1 && _afterColon && _member == Member.Stream)
                    {
                        _stream = b == (byte)'t';
                    }

                    Value();
                    break;
            }

            i++;
        }

        return -1;
    }

    // A value starts (at depth 1: the member's own value).
    private void Value()
    {
        if (_depth == 1 && _afterColon)
        {
            _afterColon = false;
            if (_member == Member.StreamOptions)
            {
                _hasOptions = true;
            }
        }
    }
}
