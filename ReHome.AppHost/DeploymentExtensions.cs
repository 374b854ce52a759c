using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace ReHome.AppHost;

internal static class DeploymentExtensions
{
    private const string ReplicasSection = "Replicas";

    /// <summary>
    /// How many instances of the project a deployment runs: <c>Replicas:&lt;resource&gt;</c> (for example
    /// <c>Replicas__api=3</c>), at least 1. Applied when publishing only: a local run keeps one process
    /// per project. A bad value stops the AppHost at once, naming the setting.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithPublishedReplicas(this IResourceBuilder<ProjectResource> project)
    {
        var configuration = project.ApplicationBuilder.Configuration;
        var key = $"{ReplicasSection}:{project.Resource.Name}";
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return project;
        }

        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var replicas) || replicas < 1)
        {
            throw new DistributedApplicationException($"{key} is '{value}'. Set it to a whole number of at least 1.");
        }

        return project.ApplicationBuilder.ExecutionContext.IsPublishMode ? project.WithReplicas(replicas) : project;
    }

    /// <summary>
    /// Serves plain HTTP locally and asks for no development certificate: without this every project
    /// counts as using TLS, and a machine without a trusted ASP.NET Core development certificate (Linux,
    /// a fresh machine) gets the warning "No trusted Aspire development certificate" on every start.
    /// Deployments terminate TLS at their ingress, so publishing is unchanged.
    /// </summary>
    public static IResourceBuilder<T> WithoutDevelopmentCertificate<T>(this IResourceBuilder<T> resource)
        where T : IResourceWithEnvironment, IResourceWithArgs
    {
#pragma warning disable ASPIRECERTIFICATES001 // Experimental in Aspire 13; the only switch that turns the certificate off.
        return resource.WithoutHttpsCertificate();
#pragma warning restore ASPIRECERTIFICATES001
    }
}
