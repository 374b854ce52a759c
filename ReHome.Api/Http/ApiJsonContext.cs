using System.Text.Json;
using System.Text.Json.Serialization;
using ReHome.Api.Auth;
using ReHome.Api.Runs;
using ReHome.Api.Threads;

namespace ReHome.Api.Http;

/// <summary>Source-generated JSON for the API's own requests and responses.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DevTokenRequest))]
[JsonSerializable(typeof(DevTokenResponse))]
[JsonSerializable(typeof(CreateThreadRequest))]
[JsonSerializable(typeof(ThreadResponse))]
[JsonSerializable(typeof(ThreadListResponse))]
[JsonSerializable(typeof(CreateRunRequest))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
