using System.CommandLine;
using System.CommandLine.Help;
using ReHome.Worker.Ops.Broadcast;
using ReHome.Worker.Ops.Cleanup;
using ReHome.Worker.Ops.Config;
using ReHome.Worker.Ops.Flush;
using ReHome.Worker.Ops.Reap;
using ReHome.Worker.Ops.Smoke;
using ReHome.Worker.Ops.Status;
using ReHome.Worker.Ops.Streams;

namespace ReHome.Worker.Ops;

/// <summary>
/// The operator commands, in the worker executable as artisan commands are in the Laravel app:
/// <c>ReHome.Worker &lt;command&gt; [options]</c> runs one command and exits. They build only the
/// services a command needs; the worker's background work never starts.
/// </summary>
internal static class OpsCli
{
    /// <summary>
    /// A first argument that is a word names a command; <c>--Key=value</c> settings (or nothing at all)
    /// mean the worker itself, as before. Help is the CLI's.
    /// </summary>
    public static bool IsCommand(string[] args) =>
        args is [var first, ..] && (!first.StartsWith('-') || first is "-h" or "-?" or "--help");

    public static Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand(
            "ReHome operator commands. Redis comes from ConnectionStrings:redis, the API from services:api:http:0 " +
            "(both set by the AppHost), configuration from appsettings and the environment, as for the worker. " +
            "Without a command the worker runs.")
        {
            SmokeCommand.Create(),
            StatusCommand.Create(),
            StreamsCommand.Create(),
            CleanupCommand.Create(),
            ReapCommand.Create(),
            ConfigCommand.Create(),
            BroadcastCommand.Create(),
            FlushCommand.Create(),
        };

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && parsed.Action is not HelpAction)
        {
            // A usage mistake: say what is wrong and where help is, without the whole help text.
            foreach (var error in parsed.Errors)
            {
                Console.Error.WriteLine(error.Message);
            }

            Console.Error.WriteLine($"See `ReHome.Worker {parsed.CommandResult.Command.Name} --help`.");
            return Task.FromResult(OpsExitCodes.BadConfiguration);
        }

        // Failures are reported by OpsAction as one clear line; no stack traces for operators.
        return parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    }
}
