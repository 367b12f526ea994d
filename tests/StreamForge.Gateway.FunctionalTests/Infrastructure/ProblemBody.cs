namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>The parts of a ProblemDetails body the tests read.</summary>
public sealed record ProblemBody(int Status, string? Detail, string? Code);
