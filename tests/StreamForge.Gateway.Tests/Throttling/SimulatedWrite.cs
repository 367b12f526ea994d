namespace StreamForge.Gateway.Tests.Throttling;

/// <summary>One write of a simulated copy loop: when (fake time since the start) and how many bytes.</summary>
internal readonly record struct SimulatedWrite(TimeSpan At, int Bytes);
