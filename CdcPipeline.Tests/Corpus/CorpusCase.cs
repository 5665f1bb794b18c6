using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace CdcPipeline.Tests.Corpus;

/// <summary>
/// One input of the bad-input corpus (<c>Corpus/{area}/cases.json</c>): a file holding a message value byte for
/// byte, the topic it is sent to, the id of the row it is about, and what must become of it: <c>stored</c> (then
/// <see cref="Row"/> is the row as the tests print it), <c>dead-letter</c> (then <see cref="Reason"/> is part of the
/// <c>dlq.reason</c> header) or <c>ignored</c>. In a file, <c>@@x*N@@</c> stands for N times the character x, so that
/// a 10 MB message is a small file.
/// </summary>
public sealed partial record CorpusCase
{
    public const string Stored = "stored";
    public const string DeadLetter = "dead-letter";
    public const string Ignored = "ignored";

    [JsonPropertyName("file")]
    public required string File { get; init; }

    [JsonPropertyName("topic")]
    public required string Topic { get; init; }

    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>False when the message is sent without a key; otherwise its key is <see cref="Id"/>.</summary>
    [JsonIgnore]
    public bool HasKey { get; init; } = true;

    [JsonPropertyName("expect")]
    public required string Expect { get; init; }

    [JsonPropertyName("reason")]
    public string? Reason { get; init; }

    [JsonPropertyName("row")]
    public string? Row { get; init; }

    [JsonIgnore]
    public string Area { get; init; } = string.Empty;

    public byte[] Key => Encoding.UTF8.GetBytes(Id);

    /// <summary>The message value: the file's bytes with every <c>@@x*N@@</c> expanded.</summary>
    public byte[] Value()
    {
        var bytes = System.IO.File.ReadAllBytes(Path.Combine(Directory(Area), File));
        var text = Encoding.Latin1.GetString(bytes);
        var expanded = Repeat().Replace(text, match => new string(match.Groups[1].Value[0], int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)));
        return ReferenceEquals(expanded, text) ? bytes : Encoding.Latin1.GetBytes(expanded);
    }

    /// <summary>Every case of <paramref name="area"/> (<c>consumer</c>, <c>sink</c>), in manifest order.</summary>
    public static IReadOnlyList<CorpusCase> Load(string area)
    {
        using var manifest = JsonDocument.Parse(System.IO.File.ReadAllBytes(Path.Combine(Directory(area), "cases.json")));
        return manifest.RootElement.EnumerateArray()
            .Select(entry => entry.Deserialize<CorpusCase>()! with
            {
                Area = area,
                HasKey = !(entry.TryGetProperty("key", out var key) && key.ValueKind == JsonValueKind.Null),
            })
            .ToList();
    }

    /// <summary>The cases in groups of <paramref name="size"/>, each group named by its files: one run of the service each.</summary>
    public static TheoryData<string> Groups(string area, int size)
    {
        var data = new TheoryData<string>();
        foreach (var group in Load(area).Chunk(size))
        {
            data.Add(string.Join(", ", group.Select(c => c.File)));
        }

        return data;
    }

    /// <summary>The cases a <see cref="Groups"/> entry names.</summary>
    public static IReadOnlyList<CorpusCase> Named(string area, string files)
    {
        var names = files.Split(", ");
        return Load(area).Where(c => names.Contains(c.File)).ToList();
    }

    private static string Directory(string area) => Path.Combine(AppContext.BaseDirectory, "Corpus", area);

    [GeneratedRegex(@"@@(.)\*([0-9]+)@@")]
    private static partial Regex Repeat();
}
