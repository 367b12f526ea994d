namespace StreamForge.Gateway.Security;

/// <summary>Why a request's framing is refused (<see cref="RequestFramingGuardMiddleware"/>), and with what status.</summary>
internal readonly record struct FramingProblem(int Status, string Code, string Detail);
