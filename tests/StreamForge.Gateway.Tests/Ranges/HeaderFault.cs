namespace StreamForge.Gateway.Tests.Ranges;

/// <summary>The syntax error, if any, that a generated Range header carries.</summary>
internal enum HeaderFault
{
    None,
    BadElement,
    Reversed,
    BadUnit,
}
