namespace ReHome.Benchmarks.Load;

/// <summary>The load command's settings (see <see cref="LoadCommand"/>); times in seconds.</summary>
internal sealed record LoadOptions(
    IReadOnlyList<string> Shapes,
    IReadOnlyList<string> Stacks,
    double Warmup,
    double Measure,
    double RampMeasure,
    IReadOnlyList<int> RampA,
    IReadOnlyList<int> RampB,
    int ClientProcesses,
    double P99LimitMs,
    double BudgetMinutes,
    string PerfPeer,
    bool SkipBuild)
{
    public const string ReHome = "rehome";
    public const string SocketIo = "socketio";

    public static readonly IReadOnlyList<string> AllStacks = [ReHome, SocketIo];

    /// <summary>The measurement window of a step of the shape.</summary>
    public double MeasureFor(LoadShape shape) => shape.IsRamp ? RampMeasure : Measure;
}
