using Bogus;

namespace CdcPipeline.Producer.Generation;

/// <summary>
/// Ids of live (created, not deleted) entities with O(1) add, remove and uniform random pick.
/// Its order depends only on the sequence of calls, so a seeded run picks the same ids every time.
/// </summary>
internal sealed class TrackedIds
{
    private readonly List<Guid> _ids = [];
    private readonly Dictionary<Guid, int> _positions = [];

    public int Count => _ids.Count;

    public bool Contains(Guid id) => _positions.ContainsKey(id);

    public void Add(Guid id)
    {
        _positions.Add(id, _ids.Count);
        _ids.Add(id);
    }

    public bool Remove(Guid id)
    {
        if (!_positions.Remove(id, out var position))
        {
            return false;
        }

        var last = _ids[^1];
        _ids.RemoveAt(_ids.Count - 1);
        if (position < _ids.Count)
        {
            _ids[position] = last;
            _positions[last] = position;
        }

        return true;
    }

    public Guid Pick(Randomizer random) => _ids[random.Int(0, _ids.Count - 1)];
}
