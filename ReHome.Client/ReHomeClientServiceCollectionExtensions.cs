using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ReHome.Client;

public static class ReHomeClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="ReHomeClient"/> for the app (not connected: call <c>ConnectAsync</c>), with
    /// the host's logging and, unless <paramref name="options"/> names one, the host's meter factory.
    /// </summary>
    public static IServiceCollection AddReHomeClient(this IServiceCollection services, Func<IServiceProvider, ReHomeClientOptions> options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(provider =>
        {
            var settings = options(provider);
            if (settings.MeterFactory is null && provider.GetService<IMeterFactory>() is { } meterFactory)
            {
                settings = settings with { MeterFactory = meterFactory };
            }

            return new ReHomeClient(settings, provider.GetService<ILoggerFactory>());
        });
        return services;
    }
}
