using System.ComponentModel.DataAnnotations;

namespace ReHome.Worker.Telemetry;

/// <summary>How often Redis-wide state is read for the gauges (section <c>Telemetry:RedisSampler</c>).</summary>
public sealed class RedisStateSamplerOptions
{
    public const string SectionName = "Telemetry:RedisSampler";

    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);
}
