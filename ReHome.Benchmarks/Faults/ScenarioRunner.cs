using System.Diagnostics;
using ReHome.Benchmarks.Clients;
using ReHome.Benchmarks.Processes;
using ReHome.Streaming.Runs;

namespace ReHome.Benchmarks.Faults;

/// <summary>
/// One scenario: threads and clients (spread over the apis), one run per thread through REST, the
/// fault once the runs stream, then a bounded wait for every run to end and every client to catch up,
/// and the verdict of each client's stream against the log.
/// </summary>
internal sealed class ScenarioRunner(ProcessCluster cluster, ApiRest rest, FaultOptions options, ClusterSettings settings)
{
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(15);

    public async Task<ScenarioOutcome> RunAsync(FaultScenario scenario, CancellationToken cancellationToken)
    {
        var streams = new List<FaultStream>();
        try
        {
            await ArrangeAsync(scenario, streams, cancellationToken);
            await WaitStreamingAsync(streams, cancellationToken);

            Console.WriteLine($"  fault: {scenario.Description}");
            var faultAt = Stopwatch.GetTimestamp();
            var clock = Stopwatch.StartNew();
            await scenario.InjectAsync(cluster, cancellationToken);
            var budget = options.VisibilityTimeout + scenario.Outage + settings.RunLength;
            await WaitTerminalAsync(streams, faultAt, clock, budget + Margin, cancellationToken);
            await WaitCaughtUpAsync(streams, cancellationToken);
            return await JudgeAsync(scenario, streams, budget, cancellationToken);
        }
        finally
        {
            await Task.WhenAll(streams.SelectMany(stream => stream.Clients).Select(client => client.DisposeAsync().AsTask()));
        }
    }

