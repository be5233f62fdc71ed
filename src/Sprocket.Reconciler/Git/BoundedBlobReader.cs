using LibGit2Sharp;
using Sprocket.Reconciler.Core.Desired;

namespace Sprocket.Reconciler.Git;

/// <summary>
/// Reads a desired-state blob with memory bounded by the parser's size limit, whatever the commit holds.
/// <para>
/// The size comes from the object header (<see cref="ObjectDatabase.RetrieveObjectMetadata"/>, libgit2's
/// <c>git_odb_read_header</c>): the loose and pack backends inflate only the first bytes for it. <see cref="Blob.Size"/>
/// and <see cref="Blob.GetContentStream()"/> look the object up, which inflates all of it into native memory
/// (measured on a 300 MB blob, loose and packed: the header costs 2 MB of peak RSS, <see cref="Blob.Size"/> 300 MB),
/// so they are only touched once the header said the blob is within the limit. A 300 MB file of one repeated byte
/// packs into a few hundred KB; reading it whole took the daemon from 0.6 to 2.5 GB RSS.
/// </para>
/// </summary>
internal static class BoundedBlobReader
{
    public static long Limit => DesiredStateParser.MaxFileBytes;

    /// <summary>The blob's content, or <c>null</c> and its size from the header when it is over <see cref="Limit"/>.</summary>
    public static (ReadOnlyMemory<byte>? Content, long Size) Read(Repository repository, Blob blob)
    {
        var size = repository.ObjectDatabase.RetrieveObjectMetadata(blob.Id).Size;
        if (size > Limit)
            return (null, size);

        // At most Limit + 1 bytes even if the stream disagreed with the header: the buffer is the bound.
        var buffer = new byte[size + 1];
        using var content = blob.GetContentStream();
        var length = 0;
        int read;
        while (length < buffer.Length && (read = content.Read(buffer, length, buffer.Length - length)) > 0)
            length += read;
        return length > Limit ? (null, length) : (buffer.AsMemory(0, length), length);
    }
}
