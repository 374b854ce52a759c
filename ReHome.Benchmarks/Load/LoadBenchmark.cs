using System.Diagnostics;
using ReHome.Benchmarks.Processes;

namespace ReHome.Benchmarks.Load;

/// <summary>
/// ReHome and the socket.io peer under the same workload shapes, in one invocation. Steps of both
/// stacks alternate (the same machine noise for both); a ramp goes on for a stack until a step misses
/// the goal. Bounded: at most 1,000 connections, each step under 90 s, and no step is started that
/// would end past the time budget. Prints each step as it ends, then one table; kills what it started.
/// </summary>
internal static class LoadBenchmark
{
    private const double StepOverheadSeconds = 30;

    public static async Task<int> RunAsync(LoadOptions options, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var budget = TimeSpan.FromMinutes(options.BudgetMinutes);
        var shapes = LoadShape.Select(options.Shapes, options.RampA, options.RampB);
        var unknown = options.Stacks.Except(LoadOptions.AllStacks).ToArray();
        if (unknown.Length > 0 || options.Stacks.Count == 0)
        {
            throw new ArgumentException($"--stacks: {string.Join(", ", unknown)} unknown; known: {string.Join(", ", LoadOptions.AllStacks)}");
        }

        if (shapes.FirstOrDefault(shape => shape.Connections > LoadShape.MaxConnections) is { } tooMany)
        {
            throw new ArgumentException($"shape {tooMany.Name} has {tooMany.Connections} connections, above {LoadShape.MaxConnections}");
        }

        if (options.Warmup + options.MeasureFor(shapes[0]) + StepOverheadSeconds > 90 || options.Warmup + options.RampMeasure + StepOverheadSeconds > 90)
        {
            throw new ArgumentException($"a step must stay under 90 s: --warmup + --measure (or --ramp-measure) + ~{StepOverheadSeconds:0} s of setup is more");
        }

        var work = Directory.CreateTempSubdirectory("rehome-load-").FullName;
        Console.WriteLine($"load benchmark: shapes {string.Join(", ", shapes.Select(shape => shape.Name))}; stacks {string.Join(", ", options.Stacks)}; " +
            $"warm-up {options.Warmup} s, window {options.Measure} s (ramps {options.RampMeasure} s), {options.ClientProcesses} client processes; " +
            $"knee: p99 ≤ {options.P99LimitMs} ms, 0 lost, producer ≥ 99 %; budget {options.BudgetMinutes} min; work folder {work}");
        var build = options.Stacks.Contains(LoadOptions.ReHome) ? await ServiceBuild.BuildAsync(options.SkipBuild, cancellationToken) : null;
        var workspace = await PeerWorkspace.PrepareAsync(options.PerfPeer, work, cancellationToken);
        await using var rehome = build is null ? null : await RehomeStack.StartAsync(build, workspace, options, shapes.Max(shape => shape.Threads), cancellationToken);
        await using var peer = options.Stacks.Contains(LoadOptions.SocketIo) ? await PeerStack.StartAsync(workspace, options, work, cancellationToken) : null;
        var steps = new List<StepResult>();
        var skipped = new List<string>();
        try
        {
            foreach (var shape in shapes)
            {
                var stopped = new HashSet<string>();
                foreach (var rate in shape.Rates)
                {
                    foreach (var stack in options.Stacks.Where(stack => !stopped.Contains(stack)))
                    {
                        if (clock.Elapsed + TimeSpan.FromSeconds(options.Warmup + options.MeasureFor(shape) + StepOverheadSeconds) > budget)
                        {
                            skipped.Add($"{shape.Name}@{rate} {stack}");
                            stopped.Add(stack);
                            continue;
                        }

                        Console.WriteLine($"[{clock.Elapsed:mm\\:ss}] {shape.Name} @ {rate} tok/s/thread, {shape.Threads} × {shape.ClientsPerThread}: {stack} …");
                        var step = await RunStepAsync(stack == LoadOptions.ReHome ? rehome!.RunStepAsync : peer!.RunStepAsync, shape, rate, stack, cancellationToken);
                        steps.Add(step);
                        Console.WriteLine($"  {LoadReport.Line(step)}");
                        if (shape.IsRamp && !step.MeetsGoal(options.P99LimitMs))
                        {
                            stopped.Add(stack);
                        }
                    }
                }
            }
        }
        finally
        {
            Console.WriteLine();
            Console.WriteLine(LoadReport.Format(steps, shapes, options.P99LimitMs));
            Console.WriteLine();
            Console.WriteLine("latency: emit → receive in the client process; ReHome: wall clock − emittedAt (Unix ms), peer: CLOCK_MONOTONIC − t; only tokens emitted in the window.");
            Console.WriteLine("lost: tokens emitted in the window a connection never got live (no replay); dup: a seq received twice; prod %: tokens emitted in the window ÷ scheduled.");
            Console.WriteLine("CPU: % of one core over the window (2 cores = 200 %) of api/worker/redis (ReHome) or server/emitter/redis (socket.io); peak RSS sampled every 0.5 s;");
            Console.WriteLine("CPU/1k deliv/s = that CPU sum ÷ (deliveries/s ÷ 1000); other CPU % = what the rest of the machine used meanwhile (noise).");
            Console.WriteLine($"knee: the last ramp step with p99 ≤ {options.P99LimitMs} ms, 0 lost and the producer ≥ 99 % on schedule; ✗: a step that missed it (the stack's ramp stopped there).");
            if (skipped.Count > 0)
            {
                Console.WriteLine($"not run (time budget of {options.BudgetMinutes} min): {string.Join(", ", skipped)}");
            }

            Console.WriteLine($"took {clock.Elapsed:mm\\:ss}; logs: ReHome {rehome?.LogDirectory ?? "-"} (redis, api-1, worker-1, <shape>@<rate>/client*.log), " +
                $"peer {peer?.ResultsDirectory ?? "-"} (<shape>@<rate>.json/.log); perfpeer copy {workspace.Directory}");
        }

        return 0;
    }

    /// <summary>One step, bounded to 90 s; a failure is a row of the table, not the end of the benchmark.</summary>
    private static async Task<StepResult> RunStepAsync(
        Func<LoadShape, int, CancellationToken, Task<StepResult>> run, LoadShape shape, int rate, string stack, CancellationToken cancellationToken)
    {
        using var step = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        step.CancelAfter(TimeSpan.FromSeconds(89));
        try
        {
            return await run(shape, rate, step.Token);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested && exception is not OutOfMemoryException)
        {
            var reason = step.IsCancellationRequested ? "step took over 90 s" : exception.Message.Split('\n')[0];
            return StepResult.Failed(shape.Name, stack, rate, shape.Connections, reason);
        }
    }
}
