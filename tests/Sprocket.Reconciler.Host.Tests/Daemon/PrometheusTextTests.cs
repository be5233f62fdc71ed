namespace Sprocket.Reconciler.Host.Tests.Daemon;

/// <summary>The scrape parser the daemon tests rely on: a wrong parse would make every metric assertion meaningless.</summary>
public sealed class PrometheusTextTests
{
    private const string Exposition = """
        # HELP sprocket_reconciler_stack_status 1 for the stack's current status, 0 for the others.
        # TYPE sprocket_reconciler_stack_status gauge
        sprocket_reconciler_stack_status{otel_scope_name="Sprocket.Reconciler",stack="a",status="synced"} 1 1732690000000
        sprocket_reconciler_stack_status{otel_scope_name="Sprocket.Reconciler",stack="a",status="drifted"} 0
        sprocket_reconciler_service_drift{reason="missing",service="t1-web*",stack="a"} 1
        odd{msg="say \"hi\"\nback\\slash, {braces}",empty=""} -2.5e-1
        sprocket_reconciler_emergency_rollbacks_total 3
        histogram_bucket{le="+Inf"} 4
        nan_metric NaN
        """;

    [Fact]
    public void Finds_a_sample_by_a_subset_of_its_labels()
    {
        var scrape = PrometheusText.Parse(Exposition);

        Assert.Equal(1, scrape.Value("sprocket_reconciler_stack_status", ("stack", "a"), ("status", "synced")));
        Assert.Equal(0, scrape.Value("sprocket_reconciler_stack_status", ("stack", "a"), ("status", "drifted")));
        Assert.Equal(1, scrape.Value("sprocket_reconciler_service_drift", ("service", "t1-web*"), ("reason", "missing")));
        Assert.Null(scrape.Value("sprocket_reconciler_stack_status", ("stack", "b")));
        Assert.Equal(2, scrape.Find("sprocket_reconciler_stack_status").Count);
    }

    [Fact]
    public void Unescapes_label_values_and_reads_special_values()
    {
        var scrape = PrometheusText.Parse(Exposition);

        var odd = Assert.Single(scrape.Find("odd"));
        Assert.Equal("say \"hi\"\nback\\slash, {braces}", odd.Labels["msg"]);
        Assert.Equal("", odd.Labels["empty"]);
        Assert.Equal(-0.25, odd.Value);
        Assert.Equal(3, scrape.Value("sprocket_reconciler_emergency_rollbacks_total"));
        Assert.Equal("+Inf", Assert.Single(scrape.Find("histogram_bucket")).Labels["le"]);
        Assert.True(double.IsNaN(scrape.Value("nan_metric")!.Value));
    }

    [Fact]
    public void Value_refuses_an_ambiguous_match()
    {
        var scrape = PrometheusText.Parse(Exposition);

        Assert.Throws<InvalidOperationException>(() => scrape.Value("sprocket_reconciler_stack_status", ("stack", "a")));
    }

    [Theory]
    [InlineData("metric{a=\"unterminated} 1")]
    [InlineData("metric{a=b} 1")]
    [InlineData("metric 1 2 3")]
    [InlineData("metric one")]
    public void Rejects_malformed_lines_naming_the_line(string line)
    {
        var exception = Assert.Throws<FormatException>(() => PrometheusText.Parse("# HELP x\n" + line));
        Assert.StartsWith("line 2:", exception.Message);
    }
}
