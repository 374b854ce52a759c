using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using ReHome.Streaming.Runs;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Telemetry;

/// <summary>
/// What the worker's own metrics pipeline (ServiceDefaults) exports: the process's memory comes from
/// the runtime's instruments (no hand-written gauges of ReHome's), and the provider call's gen_ai
/// histograms from the chat client's telemetry layer.
/// </summary>
public sealed class ExportedMetricsTests(AppFixture fixture)
{
    [Fact]
    public async Task TheWorkerExportsTheRuntimesProcessMemoryAndTheProviderCallsGenAiMetrics()
    {
        var exported = new List<Metric>();
        await using var lane = WorkerLane.Start(fixture);
        using var alice = await lane.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var (client, receiver) = await alice.WatchAsync(threadId, lane.Api.BaseAddress);
        await using var _ = client;
        var worker = await lane.StartWorkerHostAsync(configure: builder =>
        {
            builder.ConfigureOpenTelemetry();
            builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddInMemoryExporter(exported));
        });

        var run = await alice.CreateRunAsync(threadId, "measure me");
        await receiver.WaitForRunStatusAsync(run.Id, RunStatuses.Completed, TestTimeouts.Default);
        GC.Collect();
        worker.Services.GetRequiredService<MeterProvider>().ForceFlush();

        string[] names;
        lock (exported)
        {
            names = [.. exported.Select(metric => metric.Name).Distinct()];
        }

        Assert.Contains("dotnet.process.memory.working_set", names);
        Assert.Contains("dotnet.gc.last_collection.heap.size", names);
        Assert.Contains("gen_ai.client.operation.duration", names);
        Assert.Contains("rehome.tokens.emitted", names);
        Assert.DoesNotContain(names, name => name.StartsWith("rehome.process.", StringComparison.Ordinal));
    }
}
