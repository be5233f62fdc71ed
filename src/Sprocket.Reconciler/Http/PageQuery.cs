using System.Globalization;

namespace Sprocket.Reconciler.Http;

/// <summary>
/// <c>?limit=&amp;before=</c> of the paged history endpoints: newest first, <c>before</c> an id from the previous page's
/// <c>next</c> (keyset paging: a page stays right while new rows arrive, which an offset would not).
/// </summary>
public sealed record PageQuery(int Limit, long? Before)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    /// <summary>Parses the query values; null with <paramref name="error"/> naming the parameter when one is malformed.</summary>
    public static PageQuery? TryParse(string? limit, string? before, out string? error)
    {
        error = null;
        var pageSize = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > MaxLimit))
        {
            error = $"limit must be a whole number from 1 to {MaxLimit}";
            return null;
        }
        long? beforeId = null;
        if (before is not null)
        {
            if (!long.TryParse(before, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id < 1)
            {
                error = "before must be a positive id (the next value of the previous page)";
                return null;
            }
            beforeId = id;
        }
        return new PageQuery(pageSize, beforeId);
    }

    /// <summary>
    /// Reads one row more than asked (<paramref name="read"/> gets the limit to use): a page with more rows behind it
    /// names its last id as <c>next</c>, the last page says null, without a count query.
    /// </summary>
    public (IReadOnlyList<T> Items, long? Next) Read<T>(Func<int, long?, IReadOnlyList<T>> read, Func<T, long> idOf)
    {
        var rows = read(Limit + 1, Before);
        return rows.Count > Limit ? ([.. rows.Take(Limit)], idOf(rows[Limit - 1])) : (rows, null);
    }
}
