using System.CommandLine;

namespace ReHome.Worker.Ops;

/// <summary>Options several commands share; each command gets its own instances.</summary>
internal static class OpsOptions
{
    public static Option<Uri?> ApiUrl() => Url("--api-url", "The API's base address (default: services:api:http:0, which the AppHost sets).");

    public static Option<Uri?> WorkerUrl() => Url("--worker-url", "The worker's base address for its /health (default: services:worker:http:0).");

    private static Option<Uri?> Url(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "url",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps))
            {
                return url;
            }

            result.AddError($"{name} '{text}' is not an http(s) address like http://localhost:5080.");
            return null;
        },
    };

    public static Option<TimeSpan?> Timeout(TimeSpan defaultValue, string what) =>
        Durations.Option("--timeout", $"How long to wait for {what} (90s, 2m, …).", defaultValue);

    /// <summary>A count that must be at least 1.</summary>
    public static Option<int> Count(string name, string description, int defaultValue, int maximum)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is var value && (value < 1 || value > maximum))
            {
                result.AddError($"{name} must be between 1 and {maximum}.");
            }
        });
        return option;
    }

    public static Option<bool> DryRun(string what) => new("--dry-run")
    {
        Description = $"List what would be {what}; change nothing.",
    };

    public static Option<int> Limit(int defaultValue, string what) =>
        Count("--limit", $"At most this many {what} per table.", defaultValue, int.MaxValue);
}
