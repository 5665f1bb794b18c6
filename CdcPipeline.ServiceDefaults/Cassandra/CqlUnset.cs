namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>
/// Pass <see cref="Value"/> as a bound value to leave a column untouched ("not set", spec section 3),
/// instead of writing a null (which deletes the cell).
/// </summary>
public sealed class CqlUnset
{
    public static readonly CqlUnset Value = new();

    private CqlUnset()
    {
    }

    public override string ToString() => "unset";
}
