using System.Collections;
using System.Globalization;
using System.Reflection;

namespace ReHome.Worker.Ops.Config;

/// <summary>
/// Flattens a bound options object into <c>Section:Name = value</c> lines, as configuration keys are
/// written, with secrets (keys, passwords, API keys, tokens) shown only as set or not set.
/// </summary>
internal static class SettingsPrinter
{
    public const string Redacted = "(set, redacted)";
    public const string NotSet = "(not set)";

    private static readonly string[] SecretNameParts = ["password", "secret", "apikey", "connectionstring"];

    public static IEnumerable<(string Name, string Value)> Flatten(string path, object? value, string? propertyName = null)
    {
        if (propertyName is not null && IsSecret(propertyName))
        {
            yield return (path, value is null || value is string { Length: 0 } ? NotSet : Redacted);
            yield break;
        }

        if (value is null || IsSimple(value.GetType()))
        {
            yield return (path, Format(value));
            yield break;
        }

        if (value is IEnumerable items)
        {
            var list = items.Cast<object?>().ToArray();
            if (list.All(item => item is null || IsSimple(item.GetType())))
            {
                yield return (path, list.Length == 0 ? "(none)" : string.Join(", ", list.Select(Format)));
                yield break;
            }

            for (var index = 0; index < list.Length; index++)
            {
                foreach (var line in Flatten($"{path}:{index}", list[index]))
                {
                    yield return line;
                }
            }

            yield break;
        }

        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(property => property.CanRead && property.GetIndexParameters().Length == 0))
        {
            foreach (var line in Flatten($"{path}:{property.Name}", property.GetValue(value), property.Name))
            {
                yield return line;
            }
        }
    }

    /// <summary>A signing key is <c>Key</c>; API keys, passwords, secrets and tokens by their name.</summary>
    public static bool IsSecret(string name) =>
        name.Equals("Key", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith("Token", StringComparison.OrdinalIgnoreCase)
        || SecretNameParts.Any(part => name.Contains(part, StringComparison.OrdinalIgnoreCase));

    private static bool IsSimple(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(Uri) || Nullable.GetUnderlyingType(type) is { } inner && IsSimple(inner);

    private static string Format(object? value) => value switch
    {
        null => NotSet,
        string { Length: 0 } => "(empty)",
        // An address may carry credentials (https://user:password@host).
        Uri { UserInfo.Length: > 0 } uri => new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty }.Uri.ToString(),
        bool flag => flag ? "true" : "false",
        TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
