using System.Text.Json;
using System.Text.Json.Serialization;
using Sprocket.Reconciler.Core.Policy;

namespace Sprocket.Reconciler.State;

/// <summary>
/// Stores <see cref="RollbackSeen"/> in the one string the state row has always held, so rows stay readable both ways:
/// the desired tag (unanswered; followed by <c>|</c> and the rollback's identity when known), <c>""</c> (answered
/// through resume) or <c>answered:</c> and the rollback's identity. Tags cannot contain ':' or '|' and are never empty,
/// so these cannot be confused, and a row written before the identity was kept still reads as it did.
/// </summary>
internal sealed class RollbackSeenJsonConverter : JsonConverter<RollbackSeen>
{
    private const string AnsweredPrefix = "answered:";
    private const char IdentitySeparator = '|';

    public override RollbackSeen? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException("expected a string for the rollback seen");
        return Decode(reader.GetString()!);
    }

    public override void Write(Utf8JsonWriter writer, RollbackSeen value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Encode(value));

    public static RollbackSeen Decode(string text) =>
        text.Length == 0 ? RollbackSeen.AnsweredThroughResume
        : text.StartsWith(AnsweredPrefix, StringComparison.Ordinal) ? RollbackSeen.Answered(text[AnsweredPrefix.Length..])
        : text.IndexOf(IdentitySeparator, StringComparison.Ordinal) is var at and > 0 ? RollbackSeen.WhileGitNames(text[..at], text[(at + 1)..])
        : RollbackSeen.WhileGitNames(text);

    public static string Encode(RollbackSeen seen) => seen switch
    {
        { AnsweredByHuman: true } => "",
        { AnsweredIdentity: { } identity } => AnsweredPrefix + identity,
        { ForTag: { } tag, Identity: { } identity } => tag + IdentitySeparator + identity,
        { ForTag: { } tag } => tag,
        _ => throw new ArgumentException("a rollback seen names a tag or how it was answered", nameof(seen)),
    };
}
