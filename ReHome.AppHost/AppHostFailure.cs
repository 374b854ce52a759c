namespace ReHome.AppHost;

/// <summary>
/// A set-up problem (no way to run Redis, a bad setting) ends the AppHost with its message alone,
/// not a stack trace: the message says what to install or set.
/// </summary>
internal static class AppHostFailure
{
    public static void PrintSetupErrorsPlainly() =>
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            if (e.ExceptionObject is DistributedApplicationException setupError)
            {
                Console.Error.WriteLine($"ReHome cannot start: {setupError.Message}");
                Environment.Exit(1);
            }
        };
}
