using System.ComponentModel.DataAnnotations;

namespace ReHome.Streaming.Hubs;

/// <summary>Limits of the browser-facing hub (section <c>Hub</c>).</summary>
public sealed class HubLimitsOptions
{
    public const string SectionName = "Hub";

    /// <summary>Largest message a client may send, in bytes; a larger one closes that client's connection only.</summary>
    [Range(1_024, 16 * 1024 * 1024)]
    public long MaximumReceiveMessageSize { get; set; } = 32 * 1024;

    /// <summary>Origins allowed to call the API and the hub from a browser (CORS); empty allows none but same-origin.</summary>
    public string[] AllowedOrigins { get; set; } = [];
}