    private async Task ArrangeAsync(FaultScenario scenario, List<FaultStream> streams, CancellationToken cancellationToken)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken };
        await Parallel.ForAsync(0, options.Streams, parallel, async (index, token) =>
        {
            var threadId = await rest.CreateThreadAsync($"{scenario.Name} {index}", token);
            var clients = new List<ThreadWatcher>();
            try
            {
                // Clients of one stream sit on different apis, so the backplane carries it between them.
                for (var client = 0; client < options.ClientsPerStream; client++)
                {
                    clients.Add(await ThreadWatcher.ConnectAsync(cluster.Apis, index + client, threadId, rest.AccessToken, token));
                }
            }
            finally
            {
                lock (streams)
                {
                    streams.Add(new FaultStream(index, threadId, clients));
                }
            }
        });
        await Parallel.ForEachAsync(streams, parallel, async (stream, token) =>
        {
            stream.Run = await rest.QueueRunAsync(stream.ThreadId, $"{scenario.Name} stream {stream.Index}", token);
            stream.Status = stream.Run.Status;
        });
    }

    /// <summary>Until most streams have shown a fifth of their reply, so the fault hits them mid-stream (bounded).</summary>
    private async Task WaitStreamingAsync(List<FaultStream> streams, CancellationToken cancellationToken)
    {
        var enough = Math.Max(1, options.ReplyTokens / 5);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < settings.RunLength + TimeSpan.FromSeconds(30))
        {
            var streaming = streams.Count(stream => stream.Clients.Any(client => client.Snapshot(stream.Run!.StreamId)?.Contiguous >= enough));
            if (streaming >= streams.Count * 0.8)
            {
                return;
            }

            await Task.Delay(200, cancellationToken);
        }

        Console.WriteLine("  (the streams had not started after the run length + 30 s; injecting the fault anyway)");
    }

    private async Task WaitTerminalAsync(List<FaultStream> streams, long faultAt, Stopwatch clock, TimeSpan timeout, CancellationToken cancellationToken)
    {
        while (true)
        {
            var pending = streams.Where(stream => stream.TerminalAfter is null).ToArray();
            if (pending.Length == 0 || clock.Elapsed > timeout)
            {
                return;
            }

            await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (stream, token) =>
            {
                try
                {
                    var run = await rest.GetRunAsync(stream.ThreadId, stream.Run!.Id, token);
                    stream.Status = run?.Status ?? "missing";
                    stream.LastSeq = run?.LastSeq ?? stream.LastSeq;
                    if (run is null && EndSeenByClients(stream) is { } lost && lost.At >= faultAt)
                    {
                        // Redis lost the run (data loss): the end its clients were sent is all there is to judge.
                        stream.Status = $"lost, {lost.Status}";
                        stream.TerminalAfter = Stopwatch.GetElapsedTime(faultAt, lost.At);
                    }
                    else if (run is not null && RunStatuses.IsFinal(run.Status))
                    {
                        // REST is polled each second; a client that handed the end on (after the last token) dates it closer.
                        var ended = stream.Clients.Select(client => client.Snapshot(run.StreamId)?.EndedAt).Where(at => at is not null).Min();
                        stream.TerminalAfter = ended is { } at && at >= faultAt ? Stopwatch.GetElapsedTime(faultAt, at) : clock.Elapsed;
                    }
                }
                catch (HttpRequestException)
                {
                    stream.Status = "unknown"; // no api answered (Redis down): ask again
                }
            });
            await Task.Delay(1_000, cancellationToken);
        }
    }

    /// <summary>The earliest end one of the stream's clients handed on, with its status.</summary>
    private static (long At, string Status)? EndSeenByClients(FaultStream stream) =>
        stream.Clients
            .Select(client => client.Snapshot(stream.Run!.StreamId))
            .Where(snapshot => snapshot?.EndedAt is not null)
            .Select(snapshot => ((long)snapshot!.EndedAt!, snapshot.EndStatus ?? snapshot.RunStatus ?? "ended"))
            .OrderBy(end => end.Item1)
            .Cast<(long At, string Status)?>()
            .FirstOrDefault();

    /// <summary>Gives the clients a bounded moment to replay up to each ended run's last seq.</summary>
    private static async Task WaitCaughtUpAsync(List<FaultStream> streams, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < CatchUpTimeout
            && streams.Any(stream => stream.TerminalAfter is not null
                && stream.Clients.Any(client => (client.Snapshot(stream.Run!.StreamId)?.Contiguous ?? 0) < stream.LastSeq)))
        {
            await Task.Delay(250, cancellationToken);
        }
    }

    private async Task<ScenarioOutcome> JudgeAsync(FaultScenario scenario, List<FaultStream> streams, TimeSpan budget, CancellationToken cancellationToken)
    {
        var verdicts = new List<StreamVerdict>();
        foreach (var stream in streams)
        {
            var streamId = stream.Run!.StreamId;
            IReadOnlyDictionary<long, string> log = new Dictionary<long, string>();
            long? logLastSeq = null;
            try
            {
                var page = await rest.GetTokensAsync(stream.ThreadId, streamId, cancellationToken);
                log = page.Tokens.GroupBy(token => token.Seq).ToDictionary(group => group.Key, group => group.First().Token);
                logLastSeq = page.Status == "missing" ? null : page.LastSeq;
            }
            catch (HttpRequestException)
            {
                // No api answered: judge against what the clients were told.
            }

            var snapshots = stream.Clients.Select(client => client.Snapshot(streamId)).ToArray();
            var finalSeq = logLastSeq ?? snapshots.Max(snapshot => snapshot?.Final ?? 0);
            verdicts.AddRange(snapshots.Select(snapshot =>
                StreamVerdict.Judge(snapshot, log, finalSeq, stream.Status == RunStatuses.Completed, options.ReplyTokens)));
        }

        var terminal = streams.Where(stream => stream.TerminalAfter is not null).ToArray();
        return new ScenarioOutcome(
            scenario.Name,
            streams.Count,
            verdicts.Count,
            verdicts.Sum(verdict => verdict.Lost),
            verdicts.Sum(verdict => verdict.Twice),
            verdicts.Count(verdict => verdict.WrongText),
            streams.Count - terminal.Length,
            terminal.Count(stream => stream.Status != RunStatuses.Completed),
            terminal.Count(stream => stream.TerminalAfter > budget),
            verdicts.Count(verdict => verdict.ToldOfReset),
            terminal.Length == streams.Count ? terminal.Max(stream => stream.TerminalAfter) : null,
            budget,
            (int)streams.Sum(stream => stream.Clients.Sum(client => client.Statistics.Reconnects)),
            (int)streams.Sum(stream => stream.Clients.Sum(client => client.Statistics.DuplicatesDropped)),
            string.Join(", ", streams.GroupBy(stream => stream.Status).OrderByDescending(group => group.Count()).Select(group => $"{group.Key} {group.Count()}")),
            cluster.ExitedByThemselves() is { Count: > 0 } exited ? string.Join(", ", exited) : "-",
            scenario.LosesData);
    }
}
