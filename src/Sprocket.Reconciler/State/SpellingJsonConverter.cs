using System.Text.Json;
using System.Text.Json.Serialization;
using Sprocket.Reconciler.Core.Policy;
using Sprocket.Reconciler.Core.Vocabulary;

namespace Sprocket.Reconciler.State;

/// <summary>
/// Stores an enum as its contract spelling, never its C# name or number: renaming a member must not change a
/// persisted row, and rows written before the enum existed (plain strings) load unchanged.
/// </summary>
internal abstract class SpellingJsonConverter<T>(SpellingTable<T> spellings) : JsonConverter<T> where T : struct, Enum
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && spellings.TryParse(reader.GetString(), out var value)
            ? value
            : throw new JsonException($"expected one of {string.Join(", ", spellings.Texts)} for {typeof(T).Name}");

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        writer.WriteStringValue(spellings.Spell(value));
}

internal sealed class HoldReasonJsonConverter() : SpellingJsonConverter<HoldReason>(HoldReasons.Spellings);

internal sealed class WriteBackKindJsonConverter() : SpellingJsonConverter<WriteBackKind>(WriteBackKinds.Spellings);
