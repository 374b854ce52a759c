using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ReHome.AppHost;

internal static class ServiceHealthExtensions
{
    /// <summary>
    /// Like <c>WithHttpHealthCheck("/health")</c>, but Degraded and the reasons come through to the
    /// dashboard (see <see cref="ServiceHealthCheck"/>): the runbook's alerts, visible per resource.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithServiceHealthCheck(this IResourceBuilder<ProjectResource> project, string path = "/health")
    {
        var endpoint = project.GetEndpoint("http");
        var key = $"{project.Resource.Name}_health";
        project.ApplicationBuilder.Services.AddHealthChecks()
            .Add(new HealthCheckRegistration(key, _ => new ServiceHealthCheck(endpoint, path), failureStatus: null, tags: null));
        return project.WithHealthCheck(key);
    }
}
