using System.Buffers.Text;
using System.Security.Cryptography;

namespace ReHome.Streaming.Streams;

/// <summary>
/// New stream epochs: 12 url-safe characters (72 random bits), so a stream never meets the same
/// epoch twice and a client can tell a restarted or rewound stream from the one it showed.
/// </summary>
internal static class StreamEpochs
{
    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(9));
}
