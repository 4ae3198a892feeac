using ActorConnect.Api.Source;

namespace ActorConnect.TestKit.Tests;

/// <summary>Assertion failures say what was expected, what came, and where they part.</summary>
public sealed class RecordAssertTests
{
    [Fact]
    public void A_wrong_value_fails_with_both_lists_and_the_first_difference_marked()
    {
        var produced = new[] { Record(0, "a"), Record(1, "x"), Record(2, "c") };

        var e = Assert.Throws<ConnectAssertionException>(() => RecordAssert.ValuesEqual(produced, "a", "b", "c"));

        Assert.Equal(
            "Record values differ at index 1: expected \"b\", got \"x\" (expected 3, got 3)." + Environment.NewLine +
            "Expected: [\"a\", >>\"b\"<<, \"c\"]" + Environment.NewLine +
            "Actual:   [\"a\", >>\"x\"<<, \"c\"]",
            e.Message);
    }

    [Fact]
    public void A_missing_record_is_named_as_the_end_of_the_list()
    {
        var polled = new[] { new SourceRecord(null, null, "t", null, 1L) };

        var e = Assert.Throws<ConnectAssertionException>(() => RecordAssert.ValuesEqual(polled, 1L, 2L));

        Assert.StartsWith("Record values differ at index 1: expected 2 (Int64), got nothing (the list ends) (expected 2, got 1).", e.Message);
    }

    [Fact]
    public void Equal_records_pass()
    {
        RecordAssert.ValuesEqual([Record(0, "a")], "a");
        RecordAssert.KeysEqual([Record(0, "a")], "k0");
    }

    private static ProducedRecord Record(long offset, string value) =>
        new("t", 0, offset, System.Text.Encoding.UTF8.GetBytes($"k{offset}"), System.Text.Encoding.UTF8.GetBytes(value), [], null);
}
