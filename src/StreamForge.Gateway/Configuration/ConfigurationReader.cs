using System.Globalization;

namespace StreamForge.Gateway.Configuration;

/// <summary>Reads typed values from a section, recording a readable error instead of throwing.</summary>
internal sealed class ConfigurationReader(ConfigurationErrors errors)
{
    public long Size(IConfigurationSection section, string key, long fallback, long min, long max)
    {
        var text = section[key];
        if (text is null)
        {
            return fallback;
        }

        if (!ByteSize.TryParse(text, out var size))
        {
            errors.Add(PathOf(section, key), $"'{text}' is not a size (examples: \"64KiB\", \"2MB\", \"1048576\")");
            return fallback;
        }

        if (size.Bytes < min || size.Bytes > max)
        {
            errors.Add(PathOf(section, key), $"{size} is outside {new ByteSize(min)}..{new ByteSize(max)}");
            return fallback;
        }

        return size.Bytes;
    }

    public TimeSpan Duration(IConfigurationSection section, string key, TimeSpan fallback, TimeSpan min, TimeSpan max)
    {
        var text = section[key];
        if (text is null)
        {
            return fallback;
        }

        if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value))
        {
            errors.Add(PathOf(section, key), $"'{text}' is not a duration (example: \"00:00:30\")");
            return fallback;
        }

        if (value < min || value > max)
        {
            errors.Add(PathOf(section, key), $"{value} is outside {min}..{max}");
            return fallback;
        }

        return value;
    }

    public int Integer(IConfigurationSection section, string key, int fallback, int min, int max)
    {
        var text = section[key];
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            errors.Add(PathOf(section, key), $"'{text}' is not a whole number in {min}..{max}");
            return fallback;
        }

        return value;
    }

    public TEnum Enumeration<TEnum>(IConfigurationSection section, string key, TEnum fallback)
        where TEnum : struct, Enum
    {
        var text = section[key];
        if (text is null)
        {
            return fallback;
        }

        if (!Enum.TryParse<TEnum>(text, ignoreCase: true, out var value) || !Enum.IsDefined(value))
        {
            errors.Add(PathOf(section, key), $"'{text}' is not one of {string.Join(", ", Enum.GetNames<TEnum>())}");
            return fallback;
        }

        return value;
    }

    public bool Boolean(IConfigurationSection section, string key, bool fallback)
    {
        var text = section[key];
        if (text is null)
        {
            return fallback;
        }

        if (!bool.TryParse(text, out var value))
        {
            errors.Add(PathOf(section, key), $"'{text}' is not true or false");
            return fallback;
        }

        return value;
    }

    public static string PathOf(IConfigurationSection section, string key) => $"{section.Path}:{key}";
}
