namespace StreamForge.Bench.Measuring;

/// <summary>
/// The order of a measurement: every round visits every contender once, each round starting one contender
/// further along, so machine drift (other engineers' builds, thermal state, page cache) hits all of them alike
/// and no contender is always first after a pause.
/// </summary>
internal static class RoundRobin
{
    public static IEnumerable<(int Round, T Item)> Schedule<T>(IReadOnlyList<T> items, int rounds)
    {
        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < items.Count; i++)
            {
                yield return (round, items[(i + round) % items.Count]);
            }
        }
    }
}
