using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ReHome.AppHost;

/// <summary>
/// The runbook's operator commands as dashboard commands on the worker: each runs the worker's own
/// CLI (<c>ReHome.Worker &lt;command&gt;</c>, see ReHome.Worker/Ops) as a process, with the environment
/// the worker gets (Redis, the API's address, the signing key), and reports its output.
/// </summary>
internal static class OpsCommandExtensions
{
    public const string SmokeCommand = "ops-smoke";
    public const string ReapCommand = "ops-reap";
    public const string CleanupCommand = "ops-cleanup";
    public const string FlushRedisCommand = "ops-flush-redis";

    /// <summary>The argument of <see cref="FlushRedisCommand"/> naming another database than the application's.</summary>
    public const string DatabaseArgument = "database";

    public static IResourceBuilder<ProjectResource> WithOpsCommands(this IResourceBuilder<ProjectResource> worker, IDistributedApplicationBuilder builder)
    {
        worker.WithOpsCommand(SmokeCommand, "Run smoke test", ["smoke", "--create"], new CommandOptions
        {
            Description = "Creates a thread, emits 100 tokens through the real pipeline and receives them over the hub: lost, duplicated, latency p50/p95/p99.",
            IconName = "Play",
            IsHighlighted = true,
        });
        worker.WithOpsCommand(ReapCommand, "Reap stuck streams", ["reap"], new CommandOptions
        {
            Description = "Aborts streams idle longer than Reaper:IdleThreshold now, instead of at the reaper's next round.",
            IconName = "Delete",
        });
        worker.WithOpsCommand(CleanupCommand, "Clean up ended streams", ["cleanup"], new CommandOptions
        {
            Description = "Removes the data of streams that ended over 10 minutes ago; never a live stream.",
            IconName = "Broom",
        });

        if (builder.Environment.IsDevelopment())
        {
            worker.WithOpsCommand(FlushRedisCommand, "Flush Redis", ["flush", "--yes"], new CommandOptions
            {
                Description = "Development only: deletes every key in the application's Redis database (FLUSHDB).",
                ConfirmationMessage = "Delete every key in the application's Redis database? Threads, runs, streams and queued jobs are lost. Development only.",
                IconName = "DeleteDismiss",
                Arguments =
                [
                    new InteractionInput
                    {
                        Name = DatabaseArgument,
                        Label = "Database",
                        InputType = InputType.Number,
                        Required = false,
                        Placeholder = "the application's",
                    },
                ],
            });
        }

        return worker;
    }

    private static void WithOpsCommand(this IResourceBuilder<ProjectResource> worker, string name, string displayName, string[] arguments, CommandOptions options)
    {
        // The CLI needs the worker's allocated endpoints and resolved settings, so only while it runs.
        options.UpdateState = state => state.ResourceSnapshot.State?.Text == KnownResourceStates.Running
            ? ResourceCommandState.Enabled
            : ResourceCommandState.Disabled;
        worker.WithCommand(name, displayName, context => RunWorkerCliAsync(worker.Resource, [.. arguments, .. ExtraArguments(context)], context), options);
    }

    private static IEnumerable<string> ExtraArguments(ExecuteCommandContext context) =>
        context.Arguments.TryGetByName(DatabaseArgument, out var database) && database.Value is { Length: > 0 } index ? ["--database", index] : [];

    /// <summary>
    /// Runs <c>dotnet ReHome.Worker.dll &lt;arguments&gt;</c> with the worker's environment. The result's
    /// message is the CLI's last line (its verdict); its data is the whole output, shown at once.
    /// </summary>
    private static async Task<ExecuteCommandResult> RunWorkerCliAsync(ProjectResource worker, string[] arguments, ExecuteCommandContext context)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(worker.GetProjectMetadata().ProjectPath),
        };
        start.ArgumentList.Add(WorkerAssembly(worker));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var configuration = await ExecutionConfigurationBuilder.Create(worker)
            .WithEnvironmentVariablesConfig()
            .BuildAsync(context.Services.GetRequiredService<DistributedApplicationExecutionContext>(), context.Logger, context.CancellationToken);
        foreach (var (variable, value) in configuration.EnvironmentVariables)
        {
            start.Environment[variable] = value;
        }

        // `status` checks the worker's /health; the worker is not given its own address.
        start.Environment["services__worker__http__0"] = worker.GetEndpoint("http").Url;

        var output = new List<string>();
        void Collect(object sender, DataReceivedEventArgs line)
        {
            if (line.Data is not null)
            {
                lock (output)
                {
                    output.Add(line.Data);
                }
            }
        }

        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += Collect;
        process.ErrorDataReceived += Collect;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return CommandResults.Canceled();
        }

        // WaitForExitAsync returns once both output streams have been read to the end.
        var text = string.Join(Environment.NewLine, output);
        var verdict = output.LastOrDefault(line => !string.IsNullOrWhiteSpace(line))?.Trim() ?? $"exit code {process.ExitCode}";
        return process.ExitCode == 0
            ? CommandResults.Success(verdict, text, CommandResultFormat.Text, displayImmediately: true)
            : CommandResults.Failure(verdict, text, CommandResultFormat.Text);
    }

    /// <summary>
    /// The worker's assembly in its build output, built with the AppHost's configuration (the AppHost
    /// references the worker project, so building the AppHost builds it into bin/&lt;Configuration&gt;/&lt;tfm&gt;/).
    /// </summary>
    private static string WorkerAssembly(ProjectResource worker)
    {
        var projectPath = worker.GetProjectMetadata().ProjectPath;
        var output = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        var assembly = Path.Combine(
            Path.GetDirectoryName(projectPath)!, "bin", output.Parent!.Name, output.Name, Path.GetFileNameWithoutExtension(projectPath) + ".dll");
        return File.Exists(assembly)
            ? assembly
            : throw new DistributedApplicationException($"The worker's build output is not at {assembly}; build the solution first.");
    }

    /// <summary>The dotnet host running this AppHost (…/dotnet/shared/Microsoft.NETCore.App/&lt;version&gt;/ → …/dotnet/dotnet).</summary>
    private static string DotnetHost() =>
        Path.Combine(
            new DirectoryInfo(RuntimeEnvironment.GetRuntimeDirectory()).Parent!.Parent!.Parent!.FullName,
            OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
}
