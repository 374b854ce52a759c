using System.Text.Json;
using System.Text.Json.Serialization;
using ReHome.Contracts;

namespace ReHome.Contracts.Json;

/// <summary>Source-generated JSON for the event contracts: camelCase, nulls left out.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TokenEvent))]
[JsonSerializable(typeof(StreamEndedEvent))]
[JsonSerializable(typeof(StreamSummary))]
[JsonSerializable(typeof(SubscribeResult))]
[JsonSerializable(typeof(StreamTokensPage))]
[JsonSerializable(typeof(RunView))]
[JsonSerializable(typeof(StreamResetEvent))]
[JsonSerializable(typeof(ResyncEvent))]
[JsonSerializable(typeof(IAsyncEnumerable<TokenEvent>))]
public sealed partial class StreamingJsonContext : JsonSerializerContext;
