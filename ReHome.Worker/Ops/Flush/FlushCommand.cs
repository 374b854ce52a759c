using System.CommandLine;
using System.Globalization;

namespace ReHome.Worker.Ops.Flush;

/// <summary>
/// <c>flush --yes</c> — the runbook's <c>redis-cli flushall</c> (dev/staging only), narrowed to the
/// application's database (FLUSHDB). Refused outside the Development environment, and without --yes.
/// </summary>
internal static class FlushCommand
{
    public static Command Create()
    {
        var yes = new Option<bool>("--yes") { Description = "Confirm: every key in the database is deleted." };
        var database = new Option<int?>("--database") { Description = "The Redis database to flush (default: the connection string's, usually 0).", HelpName = "index" };
        var command = new Command("flush", "Development only: delete every key in the application's Redis database (FLUSHDB).") { yes, database };
        command.SetOpsAction(async (parse, console, cancellationToken) =>
        {
            await using var ops = await OpsServices.CreateAsync(connectRedis: true, cancellationToken, allowAdmin: true);
            if (!ops.Environment.IsDevelopment())
            {
                throw new OpsFailure($"flush is for development only, and this is {ops.Environment.EnvironmentName}; nothing was deleted.");
            }

            var index = parse.GetValue(database) ?? ops.Redis.GetDatabase().Database;
            if (!parse.GetValue(yes))
            {
                throw OpsFailure.Configuration($"flush deletes every key in Redis database {index}; pass --yes to confirm. Nothing was deleted.");
            }

            long removed = 0;
            foreach (var server in ops.Redis.GetServers().Where(server => server.IsConnected && !server.IsReplica))
            {
                removed += await server.DatabaseSizeAsync(index);
                await server.FlushDatabaseAsync(index);
            }

            console.Success(string.Create(CultureInfo.InvariantCulture, $"Flushed Redis database {index}: {Counted.Of(removed, "key")} deleted."));
            return OpsExitCodes.Ok;
        });
        return command;
    }
}
