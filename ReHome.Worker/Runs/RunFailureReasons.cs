using System.ClientModel;

namespace ReHome.Worker.Runs;

/// <summary>
/// What a user is told when a run fails: what happened, in words of ours. A provider's own error text
/// can carry its internals (addresses, account details, prompts); it goes to the log, never to the
/// run's <c>error</c> or the end event's <c>reason</c>.
/// </summary>
internal static class RunFailureReasons
{
    public static string For(Exception exception) => exception switch
    {
        ClientResultException { Status: > 0 } answered => $"the model provider answered HTTP {answered.Status}",
        HttpRequestException { StatusCode: { } status } => $"the model provider answered HTTP {(int)status}",
        HttpRequestException or ClientResultException => "the model provider could not be reached",
        OperationCanceledException or TimeoutException => "the model provider did not answer in time",
        _ => "the agent failed while writing the reply",
    };
}
