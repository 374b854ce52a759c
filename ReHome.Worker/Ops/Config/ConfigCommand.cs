using System.CommandLine;
using Microsoft.Extensions.Options;
using ReHome.Streaming.Auth;
using ReHome.Streaming.Health;
using ReHome.Streaming.Hubs;
using ReHome.Streaming.Naming;
using ReHome.Streaming.Queue;
using ReHome.Streaming.RateLimiting;
using ReHome.Streaming.Streams;
using ReHome.Worker.Agents;
using ReHome.Worker.Reaper;

namespace ReHome.Worker.Ops.Config;

/// <summary>
/// <c>config</c> — the runbook's <c>config:show broadcasting</c>: the effective settings, bound and
/// validated exactly as the worker binds them, with secrets redacted. Invalid settings are listed
/// with what to set, and the exit code says so.
/// </summary>
internal static class ConfigCommand
{
    public static Command Create()
    {
        var filter = new Argument<string?>("section")
        {
            Description = "Show only settings whose name starts with this: auth, streaming, queue, ratelimit, hub, reaper, agent, alerts, connectionstrings, services.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("config", "The effective Redis, services, streaming, queue, auth, rate-limit, hub, reaper, agent and alert settings, secrets redacted.") { filter };
        command.SetOpsAction(async (parse, console, cancellationToken) =>
        {
            await using var ops = await OpsServices.CreateAsync(connectRedis: false, cancellationToken);
            var problems = new List<string>();
            var settings = new List<(string Name, string Value)> { ("Environment", ops.Environment.EnvironmentName) };
            settings.AddRange(Connection(ops, problems));
            settings.AddRange(Read<StreamingOptions>(ops, StreamingOptions.SectionName, problems));
            settings.AddRange(Read<QueueOptions>(ops, QueueOptions.SectionName, problems));
            settings.AddRange(Read<AuthOptions>(ops, AuthOptions.SectionName, problems));
            settings.AddRange(Read<ThreadActionLimitOptions>(ops, ThreadActionLimitOptions.SectionName, problems));
            settings.AddRange(Read<HubLimitsOptions>(ops, HubLimitsOptions.SectionName, problems));
            settings.AddRange(Read<ReaperOptions>(ops, ReaperOptions.SectionName, problems));
            settings.AddRange(Read<AgentOptions>(ops, AgentOptions.SectionName, problems));
            settings.AddRange(Read<AlertOptions>(ops, AlertOptions.SectionName, problems));

            var prefix = parse.GetValue(filter);
            var shown = settings.Where(setting => prefix is null || setting.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).ToArray();
            if (console.IsRich)
            {
                console.Table("Effective configuration", ["setting", "value"], shown.Select(setting => (IReadOnlyList<string>)[setting.Name, setting.Value]).ToArray());
            }
            else
            {
                foreach (var (name, value) in shown)
                {
                    console.Line($"{name} = {value}");
                }
            }

            foreach (var problem in problems)
            {
                console.Error(problem);
            }

            return problems.Count == 0 ? OpsExitCodes.Ok : OpsExitCodes.BadConfiguration;
        });
        return command;
    }

    /// <summary>Where Redis, the API and the worker are: the connection string without its password.</summary>
    private static IEnumerable<(string, string)> Connection(OpsServices ops, List<string> problems)
    {
        var name = $"ConnectionStrings:{StreamNames.RedisConnectionName}";
        string redis;
        try
        {
            var options = OpsRedis.Options(ops.Configuration);
            redis = options.ToString(includePassword: false) + (string.IsNullOrEmpty(options.Password) ? string.Empty : $" password={SettingsPrinter.Redacted}");
        }
        catch (OpsFailure missing)
        {
            problems.Add(missing.Message);
            redis = SettingsPrinter.NotSet;
        }

        return
        [
            (name, redis),
            ("services:api", ServiceAddresses.Find(ops.Configuration, "api", null)?.ToString() ?? SettingsPrinter.NotSet),
            ("services:worker", ServiceAddresses.Find(ops.Configuration, "worker", null)?.ToString() ?? SettingsPrinter.NotSet),
        ];
    }

    /// <summary>The options as the worker would get them; when they do not validate, as bound, with the reasons.</summary>
    private static IEnumerable<(string, string)> Read<T>(OpsServices ops, string section, List<string> problems) where T : class, new()
    {
        T value;
        try
        {
            value = ops.Get<IOptions<T>>().Value;
        }
        catch (OptionsValidationException invalid)
        {
            problems.AddRange(invalid.Failures);
            value = ops.Configuration.GetSection(section).Get<T>() ?? new T();
        }

        return SettingsPrinter.Flatten(section, value);
    }
}
