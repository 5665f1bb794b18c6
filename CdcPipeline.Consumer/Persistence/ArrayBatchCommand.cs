using Npgsql;

namespace CdcPipeline.Consumer.Persistence;

/// <summary>A statement over parallel arrays (<c>unnest($1, $2, ...)</c>): one positional parameter per array.</summary>
internal static class ArrayBatchCommand
{
    public static NpgsqlBatchCommand Create(string sql, params object[] arrays)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var array in arrays)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = array });
        }

        return command;
    }
}
