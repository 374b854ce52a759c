using ReHome.Streaming.Naming;
using ReHome.Streaming.Streams;
using StackExchange.Redis;

namespace ReHome.Tests.Streaming;

/// <summary>
/// A stream's keys as Redis held them at one moment (DUMP), put back later (RESTORE) — what a
/// failover to a lagging replica or a restore from a backup does to a stream.
/// </summary>
internal sealed class StreamSnapshot
{
    private readonly Dictionary<string, byte[]?> _dumps;

    private StreamSnapshot(Dictionary<string, byte[]?> dumps) => _dumps = dumps;

    private static string[] KeysOf(StreamRef stream) => [StreamNames.Keys.Seq(stream), StreamNames.Keys.Log(stream), StreamNames.Keys.Meta(stream)];

    public static async Task<StreamSnapshot> TakeAsync(IDatabase database, StreamRef stream)
    {
        var dumps = new Dictionary<string, byte[]?>();
        foreach (var key in KeysOf(stream))
        {
            dumps[key] = await database.KeyDumpAsync(key);
        }

        return new StreamSnapshot(dumps);
    }

    public async Task RestoreAsync(IDatabase database)
    {
        foreach (var (key, dump) in _dumps)
        {
            await database.KeyDeleteAsync(key);
            if (dump is not null)
            {
                await database.KeyRestoreAsync(key, dump);
            }
        }
    }
}
