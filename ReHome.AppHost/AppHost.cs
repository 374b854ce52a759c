using ReHome.AppHost;
using ReHome.AppHost.Redis;

AppHostFailure.PrintSetupErrorsPlainly();

var builder = DistributedApplication.CreateBuilder(args);

var redis = builder.AddReHomeRedis("redis");
var signingKey = builder.AddSigningKey("auth-signing-key");

var api = builder.AddProject<Projects.ReHome_Api>("api")
    .WithExternalHttpEndpoints()
    .WithReference(redis).WaitFor(redis)
    .WithSigningKey(signingKey)
    .WithServiceHealthCheck()
    .WithoutDevelopmentCertificate()
    .WithPublishedReplicas();

builder.AddProject<Projects.ReHome_Worker>("worker")
    .WithReference(redis).WaitFor(redis)
    .WithReference(api)
    .WithSigningKey(signingKey)
    .WithAgentSettings(builder)
    .WithServiceHealthCheck()
    .WithoutDevelopmentCertificate()
    .WithPublishedReplicas()
    .WithOpsCommands(builder);

builder.Build().Run();
