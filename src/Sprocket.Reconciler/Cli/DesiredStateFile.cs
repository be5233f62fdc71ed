using Sprocket.Reconciler.Core.Desired;

namespace Sprocket.Reconciler.Cli;

/// <summary>
/// Reads a local desired-state file for <c>validate</c> and <c>diff --file</c> with bounded memory: at most
/// <see cref="DesiredStateParser.MaxFileBytes"/> + 1 bytes, enough for the parser to say the file is too
/// large. Reading it whole would let <c>/dev/zero</c> exhaust memory, and a file over 2 GB throw.
/// </summary>
public static class DesiredStateFile
{
    /// <summary>The parse result, or a one-line reason the file could not be read at all.</summary>
    public static async Task<(DesiredStateParseResult? Result, string? Unreadable)> ParseAsync(FileInfo file, string shownName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        byte[] buffer;
        int length;
        try
        {
            await using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
            buffer = new byte[DesiredStateParser.MaxFileBytes + 1];
            length = await ReadUpToAsync(stream, buffer, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return (null, $"{shownName}: cannot read the file: {ex.Message}");
        }

        return (DesiredStateParser.ParseBytes(shownName, buffer.AsSpan(0, length)), null);
    }

    private static async Task<int> ReadUpToAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                break;
            }

            length += read;
        }

        return length;
    }
}
