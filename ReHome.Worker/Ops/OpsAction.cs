using System.CommandLine;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ReHome.Worker.Ops;

internal static class OpsAction
{
    /// <summary>
    /// Runs a command's body and turns what can go wrong into one clear line and an exit code:
    /// a failure the command reports, invalid configuration, Redis going away mid-command, Ctrl+C.
    /// </summary>
    public static void SetOpsAction(this Command command, Func<ParseResult, OpsConsole, CancellationToken, Task<int>> body) =>
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var console = OpsConsole.Create();
            try
            {
                return await body(parseResult, console, cancellationToken);
            }
            catch (OpsFailure failure)
            {
                console.Error(failure.Message);
                return failure.ExitCode;
            }
            catch (OptionsValidationException invalid)
            {
                console.Error($"Configuration is not valid: {string.Join(" ", invalid.Failures)}");
                return OpsExitCodes.BadConfiguration;
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                console.Error($"Redis failed during the command: {OpsErrors.Reason(exception)}");
                return OpsExitCodes.Failed;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                console.Error("Interrupted.");
                return OpsExitCodes.Interrupted;
            }
            catch (OperationCanceledException)
            {
                console.Error("Timed out: the command did not finish within its --timeout.");
                return OpsExitCodes.Failed;
            }
#pragma warning disable CA1031 // The last resort: an operator gets one line, not a stack trace.
            catch (Exception unexpected)
#pragma warning restore CA1031
            {
                console.Error($"The command failed: {unexpected.GetType().Name}: {OpsErrors.Reason(unexpected)}");
                return OpsExitCodes.Failed;
            }
        });
}
