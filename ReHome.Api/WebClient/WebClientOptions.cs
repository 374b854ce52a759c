namespace ReHome.Api.WebClient;

/// <summary>
/// The live thread page at <c>/</c> (section <c>WebClient</c>; <c>WebClient__Enabled=true</c> as an
/// environment variable). The browser client <c>/js/rehome-client.js</c> is served either way.
/// </summary>
public sealed class WebClientOptions
{
    public const string SectionName = "WebClient";

    /// <summary>Serve the page; unset means on in the Development environment only.</summary>
    public bool? Enabled { get; set; }
}
