using System.Text.Json;
using System.Text.Json.Serialization;

namespace ReHome.Worker.Ops;

internal sealed record NewThreadRequest(string? Title);

internal sealed record CreatedThread(string Id);

/// <summary>What <c>GET /health</c> answers (CONTRACT.md); check reasons only in Development.</summary>
internal sealed record HealthAnswer(string? Status, Dictionary<string, HealthCheckAnswer>? Checks);

internal sealed record HealthCheckAnswer(string? Status, string? Reason);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(NewThreadRequest))]
[JsonSerializable(typeof(CreatedThread))]
[JsonSerializable(typeof(HealthAnswer))]
internal sealed partial class OpsJsonContext : JsonSerializerContext;
