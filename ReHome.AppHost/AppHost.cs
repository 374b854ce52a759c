using ReHome.AppHost;
using ReHome.AppHost.Redis;

AppHostFailure.PrintSetupErrorsPlainly();

var builder = DistributedApplication.CreateBuilder(args);

var redis = builder.AddReHomeRedis("redis");
var signingKey = builder.AddSigningKey("auth-signing-key");

var api = builder.AddProject<Projects.ReHome_Api>("api")
    .WithReference(redis).WaitFor(redis)
    .WithSigningKey(signingKey)
    .WithServiceHealthCheck();

builder.AddProject<Projects.ReHome_Worker>("worker")
    .WithReference(redis).WaitFor(redis)
    .WithReference(api)
    .WithSigningKey(signingKey)
    .WithAgentSettings(builder)
    .WithServiceHealthCheck()
    .WithOpsCommands(builder);

builder.Build().Run();
