namespace ReHome.Tests.Infrastructure;

/// <summary>
/// Tests that stop or restart parts of the shared application. xunit runs a collection that
/// disables parallelization on its own, after the parallel ones.
/// </summary>
[CollectionDefinition(DisableParallelization = true)]
public sealed class DisruptiveTests;
