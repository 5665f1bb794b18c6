namespace CdcPipeline.ServiceDefaults.Postgres;

/// <summary>
/// What a service needs of its database's schema (<c>sql/postgres</c>): tables by qualified name (<c>public.users</c>)
/// and, for change capture, the publication.
/// </summary>
public sealed record PipelineSchema(IReadOnlyList<string> Tables, string? Publication = null);
