namespace CdcPipeline.CassandraSink.Changes;

/// <summary>Debezium's <c>op</c> values the sink applies.</summary>
internal enum ChangeOperation
{
    /// <summary><c>c</c>: a row inserted in PostgreSQL.</summary>
    Create,

    /// <summary><c>r</c>: a row read by a snapshot.</summary>
    Read,

    /// <summary><c>u</c>: a row updated in PostgreSQL.</summary>
    Update,

    /// <summary><c>d</c>: a row deleted (hard delete) in PostgreSQL.</summary>
    Delete,
}
