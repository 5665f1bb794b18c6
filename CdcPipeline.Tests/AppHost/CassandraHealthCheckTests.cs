using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CdcPipeline.AppHost.Cassandra;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CdcPipeline.Tests.AppHost;

public sealed class CassandraHealthCheckTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Node_answering_OPTIONS_with_SUPPORTED_is_healthy()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var node = AnswerOnceAsync(listener, SupportedFrame);

        var result = await new CassandraHealthCheck(() => ("127.0.0.1", port), s_timeout)
            .CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);
        var request = await node;

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Contains("CQL 3.4.7", result.Description, StringComparison.Ordinal);
        // The probe sent a protocol v4 OPTIONS frame with an empty body.
        Assert.Equal(0x04, request[0]);
        Assert.Equal(0x05, request[4]);
        Assert.Equal(0, BinaryPrimitives.ReadInt32BigEndian(request.AsSpan(5)));
    }

    [Fact]
    public async Task Node_answering_with_an_error_is_unhealthy_and_says_why()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var node = AnswerOnceAsync(listener, ErrorFrame);

        var result = await new CassandraHealthCheck(() => ("127.0.0.1", port), s_timeout)
            .CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);
        await node;

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("Node is bootstrapping", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_listening_is_unhealthy()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var result = await new CassandraHealthCheck(() => ("127.0.0.1", port), s_timeout)
            .CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains($"127.0.0.1:{port}", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Endpoint_without_an_address_is_unhealthy()
    {
        var result = await new CassandraHealthCheck(() => null, s_timeout)
            .CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
    }

    // Reads one request frame and answers it with the frame built for its stream id.
    private static async Task<byte[]> AnswerOnceAsync(TcpListener listener, Func<short, byte[]> answer)
    {
        using var client = await listener.AcceptTcpClientAsync(TestContext.Current.CancellationToken);
        var stream = client.GetStream();
        var header = new byte[9];
        await stream.ReadExactlyAsync(header, TestContext.Current.CancellationToken);
        await stream.WriteAsync(answer(BinaryPrimitives.ReadInt16BigEndian(header.AsSpan(2))), TestContext.Current.CancellationToken);
        return header;
    }

    private static byte[] SupportedFrame(short streamId)
    {
        var body = new List<byte>();
        AppendShort(body, 2);
        AppendString(body, "CQL_VERSION");
        AppendShort(body, 1);
        AppendString(body, "3.4.7");
        AppendString(body, "COMPRESSION");
        AppendShort(body, 2);
        AppendString(body, "lz4");
        AppendString(body, "snappy");
        return Frame(streamId, 0x06, body);
    }

    private static byte[] ErrorFrame(short streamId)
    {
        var body = new List<byte> { 0x00, 0x00, 0x10, 0x00 }; // 0x1000 Unavailable
        AppendString(body, "Node is bootstrapping");
        return Frame(streamId, 0x00, body);
    }

    private static byte[] Frame(short streamId, byte opcode, List<byte> body)
    {
        var frame = new byte[9 + body.Count];
        frame[0] = 0x84;
        BinaryPrimitives.WriteInt16BigEndian(frame.AsSpan(2), streamId);
        frame[4] = opcode;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), body.Count);
        body.CopyTo(frame, 9);
        return frame;
    }

    private static void AppendShort(List<byte> body, int value)
    {
        body.Add((byte)(value >> 8));
        body.Add((byte)value);
    }

    private static void AppendString(List<byte> body, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        AppendShort(body, bytes.Length);
        body.AddRange(bytes);
    }
}
