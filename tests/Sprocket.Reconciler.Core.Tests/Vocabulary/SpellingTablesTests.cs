using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Core.Live;
using Sprocket.Reconciler.Core.Policy;
using Sprocket.Reconciler.Core.Vocabulary;

namespace Sprocket.Reconciler.Core.Tests.Vocabulary;

/// <summary>
/// Every vocabulary's words are contract (JSON API, metric labels, SQLite rows, logs): pinned here in contract order,
/// so renaming or adding a member cannot change a word unnoticed, and every member must have exactly one word.
/// </summary>
public sealed class SpellingTablesTests
{
    [Fact]
    public void Stack_statuses_are_spelled_as_the_contract_says() =>
        AssertTable(StackStatuses.Spellings, ["synced", "out-of-sync", "drifted", "held", "applying", "failed", "invalid"]);

    [Fact]
    public void Drift_reasons_are_spelled_as_the_contract_says() =>
        AssertTable(DriftReasons.Spellings, ["none", "emergency-rollback", "failed-update-rollback", "manual-change", "missing", "tag-moved"]);

    [Fact]
    public void Hold_reasons_are_spelled_as_the_contract_says() =>
        AssertTable(HoldReasons.Spellings, ["manual", "emergency-rollback", "failed-update-rollback", "drift"]);

    [Fact]
    public void Write_back_kinds_are_spelled_as_the_contract_says() =>
        AssertTable(WriteBackKinds.Spellings, ["commit", "pull-request", "nothing-to-do", "superseded", "failed"]);

    [Fact]
    public void Swarm_update_states_are_spelled_as_moby_spells_them() =>
        AssertTable(SwarmUpdateStates.Spellings,
            ["updating", "paused", "completed", "rollback_started", "rollback_paused", "rollback_completed"],
            unspelled: [SwarmUpdateState.Unknown]);

    [Theory]
    [InlineData("rollback_started", SwarmUpdateState.RollbackStarted)]
    [InlineData("completed", SwarmUpdateState.Completed)]
    [InlineData("rollback_exploded", SwarmUpdateState.Unknown)]
    [InlineData("Completed", SwarmUpdateState.Unknown)]
    public void Swarm_update_states_parse_once_and_unknown_words_stay_unknown(string text, SwarmUpdateState expected) =>
        Assert.Equal(expected, SwarmUpdateStates.Parse(text));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void No_update_state_parses_to_none(string? text) => Assert.Null(SwarmUpdateStates.Parse(text));

    [Fact]
    public void An_unknown_update_state_keeps_swarms_word_for_display()
    {
        var status = new LiveUpdateStatus(SwarmUpdateState.Unknown, null, null, null, StateText: "rollback_exploded");
        Assert.Equal("rollback_exploded", status.StateText);
        Assert.Equal("rollback_completed", new LiveUpdateStatus(SwarmUpdateState.RollbackCompleted, null, null, null).StateText);
    }

    [Fact]
    public void A_word_outside_the_table_is_refused_with_the_words_it_knows()
    {
        Assert.False(HoldReasons.Spellings.TryParse("Manual", out _));
        var error = Assert.Throws<FormatException>(() => HoldReasons.Spellings.Parse("paused"));
        Assert.Contains("manual, emergency-rollback, failed-update-rollback, drift", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_table_that_gives_two_members_one_word_fails_at_once() =>
        Assert.Throws<ArgumentException>(() => new SpellingTable<HoldReason>((HoldReason.Manual, "manual"), (HoldReason.Drift, "manual")));

    private static void AssertTable<T>(SpellingTable<T> table, string[] words, T[]? unspelled = null) where T : struct, Enum
    {
        Assert.Equal(words, table.Texts);
        // Every member but the deliberately unspelled ones has a word, and the word leads back to the member.
        Assert.Equal(Enum.GetValues<T>().Except(unspelled ?? []).Order(), table.Values.Order());
        foreach (var value in table.Values)
        {
            Assert.True(table.TryParse(table.Spell(value), out var parsed));
            Assert.Equal(value, parsed);
        }
    }
}
