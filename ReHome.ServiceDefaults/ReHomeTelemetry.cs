namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Names of ReHome's own meters and activity sources, registered with OpenTelemetry by
/// <see cref="ServiceDefaultsExtensions.AddServiceDefaults{TBuilder}"/>.
/// </summary>
public static class ReHomeTelemetry
{
    /// <summary>The meter every ReHome instrument is created on.</summary>
    public const string MeterName = "ReHome";

    /// <summary>The activity source of ReHome's own spans (streaming, queue, agent runs).</summary>
    public const string ActivitySourceName = "ReHome";

    /// <summary>
    /// The activity source and meter of the chat client's OpenTelemetry layer (Microsoft.Extensions.AI's
    /// <c>UseOpenTelemetry(sourceName: …)</c>): one <c>gen_ai</c> span per provider call, and the
    /// <c>gen_ai.client.*</c> instruments. Named here rather than left at the library's default
    /// (<c>Experimental.Microsoft.Extensions.AI</c>), which is not registered and may change.
    /// </summary>
    public const string GenAISourceName = "ReHome.GenAI";
}
