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
}
