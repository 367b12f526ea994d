namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>
/// A fact that needs <see cref="TmpfsMount"/>. xunit 2.9 cannot skip from inside a test, so the attribute decides at
/// discovery: where mounting is not permitted the test is reported as skipped, with the reason, instead of passing.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (TmpfsMount.Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}
