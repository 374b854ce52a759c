using System.Diagnostics.Metrics;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The process's memory as the runbook watched it ("&lt;50MB per worker process"): resident set and
/// managed heap, observed on each collection. A hosted service only so the gauges exist from start-up.
/// </summary>
internal sealed class ProcessMetrics : IHostedService
{
    public const string WorkingSetName = "rehome.process.memory.working_set";
    public const string ManagedHeapName = "rehome.process.memory.managed_heap";

    public ProcessMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(ReHomeTelemetry.MeterName);
        meter.CreateObservableGauge(WorkingSetName, () => Environment.WorkingSet, "By", "Resident memory of this process");
        meter.CreateObservableGauge(ManagedHeapName, () => GC.GetTotalMemory(forceFullCollection: false), "By", "Managed heap in use in this process");
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
