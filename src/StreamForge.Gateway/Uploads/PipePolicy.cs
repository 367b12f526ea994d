namespace StreamForge.Gateway.Uploads;

/// <summary>
/// An external process an upload goes through before it is stored (<c>Upload:Pipe</c>): the process's stdout is
/// what gets stored. <c>{input}</c> in <see cref="Arguments"/> becomes the temp file path or <c>pipe:0</c>.
/// </summary>
/// <param name="ContentType">The stored object's media type (the client's describes the input, not the output).</param>
internal sealed record PipePolicy(string Command, IReadOnlyList<string> Arguments, PipeInput Input, string? ContentType)
{
    public const string InputPlaceholder = "{input}";
}
